"""A seller reads the customer metrics in the browser: the rate and its status, the chart of 90
days, the breakdowns, and the orders behind a number. Locators are ids, roles and data
attributes, so the test holds whatever language the page is in."""

import datetime
import random

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.metrics.rates import cancellation_rate
from sellerdesk.metrics.selectors import cancellation_breakdown
from sellerdesk.orders.models import Order
from tests.e2e.test_cancel_order import screenshot, sign_in
from tests.factories import make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser

REASONS = ["NoInventory"] * 5 + ["PricingError"] * 2 + ["ShippingAddressUndeliverable"]


def a_season_of_orders(seller) -> None:
    """About 400 orders over the last 95 days, a few a day more lately, and cancellations that
    make the rate climb over the target in the last weeks."""
    rng = random.Random(10)
    listings = [
        make_listing(seller, sku=sku, quantity=1000)
        for sku in ("MUGG-STENGODS", "HANDDUK-LINNE", "LJUSSTAKE-MASS", "FAT-EK")
    ]
    now = timezone.now()
    to_cancel = []
    for days_ago in range(95, -1, -1):
        for _ in range(3 if days_ago > 30 else 5):
            order = make_order(seller, (rng.choice(listings), rng.choice((1, 1, 2))))
            when = now - datetime.timedelta(days=days_ago, minutes=rng.randrange(0, 600))
            Order.objects.filter(pk=order.pk).update(purchase_date=when)
            if rng.random() < (0.02 if days_ago > 30 else 0.05):
                to_cancel.append(order)
    # After all the orders: a NoInventory cancellation sets the listing's stock to zero.
    for order in to_cancel:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            reason=rng.choice(REASONS),
        )


def test_seller_reads_the_customer_metrics_and_the_orders_behind_them(
    page: Page, live_server: LiveServer
) -> None:
    # Given a Swedish-speaking seller with three months of orders and some cancellations
    seller = make_seller()
    user = make_user(seller, language="sv", username="kassa")
    a_season_of_orders(seller)
    # And another seller, whose numbers must not show
    other = make_seller("Fjällbutiken")
    for _ in range(3):
        order = make_order(other)
        order_cancel(
            seller=other, amazon_order_id=order.amazon_order_id, actor=None, reason="PricingError"
        )
    rate = cancellation_rate(seller=seller)
    breakdown = cancellation_breakdown(seller=seller)
    assert rate.cancelled > 0 and breakdown.by_reason

    # When the seller signs in and opens the metrics from the navigation
    sign_in(page, user)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")
    page.locator('header nav a[href="/metrics/"]').click()

    # Then the page shows the rate, its counts and its status
    expect(page).to_have_url(f"{live_server.url}/metrics/")
    card = page.locator(".rate-card")
    expect(card).to_have_attribute("data-rate-percent", str(rate.percent))
    expect(card).to_have_attribute("data-rate-cancelled", str(rate.cancelled))
    expect(card).to_have_attribute("data-rate-orders", str(rate.orders))
    expect(card).to_have_attribute("data-rate-status", rate.status.value)
    expect(page.locator("#rate-percent")).to_have_text(f"{rate.percent:.2f} %".replace(".", ","))

    # And Chart.js has drawn the 90 days
    chart = page.locator("canvas#rate-chart")
    expect(chart).to_have_attribute("data-chart-ready", "90")
    assert chart.bounding_box()["height"] > 200  # type: ignore[index]

    # And the breakdowns list this seller's reasons and SKUs, and nothing of the other's
    reasons = page.locator("table.by-reason tbody tr[data-reason]")
    expect(reasons).to_have_count(len(breakdown.by_reason))
    expect(page.locator("table.by-sku tbody tr[data-sku]")).to_have_count(len(breakdown.by_sku))
    expect(page.locator('tr[data-sku^="SKU-"]')).to_have_count(0)
    screenshot(page, "10-customer-metrics.png")

    # And the table under the chart has the same numbers as the chart
    page.locator("#history-table-summary").click()
    today = timezone.localdate().isoformat()
    today_row = page.locator(f'table.history tr[data-day="{today}"]')
    expect(today_row).to_be_visible()
    expect(page.locator("table.history tbody tr")).to_have_count(90)

    # When the seller follows the number of orders cancelled for the most frequent reason
    top = breakdown.by_reason[0]
    page.locator(f'tr[data-reason="{top.reason}"] a').click()

    # Then exactly those orders are listed, each linking to its page
    expect(page).to_have_url(f"{live_server.url}/metrics/orders/?reason={top.reason}")
    expect(page.locator("#orders-count")).to_have_attribute("data-count", str(top.orders))
    rows = page.locator("table.metrics-orders tbody tr[data-order-id]")
    expect(rows).to_have_count(top.orders)
    order_id = rows.first.get_attribute("data-order-id")
    rows.first.get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}/orders/{order_id}/")
    expect(page.locator("li.event-cancelled .reason")).to_have_attribute("title", top.reason)


def test_a_bad_day_is_a_clear_error_not_a_crash(page: Page, live_server: LiveServer) -> None:
    seller = make_seller()
    user = make_user(seller, language="sv")
    sign_in(page, user)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    response = page.goto("/metrics/orders/?day=1999-01-01")

    assert response is not None and response.status == 400
    expect(page.locator("#metrics-orders-errors")).to_be_visible()
    expect(page.locator("table.metrics-orders")).to_have_count(0)
