"""A Swedish-speaking seller reads amounts and reasons in Swedish: the order timeline writes
amounts as the money filter does (1 430,00 SEK, a no-break space between the thousands), and
the timeline and the customer metrics name every reason, never showing its code."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.services import order_cancel
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user, ship_item

pytestmark = pytest.mark.browser

AMOUNT = "1\xa0430,00 SEK"


def test_the_timeline_and_the_metrics_write_amounts_and_reasons_in_swedish(
    page: Page, live_server: LiveServer
) -> None:
    # Given a seller with a shipped (charged) lamp of 1430.00 and an order cancelled by a feed
    # with a reason only feeds carry
    seller = make_seller()
    user = make_user(seller, language="sv", username="lampor")
    lamp = make_listing(seller, sku="LAMPA", price="1430.00", quantity=10)
    shipped = make_order(seller, (lamp, 1))
    ship_item(shipped, shipped.items.get())
    cancelled = make_order(seller, (lamp, 1))
    order_cancel(
        seller=seller,
        amazon_order_id=cancelled.amazon_order_id,
        actor=None,
        reason="MerchandiseNotReceived",
        source="feed",
    )
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    # When the seller opens the shipped order
    page.goto(f"/orders/{shipped.amazon_order_id}/")

    # Then its timeline writes the charge in Swedish
    timeline = page.locator("ol.timeline")
    expect(timeline).to_be_visible()
    assert AMOUNT in timeline.inner_text()
    assert "1430.00" not in page.locator("body").inner_text()

    # When the seller opens the cancelled order
    page.goto(f"/orders/{cancelled.amazon_order_id}/")

    # Then its timeline names the reason in Swedish, not by its code
    expect(page.locator("ol.timeline .reason")).to_have_text("Varan har inte mottagits")
    expect(page.locator("body")).not_to_contain_text("MerchandiseNotReceived")
    screenshot(page, "15-timeline-feed-reason.png")

    # And the customer metrics and the orders behind the reason do the same
    page.goto("/metrics/")
    expect(page.locator('tr[data-reason="MerchandiseNotReceived"]')).to_contain_text(
        "Varan har inte mottagits"
    )
    expect(page.locator("body")).not_to_contain_text("MerchandiseNotReceived")
    page.goto("/metrics/orders/?reason=MerchandiseNotReceived")
    expect(page.locator("main")).to_contain_text("Varan har inte mottagits")
    expect(page.locator("body")).not_to_contain_text("MerchandiseNotReceived")
    screenshot(page, "16-metrics-feed-reason.png")
