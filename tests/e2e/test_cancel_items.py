"""A seller cancels one item of a two-item order in the browser; the buyer learns what is still
coming."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import SmtpInbox, run_tasks
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser


def test_seller_cancels_one_item_and_the_rest_stays_unshipped(
    page: Page, live_server: LiveServer, smtp: SmtpInbox
) -> None:
    # Given a two-item order
    seller = make_seller()
    user = make_user(seller, language="sv")
    mug = make_listing(seller, sku="MUGG-1", quantity=10)
    vase = make_listing(seller, sku="VAS-1", quantity=10)
    order = make_order(seller, (mug, 1), (vase, 2), buyer_name="Ebba Sjöberg")
    vase_item = order.items.get(listing=vase)
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    # When the seller cancels one vase with "Cancel items"
    page.goto(f"/orders/{order.amazon_order_id}/cancel/")
    page.get_by_label("Annullera varor").check()
    page.get_by_label("Antal att annullera: VAS-1").fill("1")
    page.get_by_label("Orsak till annullering").select_option(label="Inget lager")
    screenshot(page, "8-cancel-items.png")
    page.get_by_role("button", name="Bekräfta annullering").click()

    # Then the order still waits to ship, with one vase cancelled
    expect(page.get_by_role("status")).to_have_text(
        f"De valda varorna i beställning {order.amazon_order_id} har annullerats."
    )
    expect(page.locator(".summary .status")).to_have_text("Ej skickad")
    order.refresh_from_db()
    vase_item.refresh_from_db()
    assert (order.status, vase_item.quantity_cancelled) == ("Unshipped", 1)

    # And the buyer is told what was cancelled and what is still coming
    run_tasks()
    (message,) = smtp.messages
    assert message["Subject"] == (
        f"Varor i din beställning {order.amazon_order_id} från {seller.name} har annullerats"
    )
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert "Annullerade varor:\n- 1 × Kaffekopp i stengods (SKU VAS-1)" in text
    assert "Fortfarande på väg till dig:" in text
    assert "- 1 × Kaffekopp i stengods (SKU MUGG-1)" in text
    assert "- 1 × Kaffekopp i stengods (SKU VAS-1)" in text.split("Fortfarande på väg till dig:")[1]
