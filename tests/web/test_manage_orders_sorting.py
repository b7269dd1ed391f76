"""Manage Orders sorted by purchase date or ship-by date, either way, paged forwards and back:
every order exactly once in each direction, ties on equal dates broken by id, and a bad sort or
a tampered cursor answered with the first page, never an error."""

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.orders.models import Order
from sellerdesk.orders.selectors import SORTS, OrderFilter, OrderPage, order_list
from tests.factories import make_listing, make_order

SIZE = 3


def orders_with_ties(seller: Seller, count: int = 11) -> list[Order]:
    """Orders whose purchase dates and ship-by dates repeat (three to a date, in an order that is
    not the ids'), so that a page boundary falls inside a run of equal dates."""
    listing = make_listing(seller, quantity=count)
    base = timezone.now().replace(microsecond=0) - datetime.timedelta(days=30)
    orders = []
    for index in range(count):
        order = make_order(seller, (listing, 1))
        purchased = base + datetime.timedelta(hours=(index * 7) % 4)
        ship_by = base + datetime.timedelta(days=2 + (index * 5) % 3)
        Order.objects.filter(pk=order.pk).update(purchase_date=purchased, latest_ship_date=ship_by)
        orders.append(order)
    return [Order.objects.get(pk=order.pk) for order in orders]


def expected(orders: list[Order], sort: str) -> list[str]:
    key, descending = SORTS[sort]
    ordered = sorted(orders, key=lambda order: (getattr(order, key), order.pk), reverse=descending)
    return [order.amazon_order_id for order in ordered]


def ids(page: OrderPage) -> list[str]:
    return [order.amazon_order_id for order in page.orders]


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("status", ["", "Unshipped"])
def test_walking_every_page_forwards_and_back_lists_each_order_once(seller, sort, status):
    orders = orders_with_ties(seller)
    filters = OrderFilter(sort=sort, status=status)
    want = expected(orders, sort)

    forwards = [order_list(seller=seller, filters=filters, page_size=SIZE)]
    while forwards[-1].next_cursor:
        forwards.append(
            order_list(
                seller=seller, filters=filters, cursor=forwards[-1].next_cursor, page_size=SIZE
            )
        )
    backwards = [forwards[-1]]
    while backwards[-1].previous_cursor:
        backwards.append(
            order_list(
                seller=seller,
                filters=filters,
                back_cursor=backwards[-1].previous_cursor,
                page_size=SIZE,
            )
        )

    assert [order_id for page in forwards for order_id in ids(page)] == want
    assert [ids(page) for page in backwards] == [ids(page) for page in reversed(forwards)]
    assert len(forwards) == 4
    assert forwards[0].previous_cursor is None
    assert forwards[-1].next_cursor is None


def test_a_page_read_backwards_links_on_both_sides(seller):
    orders = orders_with_ties(seller)
    want = expected(orders, "ship_by_soonest")
    filters = OrderFilter(sort="ship_by_soonest")
    second = order_list(seller=seller, filters=filters, page_size=SIZE)
    third = order_list(seller=seller, filters=filters, cursor=second.next_cursor, page_size=SIZE)
    third = order_list(seller=seller, filters=filters, cursor=third.next_cursor, page_size=SIZE)

    back = order_list(seller=seller, filters=filters, back_cursor=third.previous_cursor)

    # A page of 50 back from the third page of 3 is the first page, whole.
    assert ids(back) == want
    assert back.previous_cursor is None
    assert back.next_cursor is None


def listed(response: Any) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-order-id="([^"]+)"', response.content.decode())


def link(response: Any, rel: str) -> str:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', response.content.decode())
    assert found is not None, rel
    return found.group(1).replace("&amp;", "&")


def test_the_pages_links_keep_the_sort_and_lead_back(seller, seller_client):
    listing = make_listing(seller, quantity=60)
    orders = [make_order(seller, (listing, 1)) for _ in range(53)]
    want = expected(orders, "ship_by_latest")
    url = reverse("orders:manage")

    first = seller_client.get(url, {"sort": "ship_by_latest", "status": "Unshipped"})
    second = seller_client.get(f"{url}?{link(first, 'next')}")
    back = seller_client.get(f"{url}?{link(second, 'prev')}")

    assert listed(first) == want[:50]
    assert listed(second) == want[50:]
    assert listed(back) == want[:50]
    assert "sort=ship_by_latest" in link(second, "prev")
    assert "status=Unshipped" in link(second, "prev")
    assert 'rel="prev"' not in first.content.decode()
    assert 'rel="prev"' not in back.content.decode()
    assert 'href="?sort=ship_by_latest&amp;status=Unshipped">' in second.content.decode()


def test_the_headings_sort_and_say_how(seller, seller_client):
    make_order(seller)

    page = seller_client.get(reverse("orders:manage"), {"sort": "ship_by_soonest", "q": "x"})
    html = page.content.decode()

    assert '<th aria-sort="ascending"><a href="?sort=ship_by_latest&amp;q=x" class="sort">' in html
    assert '<th><a href="?sort=newest&amp;q=x" class="sort">' in html
    assert html.count("aria-sort=") == 1


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "cheapest"},
        {"sort": "ship_by_soonest", "before": "not-a-cursor"},
        {"sort": "ship_by_soonest", "cursor": "not-a-cursor"},
    ],
)
def test_a_bad_sort_or_cursor_shows_the_first_page(seller, seller_client, params):
    orders = orders_with_ties(seller)

    response = seller_client.get(reverse("orders:manage"), params)

    sort = "newest" if params["sort"] == "cheapest" else params["sort"]
    assert listed(response) == expected(orders, sort)
    assert ('class="error" role="alert"' in response.content.decode()) == (sort == "newest")


def test_a_cursor_for_the_other_direction_or_sort_starts_from_the_top(seller, seller_client):
    orders = orders_with_ties(seller, count=53)
    filters = OrderFilter(sort="ship_by_soonest")
    forward = order_list(seller=seller, filters=filters).next_cursor
    newest = order_list(seller=seller, filters=OrderFilter()).next_cursor
    assert forward is not None and newest is not None
    top = expected(orders, "ship_by_soonest")[:50]
    manage = reverse("orders:manage")

    as_previous = seller_client.get(manage, {"sort": "ship_by_soonest", "before": forward})
    other_sort = seller_client.get(manage, {"sort": "ship_by_soonest", "cursor": newest})

    assert listed(as_previous) == top
    assert listed(other_sort) == top


def test_sorting_is_per_seller(seller, other_seller, seller_client):
    mine = orders_with_ties(seller, count=4)
    orders_with_ties(other_seller, count=4)

    response = seller_client.get(reverse("orders:manage"), {"sort": "ship_by_soonest"})

    assert listed(response) == expected(mine, "ship_by_soonest")


def test_a_later_page_shows_first_and_previous_links_under_any_filter(seller):
    orders = orders_with_ties(seller)
    filters = OrderFilter(sort="oldest", status="Unshipped")
    first = order_list(seller=seller, filters=filters, page_size=SIZE)

    second = order_list(seller=seller, filters=filters, cursor=first.next_cursor, page_size=SIZE)
    previous = order_list(
        seller=seller, filters=filters, back_cursor=second.previous_cursor, page_size=SIZE
    )

    assert ids(previous) == ids(first) == expected(orders, "oldest")[:SIZE]
    assert previous.previous_cursor is None
    assert previous.next_cursor is not None
