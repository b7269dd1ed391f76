"""A seller checks stock in the browser: the inventory page with its flags and filters, the SKUs
that ran out through NoInventory cancellations, a SKU's ledger and the order behind a change.
Locators are ids, roles and data attributes, so the test holds whatever language the page is
in."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.services import order_cancel
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser


def test_seller_finds_what_is_out_of_stock_and_why(page: Page, live_server: LiveServer) -> None:
    # Given a Swedish-speaking seller with plenty, little and no stock, and an order of the
    # lamp cancelled with NoInventory
    seller = make_seller()
    user = make_user(seller, language="sv", username="lager")
    make_listing(seller, sku="FAT-EK", quantity=40, price="349.00")
    make_listing(seller, sku="HANDDUK-LINNE", quantity=3, price="249.00")
    lamp = make_listing(seller, sku="LJUSSTAKE-MASS", quantity=2, price="599.00")
    make_order(seller, (lamp, 1))
    cancelled = make_order(seller, (lamp, 1))
    order_cancel(
        seller=seller,
        amazon_order_id=cancelled.amazon_order_id,
        actor=None,
        reason="NoInventory",
    )
    # And another seller, whose listings must not show
    make_listing(make_seller("Fjällbutiken"), sku="FJ-STORMKOK", quantity=0)

    # When the seller signs in and opens Lager from the navigation
    sign_in(page, user)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")
    page.locator('header nav a[href="/inventory/"]').click()

    # Then every listing of the seller is there with its flag
    expect(page).to_have_url(f"{live_server.url}/inventory/")
    rows = page.locator("table.inventory tbody tr[data-sku]")
    expect(rows).to_have_count(3)
    expect(
        page.locator('table.inventory tr[data-sku="LJUSSTAKE-MASS"] [data-flag]')
    ).to_have_attribute("data-flag", "zero")
    expect(
        page.locator('table.inventory tr[data-sku="HANDDUK-LINNE"] [data-flag]')
    ).to_have_attribute("data-flag", "low")
    expect(page.locator('table.inventory tr[data-sku="FAT-EK"] [data-flag]')).to_have_count(0)
    expect(page.locator('tr[data-sku="FJ-STORMKOK"]')).to_have_count(0)
    # And the lamp is among the SKUs cancelled with NoInventory
    expect(page.locator("table.no-inventory tbody tr[data-sku]")).to_have_count(1)
    expect(page.locator('table.no-inventory tr[data-sku="LJUSSTAKE-MASS"]')).to_be_visible()
    screenshot(page, "11-inventory.png")

    # When the seller narrows the list to what is out of stock
    page.locator('nav.tabs a[data-stock="zero"]').click()

    # Then only the lamp is listed
    expect(page).to_have_url(f"{live_server.url}/inventory/?stock=zero")
    expect(rows).to_have_count(1)
    expect(page.locator("#listings-count")).to_have_attribute("data-count", "1")

    # When the seller opens the lamp's ledger
    page.locator('table.inventory tr[data-sku="LJUSSTAKE-MASS"] a').click()

    # Then every change is there, newest first, the last one the NoInventory cancellation
    expect(page).to_have_url(f"{live_server.url}/inventory/LJUSSTAKE-MASS/")
    entries = page.locator("table.ledger tbody tr[data-entry]")
    expect(entries).to_have_count(4)
    expect(entries.first).to_have_attribute("data-cause", "cancellation_no_inventory")
    expect(entries.last).to_have_attribute("data-cause", "initial")
    expect(page.locator("#ledger-drift")).to_have_count(0)

    # And its link leads to the cancelled order
    entries.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/orders/{cancelled.amazon_order_id}/")


def test_a_bad_filter_is_a_clear_error_not_a_crash(page: Page, live_server: LiveServer) -> None:
    seller = make_seller()
    sign_in(page, make_user(seller, language="sv"))
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    response = page.goto("/inventory/?stock=nearly")

    assert response is not None and response.status == 400
    expect(page.locator("#inventory-errors")).to_be_visible()
    expect(page.locator("table.inventory")).to_have_count(0)
