"""A seller ships one item of a two-item order, then cancels and refunds the other in the
browser; the buyer is emailed the amounts."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.refunds.models import Refund
from tests.conftest import SmtpInbox, run_tasks
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_seller, make_two_item_order, make_user, ship_item

pytestmark = pytest.mark.browser


def test_seller_refunds_the_item_that_cannot_ship_after_a_partial_shipment(
    page: Page, live_server: LiveServer, smtp: SmtpInbox
) -> None:
    # Given a two-item order whose first item has shipped (and so the buyer was charged)
    seller = make_seller()
    user = make_user(seller, language="sv")
    order, shipped, missing = make_two_item_order(seller)
    ship_item(order, shipped)
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    # When the seller refunds the other item from the order page, cancelling its unit
    page.goto(f"/orders/{order.amazon_order_id}/")
    expect(page.locator(".summary .status")).to_have_text("Delvis skickad")
    page.get_by_role("link", name="Återbetala").click()
    sku = missing.seller_sku
    page.get_by_label(f"Orsak: {sku}").select_option(label="Inget lager")
    page.get_by_label(f"Enheter att annullera: {sku}").fill("1")
    page.get_by_label(f"Varupris: {sku}").fill("300,00")
    page.get_by_label(f"Moms på vara: {sku}").fill("75,00")
    page.get_by_label("Säljaranteckning").fill("Leverantören har slutat tillverka den")
    screenshot(page, "9-refund.png")
    page.get_by_role("button", name="Genomför återbetalning").click()

    # Then the order is shipped in full (one item shipped, the other cancelled), with its refund
    expect(page.get_by_role("status")).to_have_text(
        f"Återbetalningen för beställning {order.amazon_order_id} har genomförts."
    )
    expect(page.locator(".summary .status")).to_have_text("Skickad")
    expect(page.locator("table.refunds")).to_contain_text("375,00 SEK")
    refund = Refund.objects.get()
    assert (refund.order_item_id, refund.quantity_cancelled) == (missing.pk, 1)

    # And the buyer gets one email, in Swedish, with the amounts
    run_tasks()
    (message,) = smtp.messages
    assert message["Subject"] == (
        f"Du har fått en återbetalning för din beställning {order.amazon_order_id} från "
        f"{seller.name}"
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Varupris: 300,00 SEK" in text
    assert "Moms på vara: 75,00 SEK" in text
    assert "Totalt återbetalt: 375,00 SEK" in text
    assert "Leverantören" not in text
