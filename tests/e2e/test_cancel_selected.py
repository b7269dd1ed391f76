"""A seller cancels a selection of orders in the browser: the job's page reports the numbers
that the confirmation announced, in the same categories."""

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.feeds.models import Feed
from sellerdesk.orders.models import Order
from tests.conftest import run_tasks
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser


def summary(section: Locator) -> dict[str, str]:
    """A summary list as term -> value."""
    terms = section.locator("dl.summary dt").all_inner_texts()
    values = section.locator("dl.summary dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def test_the_result_of_a_selection_has_the_confirmations_counts(
    page: Page, live_server: LiveServer
) -> None:
    # Given two unshipped orders, five pending and one cancelled, all of them selected
    seller = make_seller()
    user = make_user(seller, language="sv")
    listing = make_listing(seller, quantity=50)
    unshipped = [make_order(seller, (listing, 1)) for _ in range(2)]
    cancelled = make_order(seller, (listing, 1))
    order_cancel(
        seller=seller, amazon_order_id=cancelled.amazon_order_id, actor=None, reason="PricingError"
    )
    pending = [make_order(seller, (listing, 1), payment_authorized=False) for _ in range(5)]
    sign_in(page, user)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")
    for order in [*unshipped, cancelled, *pending]:
        page.get_by_label(f"Välj {order.amazon_order_id}").check()

    # When the seller asks to cancel them, reads the confirmation and confirms
    page.get_by_role("button", name="Annullera valda").click()
    expect(page.get_by_role("heading", name="Annullera valda beställningar")).to_be_visible()
    announced = summary(page.locator("section.card").first)
    screenshot(page, "cancel-selected-confirmation.png")
    page.get_by_label("Orsak till annullering").select_option(label="Prissättningsfel")
    page.get_by_role("button", name="Annullera 2 beställningar").click()
    feed = Feed.objects.get()
    expect(page).to_have_url(f"{live_server.url}/files/{feed.feed_id}/")
    run_tasks()

    # Then the job's page, once done, reports the same categories with the same counts
    progress = page.locator("#feed-progress")
    expect(progress.locator(".status")).to_have_text("Klar", timeout=10_000)
    result = summary(progress)
    screenshot(page, "cancel-selected-result.png")
    assert announced == {
        "Valda": "8",
        "Annulleras": "2",
        "Hoppas över: Annullerad": "1",
        "Hoppas över: Väntande": "5",
    }
    assert result == {
        "Status": "Klar",
        "Annullerades": "2",
        "Hoppas över: Annullerad": "1",
        "Hoppas över: Väntande": "5",
        "Ändrade sedan bekräftelsen": "0",
    }
    assert sorted(Order.objects.values_list("status", flat=True)) == [
        "Canceled",
        "Canceled",
        "Canceled",
        *["Pending"] * 5,
    ]
