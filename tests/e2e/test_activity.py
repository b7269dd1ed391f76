"""The seller's administrator sees who did what in the browser: Activity, filtered by a user,
with each row leading to its order, and the list downloaded as CSV. Locators are ids, roles and
data attributes, so the test holds whatever language the page is in."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.services import order_cancel
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_order, make_seller, make_user, ship_item

pytestmark = pytest.mark.browser


def test_administrator_finds_who_cancelled_an_order(page: Page, live_server: LiveServer) -> None:
    # Given a seller whose warehouse user shipped an order and whose office user cancelled two
    seller = make_seller()
    admin = make_user(seller, language="sv", username="agare")
    office = make_user(seller, language="sv", username="kontor")
    warehouse = make_user(seller, language="sv", username="lager")
    shipped = make_order(seller, buyer_name="Erik Lund")
    ship_item(shipped, shipped.items.get())
    cancelled = [make_order(seller, buyer_name=name) for name in ("Karin Nilsson", "Olof Björk")]
    for order in cancelled:
        order_cancel(
            seller=seller, amazon_order_id=order.amazon_order_id, actor=office, reason="NoInventory"
        )
    del warehouse  # the shipment above had no acting user: it came through the service alone

    # When the administrator signs in and opens Activity from the navigation
    sign_in(page, admin)
    page.locator("button[type=submit]").click()
    page.locator('header nav a[href="/activity/"]').click()
    expect(page).to_have_url(f"{live_server.url}/activity/")

    # Then the three changes are listed, newest first
    rows = page.locator("table.activity tbody tr[data-kind]")
    expect(rows).to_have_count(3)
    expect(rows.nth(2)).to_have_attribute("data-kind", "shipment")
    screenshot(page, "14-activity.png")

    # When the administrator keeps only the office user's activity
    page.locator("#id_user").select_option(label="kontor")
    page.locator("#activity-filters button[type=submit]").click()

    # Then only the two cancellations remain, and the first leads to its order
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index)).to_have_attribute("data-kind", "cancellation")
    newest = cancelled[-1].amazon_order_id
    rows.nth(0).get_by_role("link", name=newest).click()
    expect(page).to_have_url(f"{live_server.url}/orders/{newest}/")

    # When the administrator goes back and downloads the filtered list
    page.go_back()
    with page.expect_download() as download_info:
        page.locator('a[href^="/activity/export.csv"]').click()
    download = download_info.value

    # Then the file holds the same two rows
    table = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8"))))
    assert [row[4] for row in table[1:]] == [order.amazon_order_id for order in cancelled[::-1]]
    assert {row[1] for row in table[1:]} == {"kontor"}
