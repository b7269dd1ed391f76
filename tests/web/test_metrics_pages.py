"""The Customer metrics page and the orders behind its numbers."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from sellerdesk.cancellations.services import order_cancel
from tests.factories import make_listing, make_order, make_user


def cancel(order, reason="NoInventory", quantities=None):
    return order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=reason,
        quantities=quantities,
    )


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match is not None, pattern
    return match[1]


def orders_listed(response) -> list[str]:
    return re.findall(r'<tr data-order-id="([^"]+)"', response.content.decode())


def test_the_page_shows_the_rate_its_status_chart_data_and_breakdowns(seller, english_client):
    mug = make_listing(seller, sku="MUGG", quantity=100)
    orders = [make_order(seller, (mug, 2)) for _ in range(40)]
    cancel(orders[0], "NoInventory")
    cancel(orders[1], "PricingError", quantities={orders[1].items.get().order_item_id: 1})

    response = english_client.get("/metrics/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="/metrics/"' in page  # the navigation link
    assert 'data-rate-status="above_target"' in page
    assert 'data-rate-percent="5.00"' in page
    assert 'data-rate-cancelled="2" data-rate-orders="40"' in page
    assert (
        '<span class="rate-status rate-status-above_target" id="rate-status">Above target' in page
    )
    assert "2 of 40 orders purchased in the last 7 days have a cancellation that counts." in page
    assert '<tr data-reason="NoInventory"><td title="NoInventory">No inventory</td>' in page
    assert 'href="/metrics/orders/?reason=NoInventory">1</a>' in page
    assert 'href="/metrics/orders/?sku=MUGG">2</a>' in page
    assert "chart-4.6.1.umd.min.js" in page and "web/metrics.js" in page
    chart = json.loads(
        found(r'id="rate-history-data" type="application/json">(.*?)</script>', page)
    )
    today = timezone.localdate().isoformat()
    assert len(chart["days"]) == 90 and chart["days"][-1] == today
    assert (chart["rates"][-1], chart["cancelled"][-1], chart["orders"][-1]) == (5.0, 2, 40)
    assert (chart["target"], chart["atRiskFrom"]) == (2.5, 2.0)
    assert chart["text"]["rate"] == "7-day cancellation rate"
    # The table fallback has the same numbers, with links to the orders behind them.
    assert re.search(
        rf'<tr data-day="{today}">.*?day={today}">40</a>.*?day={today}">2</a>'
        r".*?5.00 %.*?Above target",
        page,
        re.S,
    )
    assert page.count("<tr data-day=") == 90


def test_the_status_is_good_then_at_risk_then_above_target(seller, english_client):
    listing = make_listing(seller, quantity=100)
    orders = [make_order(seller, (listing, 1)) for _ in range(50)]

    def status():
        page = english_client.get("/metrics/").content.decode()
        return found(r'data-rate-status="([a-z_]+)"', page)

    assert status() == "good"
    cancel(orders[0])  # 1 of 50: 2.00 %, no longer under 2.0 %
    assert status() == "at_risk"
    cancel(orders[1])  # 2 of 50: 4.00 %
    assert status() == "above_target"


def test_at_risk_is_from_two_percent_up_to_the_target(seller, english_client):
    orders = [make_order(seller) for _ in range(45)]
    cancel(orders[0])  # 1 of 45: 2.22 %

    page = english_client.get("/metrics/").content.decode()

    assert 'data-rate-status="at_risk"' in page and 'data-rate-percent="2.22"' in page


def test_the_orders_behind_each_number(seller, english_client):
    mug, towel = make_listing(seller, sku="MUGG", quantity=50), make_listing(seller, sku="HANDDUK")
    first, second, kept = (make_order(seller, (mug, 1), (towel, 1)) for _ in range(3))
    cancel(first, "NoInventory")
    cancel(
        second, "PricingError", quantities={second.items.get(seller_sku="HANDDUK").order_item_id: 1}
    )
    today = timezone.localdate().isoformat()
    ids = [order.amazon_order_id for order in (kept, second, first)]

    cases = {
        "?kind=cancelled": ids[1:],
        "?kind=all": ids,
        "?reason=NoInventory": [ids[2]],
        "?reason=PricingError": [ids[1]],
        "?sku=HANDDUK": ids[1:],  # the first order was cancelled whole
        "?sku=MUGG": [ids[2]],
        f"?day={today}": ids[1:],
        f"?day={today}&kind=all": ids,
        "": ids[1:],
    }
    for query, expected in cases.items():
        response = english_client.get(f"/metrics/orders/{query}")
        assert response.status_code == 200, query
        assert orders_listed(response) == expected, query
        assert f'data-count="{len(expected)}"' in response.content.decode()
    page = english_client.get("/metrics/orders/?reason=PricingError").content.decode()
    assert f'href="/orders/{second.amazon_order_id}/"' in page
    assert "for the reason Pricing error" in page


def test_the_orders_list_pages_through_many(seller, english_client):
    listing = make_listing(seller, quantity=500)
    for _ in range(101):
        make_order(seller, (listing, 1))

    first = english_client.get("/metrics/orders/?kind=all")
    second = english_client.get("/metrics/orders/?kind=all&page=2")

    assert (len(orders_listed(first)), len(orders_listed(second))) == (100, 1)
    assert 'href="?kind=all&amp;page=2" rel="next"' in first.content.decode()
    assert not set(orders_listed(first)) & set(orders_listed(second))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?kind=some", "Unknown kind “some”: use “cancelled” or “all”."),
        ("?day=2026-13-01", "Enter the day as YYYY-MM-DD."),
        ("?day=yesterday", "Enter the day as YYYY-MM-DD."),
        ("?day=2001-01-01", "Choose a day of the last 90 days, from "),
        ("?reason=Nope", "Unknown cancellation reason: Nope."),
        ("?reason=NoInventory&sku=MUGG", "Choose a reason or a SKU, not both."),
        ("?reason=NoInventory&day=TODAY", "Reasons and SKUs are broken down for the last 7 days"),
        ("?sku=MUGG&kind=all", "A reason or a SKU lists cancelled orders only"),
        ("?sku=" + "X" * 41, "A SKU has at most 40 characters."),
        ("?page=two", "The page must be a whole number."),
        ("?page=0", "The page must be a whole number."),
        ("?day=%00", "The query string contains a character that cannot be stored"),
    ],
)
def test_bad_parameters_are_a_clear_400(seller, english_client, query, message):
    cancel(make_order(seller))
    query = query.replace("TODAY", timezone.localdate().isoformat())

    response = english_client.get(f"/metrics/orders/{query}")

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert 'role="alert"' in page
    assert orders_listed(response) == []


def test_a_day_tomorrow_is_outside_the_history(english_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = english_client.get(f"/metrics/orders/?day={tomorrow.isoformat()}")

    assert response.status_code == 400


def test_another_sellers_numbers_and_orders_are_never_shown(seller, other_seller, english_client):
    mine = make_order(seller)
    theirs = [make_order(other_seller, (make_listing(other_seller, sku="FJ-1"), 1))]
    theirs += [make_order(other_seller) for _ in range(3)]
    cancel(theirs[0], "PricingError")
    cancel(theirs[1], "PricingError")

    page = english_client.get("/metrics/").content.decode()
    listed = [
        orders_listed(english_client.get(f"/metrics/orders/{query}"))
        for query in ("?kind=all", "?kind=cancelled", "?reason=PricingError", "?sku=FJ-1")
    ]

    assert 'data-rate-cancelled="0" data-rate-orders="1"' in page
    assert "FJ-1" not in page and "PricingError" not in page
    assert listed == [[mine.amazon_order_id], [], [], []]


def test_the_pages_are_for_seller_staff_only(seller, client):
    operator = make_user(None, language="en")

    anonymous = client.get("/metrics/")
    client.force_login(operator)
    not_a_seller = client.get("/metrics/orders/")

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not_a_seller.status_code == 403
