"""A seller uploads an Order Cancellation file in the browser and reads its processing report."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.feeds.models import Feed
from sellerdesk.orders.models import Order
from tests.conftest import run_tasks
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser


def test_seller_uploads_a_cancellation_file_and_reads_the_report(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    # Given a seller with two unshipped orders, and a file that also names a pending order
    seller = make_seller()
    user = make_user(seller, language="sv")
    listing = make_listing(seller, quantity=20)
    first, second = make_order(seller, (listing, 1)), make_order(seller, (listing, 2))
    pending = make_order(seller, (listing, 1), payment_authorized=False)
    upload = tmp_path / "annullering.txt"
    upload.write_bytes(
        (
            "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
            f"{first.amazon_order_id}\tNoInventory\t\n"
            f"{second.amazon_order_id}\tPricingError\t\n"
            f"{pending.amazon_order_id}\tPricingError\t\n"
        ).encode("cp1252")
    )
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    # When the seller uploads it from "Ladda upp orderfiler"
    page.get_by_role("link", name="Ladda upp orderfiler").click()
    page.get_by_label("Filtyp").select_option(label="Orderannullering")
    page.get_by_label("Fil", exact=True).set_input_files(upload)
    screenshot(page, "6-upload-file.png")
    page.get_by_role("button", name="Ladda upp").click()

    # Then the report page follows the processing until it is done, and without a reload
    # shows the error with a link to its order
    feed = Feed.objects.get()
    expect(page).to_have_url(f"{live_server.url}/files/{feed.feed_id}/")
    expect(page.locator("#feed-progress[hx-trigger]")).to_have_count(1)
    expect(page.locator("table.results")).to_have_count(0)
    page.evaluate("window.sameDocument = true")  # a reload would forget it
    run_tasks()
    expect(page.locator("#feed-progress .status")).to_have_text("Klar", timeout=10_000)
    expect(page.locator("#feed-progress .processed")).to_have_text("3")
    expect(page.locator("#feed-progress .successful")).to_have_text("2")
    expect(page.locator("#feed-progress .errors")).to_have_text("1")
    expect(page.get_by_role("heading", name="Fel och varningar")).to_be_visible()
    row = page.locator("table.results tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("18009")
    assert page.evaluate("window.sameDocument") is True
    screenshot(page, "7-processing-report.png")
    assert sorted(Order.objects.values_list("status", flat=True)) == [
        "Canceled",
        "Canceled",
        "Pending",
    ]

    # And the error's order opens from its row
    row.get_by_role("link", name=pending.amazon_order_id).click()
    expect(page).to_have_url(f"{live_server.url}/orders/{pending.amazon_order_id}/")
    page.go_back()

    # And the history lists the file with its counts and report
    page.get_by_role("link", name="← Filstatus och historik").click()
    history_row = page.locator(f'tr[data-feed-id="{feed.feed_id}"]')
    expect(history_row).to_contain_text("annullering.txt")
    expect(history_row.get_by_role("link", name="Ladda ner")).to_be_visible()
