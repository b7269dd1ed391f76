"""Manage Orders' tab counts and late shipments: how many orders each status tab holds (exact up
to the cap, then "10,000+"), which orders are flagged late, and the filter for them."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.orders import counts
from sellerdesk.orders.counts import TabCount, order_counts
from sellerdesk.orders.models import Order
from sellerdesk.orders.selectors import OrderFilter, order_list
from tests.factories import make_listing, make_order, make_two_item_order, make_user, ship_item


@pytest.fixture
def english_client(seller: Seller) -> Client:
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def ship_by(order: Order, days_from_now: float) -> Order:
    latest = timezone.now() + datetime.timedelta(days=days_from_now)
    Order.objects.filter(pk=order.pk).update(latest_ship_date=latest)
    order.refresh_from_db()
    return order


def one_of_each(seller: Seller) -> dict[str, Order]:
    """An order in every status, each of them with its ship-by date a day past."""
    listing = make_listing(seller, quantity=20)
    pending = make_order(seller, (listing, 1), payment_authorized=False)
    unshipped = make_order(seller, (listing, 1))
    partial, first, _ = make_two_item_order(seller)
    ship_item(partial, first)
    shipped = make_order(seller, (listing, 1))
    ship_item(shipped, shipped.items.get())
    cancelled = make_order(seller, (listing, 1))
    order_cancel(
        seller=seller,
        amazon_order_id=cancelled.amazon_order_id,
        actor=None,
        reason=CancelReason.NO_INVENTORY,
    )
    orders = {
        "Pending": pending,
        "Unshipped": unshipped,
        "PartiallyShipped": partial,
        "Shipped": shipped,
        "Canceled": cancelled,
    }
    return {status: ship_by(order, -1) for status, order in orders.items()}


def tabs(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    nav = response.content.decode().split('<nav class="tabs"')[1].split("</nav>")[0]
    return [re.sub(r"<[^>]+>|\s+", " ", tab).split() for tab in re.findall(r"<a .*?</a>", nav)]


def listed(response: Any) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-order-id="([^"]+)"', response.content.decode())


def test_the_tabs_count_the_sellers_orders_by_status(seller, other_seller, english_client):
    one_of_each(seller)
    make_order(seller)  # a second Unshipped order, not late
    one_of_each(other_seller)

    response = english_client.get(reverse("orders:manage"), {"q": "no such buyer"})

    # The counts are of all the seller's orders, whatever the search.
    assert tabs(response) == [
        ["All", "(6)"],
        ["Pending", "(1)"],
        ["Unshipped", "(2)"],
        ["Partially", "shipped", "(1)"],
        ["Shipped", "(1)"],
        ["Canceled", "(1)"],
        ["Late", "shipment", "(2)"],
    ]


def test_a_tab_past_the_cap_says_so(seller, english_client, monkeypatch):
    monkeypatch.setattr(counts, "COUNT_CAP", 2)
    listing = make_listing(seller, quantity=10)
    for _ in range(3):
        make_order(seller, (listing, 1))
    make_order(seller, (listing, 1), payment_authorized=False)

    response = english_client.get(reverse("orders:manage"))

    assert order_counts(seller=seller).by_status["Unshipped"] == TabCount(2, more=True)
    assert order_counts(seller=seller).by_status["Pending"] == TabCount(1, more=False)
    assert tabs(response)[:3] == [["All", "(2+)"], ["Pending", "(1)"], ["Unshipped", "(2+)"]]
    assert 'title="More than 2 orders">(2+)' in response.content.decode()


def test_all_is_capped_when_the_statuses_add_up_past_the_cap(seller, monkeypatch):
    monkeypatch.setattr(counts, "COUNT_CAP", 2)
    listing = make_listing(seller, quantity=10)
    make_order(seller, (listing, 1))
    make_order(seller, (listing, 1))
    make_order(seller, (listing, 1), payment_authorized=False)

    tally = order_counts(seller=seller)

    assert tally.by_status["Unshipped"] == TabCount(2, more=False)
    assert tally.all == TabCount(2, more=True)


def test_counts_follow_every_change_of_status(seller):
    listing = make_listing(seller, quantity=10)
    order, first, _ = make_two_item_order(seller)
    other = make_order(seller, (listing, 1))
    assert order_counts(seller=seller).by_status["Unshipped"] == TabCount(2, False)

    ship_item(order, first)
    order_cancel(
        seller=seller, amazon_order_id=other.amazon_order_id, actor=None, reason="NoInventory"
    )

    tally = order_counts(seller=seller)
    assert {status: tab.count for status, tab in tally.by_status.items()} == {
        "Pending": 0,
        "Unshipped": 0,
        "PartiallyShipped": 1,
        "Shipped": 0,
        "Canceled": 1,
    }
    assert tally.all == TabCount(2, False)


def test_only_orders_that_can_still_ship_are_late(seller, english_client):
    orders = one_of_each(seller)
    on_time = ship_by(make_order(seller), 1)

    response = english_client.get(reverse("orders:manage"))

    html = response.content.decode()
    flagged = [
        order_id
        for order_id, row in re.findall(r'<tr data-order-id="([^"]+)">(.*?)</tr>', html, re.S)
        if '<span class="late">Late shipment</span>' in row
    ]
    assert sorted(flagged) == sorted(
        [orders["Unshipped"].amazon_order_id, orders["PartiallyShipped"].amazon_order_id]
    )
    assert on_time.amazon_order_id in listed(response)


def test_the_late_filter_lists_the_late_orders_alone_or_within_a_tab(seller, english_client):
    orders = one_of_each(seller)
    ship_by(make_order(seller), 1)
    late = [orders["PartiallyShipped"].amazon_order_id, orders["Unshipped"].amazon_order_id]
    manage = reverse("orders:manage")

    alone = english_client.get(manage, {"late": "1"})
    in_tab = english_client.get(manage, {"late": "1", "status": "Unshipped"})
    shipped = english_client.get(manage, {"late": "1", "status": "Shipped"})

    assert sorted(listed(alone)) == sorted(late)
    assert listed(in_tab) == [orders["Unshipped"].amazon_order_id]
    assert listed(shipped) == []
    assert 'class="late-tab active" aria-current="page"' in alone.content.decode()


def test_an_order_is_late_only_once_its_ship_by_time_has_passed(seller):
    due = ship_by(make_order(seller), 1 / 24)
    past = ship_by(make_order(seller), -1 / 24)

    page = order_list(seller=seller, filters=OrderFilter(late=True))

    assert [order.pk for order in page.orders] == [past.pk]
    assert order_counts(seller=seller).late == TabCount(1, False)
    assert due.pk not in [order.pk for order in page.orders]


def test_all_matching_the_late_filter_carries_it_to_the_confirmation(seller, english_client):
    one_of_each(seller)
    ship_by(make_order(seller), 1)

    response = english_client.post(
        reverse("orders:cancel_selected"), {"all": "1", "late": "1", "status": ""}
    )

    # The two late orders are selected; only the Unshipped one can be cancelled.
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="selected-count">2</dd>' in html
    assert '<dd class="eligible-count">1</dd>' in html
    assert '<input type="hidden" name="late" value="1">' in html
