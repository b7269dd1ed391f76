"""A seller requests the unshipped orders report in the browser, waits for it and downloads it,
with the buyer's request to cancel in it."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.reports.models import Report
from tests.conftest import run_tasks
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser


def test_seller_downloads_the_unshipped_orders_report_with_a_buyer_cancellation_request(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    # Given a seller with two unshipped orders, the buyer of one of them asking to cancel
    seller = make_seller()
    user = make_user(seller, language="sv")
    listing = make_listing(seller, sku="VAS-GLAS", quantity=20)
    requested = make_order(seller, (listing, 1), buyer_name="Märta Ångström")
    order_buyer_cancel_request(
        amazon_order_id=requested.amazon_order_id, reason="Beställde fel färg"
    )
    waiting = make_order(seller, (listing, 2), buyer_name="Nils Berg")
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    # When the seller requests the unshipped orders report from "Rapporter"
    page.get_by_role("link", name="Rapporter").click()
    page.get_by_label("Rapporttyp").select_option(label="Ej skickade beställningar")
    page.get_by_role("button", name="Beställ rapport").click()

    # Then the list follows the report until it is done
    report = Report.objects.get()
    row = page.locator(f'tr[data-report-id="{report.report_id}"]')
    expect(row).to_contain_text("Ej skickade beställningar")
    run_tasks()
    expect(row.locator(".status")).to_have_text("Klar", timeout=10_000)
    expect(row).to_contain_text("2 rader")
    screenshot(page, "13-reports.png")

    # And the download lists both orders, the requested one flagged with the buyer's reason
    with page.expect_download() as download:
        row.get_by_role("link", name="Ladda ner").click()
    saved = tmp_path / "report.txt"
    download.value.save_as(saved)
    rows = list(
        csv.DictReader(
            io.StringIO(saved.read_text("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    )
    assert [
        (
            row["order-id"],
            row["buyer-name"],
            row["is-buyer-requested-cancellation"],
            row["buyer-requested-cancel-reason"],
        )
        for row in rows
    ] == [
        (requested.amazon_order_id, "Märta Ångström", "true", "Beställde fel färg"),
        (waiting.amazon_order_id, "Nils Berg", "false", ""),
    ]
