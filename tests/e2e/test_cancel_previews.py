"""In the browser, in Swedish: the cancel pages show each SKU's stock and the rate for the
reason chosen, follow the reason and the quantities, and a partly shipped order leads to the
refund form."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.catalog.models import Listing
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import (
    make_listing,
    make_order,
    make_seller,
    make_two_item_order,
    make_user,
    ship_item,
)

pytestmark = pytest.mark.browser


def signed_in(page: Page, live_server: LiveServer, user) -> None:
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")


def test_the_cancel_page_shows_the_stock_for_the_chosen_reason_and_quantities(
    page: Page, live_server: LiveServer
) -> None:
    # Given an order of one NH-0029 (313 left) and three NH-0035 (12 left)
    seller = make_seller()
    user = make_user(seller, language="sv")
    shelf = make_listing(seller, sku="NH-0029", quantity=314)
    lamp = make_listing(seller, sku="NH-0035", quantity=15)
    order = make_order(seller, (shelf, 1), (lamp, 3))
    signed_in(page, live_server, user)
    page.goto(f"/orders/{order.amazon_order_id}/cancel/")
    preview = page.locator("#stock-preview")
    no_inventory = preview.locator('[data-reasons="NoInventory"]')
    restocking = preview.locator('[data-reasons^="BuyerCanceled"]')

    # Then, before a reason is chosen, the stock shows for every reason, each labelled
    expect(no_inventory).to_be_visible()
    expect(no_inventory).to_contain_text("Med orsaken ”Inget lager”:")
    expect(restocking).to_contain_text("Med någon annan orsak:")

    # When the seller chooses "Inget lager", only its effect shows: both SKUs go to zero
    page.get_by_label("Orsak till annullering").select_option(label="Inget lager")
    expect(restocking).to_be_hidden()
    expect(no_inventory.locator('tr[data-sku="NH-0029"] .stock-change')).to_have_text("313 → 0")
    expect(no_inventory.locator('tr[data-sku="NH-0035"] .stock-change')).to_have_text("12 → 0")
    screenshot(page, "9-cancel-stock-no-inventory.png")

    # And with another reason, the units return
    page.get_by_label("Orsak till annullering").select_option(label="Prissättningsfel")
    expect(no_inventory).to_be_hidden()
    expect(restocking.locator('tr[data-sku="NH-0035"] .stock-change')).to_have_text("12 → 15")

    # When the seller cancels one NH-0035 only, the preview follows the quantity
    page.get_by_label("Annullera varor").check()
    page.get_by_label("Antal att annullera: NH-0035").fill("1")
    page.get_by_label("Antal att annullera: NH-0035").blur()
    expect(restocking.locator('tr[data-sku="NH-0035"] .stock-change')).to_have_text("12 → 13")
    expect(page.locator('#stock-preview tr[data-sku="NH-0029"]')).to_have_count(0)
    expect(no_inventory).to_be_hidden()  # the swapped-in preview keeps the chosen reason

    # And with "Inget lager" and confirmed, the stock is what the preview said
    page.get_by_label("Orsak till annullering").select_option(label="Inget lager")
    expect(no_inventory.locator('tr[data-sku="NH-0035"] .stock-change')).to_have_text("12 → 0")
    page.get_by_role("button", name="Bekräfta annullering").click()
    expect(page.get_by_role("status")).to_contain_text("har annullerats")
    assert Listing.objects.get(pk=lamp.pk).quantity == 0
    assert Listing.objects.get(pk=shelf.pk).quantity == 313

    # And the order page names the item cancellation and shows the balance
    expect(page.locator(".timeline .event-cancelled strong")).to_have_text(
        "Varor annullerade: NH-0035 × 1"
    )
    expect(page.locator('[data-amount="cancelled"]')).to_be_visible()
    screenshot(page, "10-order-items-cancelled.png")


def test_a_selection_of_requested_orders_preselects_buyer_canceled_in_the_browser(
    page: Page, live_server: LiveServer
) -> None:
    # Given two orders whose buyers asked to cancel, among four
    seller = make_seller()
    user = make_user(seller, language="sv")
    shelf = make_listing(seller, sku="NH-0029", quantity=50)
    asked = [
        order_buyer_cancel_request(
            amazon_order_id=make_order(seller, (shelf, 1)).amazon_order_id, reason="Ångrat köpet"
        )
        for _ in range(2)
    ]
    for _ in range(2):
        make_order(seller, (shelf, 1))
    signed_in(page, live_server, user)

    # When the seller selects them and chooses "Cancel selected"
    for order in asked:
        page.get_by_label(f"Välj {order.amazon_order_id}").check()
    page.get_by_role("button", name="Annullera valda").click()

    # Then "Annullerad av köpare" is chosen, the page says why, and the rate stays
    expect(page.get_by_label("Orsak till annullering")).to_have_value("BuyerCanceled")
    expect(page.locator('[data-notice="buyer-requested"]')).to_contain_text(
        "2 av de 2 beställningar som ska annulleras har en begäran om annullering från köparen."
    )
    forecast = page.locator(".rate-forecast:visible")
    expect(forecast).to_have_count(1)
    expect(forecast).to_have_attribute("data-rate-after", "0.00")
    screenshot(page, "11-cancel-selected-buyer-requested.png")

    # And another reason shows the rate that counts them
    page.get_by_label("Orsak till annullering").select_option(label="Inget lager")
    expect(page.locator(".rate-forecast:visible")).to_have_attribute("data-rate-after", "50.00")


def test_a_partially_shipped_order_leads_from_its_cancel_page_to_the_refund_form(
    page: Page, live_server: LiveServer
) -> None:
    seller = make_seller()
    user = make_user(seller, language="sv")
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)
    signed_in(page, live_server, user)

    page.goto(f"/orders/{order.amazon_order_id}/cancel/")

    notice = page.locator('[data-notice="refund-instead"]')
    expect(notice).to_contain_text("Skickade varor kan inte annulleras")
    screenshot(page, "12-partially-shipped-cancel.png")
    notice.get_by_role("link", name="Återbetala").click()
    expect(page).to_have_url(f"{live_server.url}/orders/{order.amazon_order_id}/refund/")
