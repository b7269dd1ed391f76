"""Manage Orders' cursor is the signed page token of the APIs: a cursor that is not this
seller's, not for these filters, or not valid at all starts the list from the top."""

import re
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from sellerdesk.core.pages import SALT
from sellerdesk.orders.selectors import OrderFilter, order_list
from tests.factories import make_listing, make_order, make_user


def listed(response: Any) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'data-order-id="([^"]+)"', response.content.decode())


def newest_first(seller: Any, count: int) -> list[str]:
    listing = make_listing(seller, quantity=count)
    orders = [make_order(seller, (listing, 1)) for _ in range(count)]
    orders.sort(key=lambda order: (order.purchase_date, order.pk), reverse=True)
    return [order.amazon_order_id for order in orders]


ALL = OrderFilter()


def cursor(seller: Any, filters: OrderFilter = ALL) -> str:
    made = order_list(seller=seller, filters=filters, page_size=50).next_cursor
    assert made is not None
    return made


def manage(client: Client, **params: str) -> Any:
    return client.get(reverse("orders:manage"), params)


def test_the_cursor_continues_the_list(seller, seller_client):
    ids = newest_first(seller, 52)

    assert listed(manage(seller_client, cursor=cursor(seller))) == ids[50:]


def test_another_sellers_cursor_starts_from_the_top(seller, other_seller, seller_client):
    ids = newest_first(seller, 52)
    newest_first(other_seller, 52)

    assert listed(manage(seller_client, cursor=cursor(other_seller))) == ids[:50]


@pytest.mark.parametrize(
    ("made_for", "shown"),
    [
        (OrderFilter(sort="oldest"), {}),
        (OrderFilter(status="Unshipped"), {}),
        (OrderFilter(), {"status": "Unshipped"}),
        (OrderFilter(), {"sort": "oldest"}),
    ],
)
def test_a_cursor_made_for_other_filters_starts_from_the_top(
    seller, seller_client, made_for, shown
):
    ids = newest_first(seller, 52)
    first = listed(manage(seller_client, **shown))

    assert listed(manage(seller_client, cursor=cursor(seller, made_for), **shown)) == first
    assert len(first) == 50
    assert set(first) <= set(ids)


def test_a_tampered_or_foreign_cursor_starts_from_the_top(seller, seller_client):
    ids = newest_first(seller, 52)
    made = cursor(seller)
    state = signing.loads(made, salt=SALT)
    api_kind = signing.dumps(state | {"kind": "orders.getOrders"}, salt=SALT, compress=True)

    for bad in (made[:-2] + "xx", api_kind, "nope", "x" * 1000):
        assert listed(manage(seller_client, cursor=bad)) == ids[:50]


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"])
def test_a_cursor_positioned_at_the_ends_of_time_starts_from_the_top(seller, seller_client, moment):
    ids = newest_first(seller, 52)
    state = signing.loads(cursor(seller), salt=SALT)
    extreme = signing.dumps(state | {"after": [moment, 1]}, salt=SALT, compress=True)

    assert listed(manage(seller_client, cursor=extreme)) == ids[:50]


def test_a_cursor_too_long_to_be_one_is_a_filter_that_is_ignored(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    newest_first(seller, 2)

    response = manage(client, cursor="x" * 1001)

    assert len(listed(response)) == 2
    assert "Some filters were not valid and were ignored." in response.content.decode()


@pytest.mark.parametrize(
    "days", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}, {"date_to": "0001-01-01"}]
)
def test_a_day_at_the_ends_of_time_is_a_filter_that_is_ignored(seller, days):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    newest_first(seller, 2)

    response = manage(client, **days)

    assert len(listed(response)) == 2
    assert "Some filters were not valid and were ignored." in response.content.decode()
