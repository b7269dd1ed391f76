"""getOrders' NextToken and getFeeds' nextToken are one kind of signed page token: each list
honours only its own tokens, for the seller they were made for, and refuses anything else with
the same 400 as a tampered token."""

import datetime
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone

from sellerdesk.api.urls import ordersapi
from sellerdesk.core.pages import SALT
from sellerdesk.orders.selectors import OrderFilter, order_list
from tests.api.conftest import SpApi, make_feed
from tests.factories import make_order

ORDERS = "/orders/v0/orders"
FEEDS = "/feeds/2021-06-30/feeds"
MARKETPLACE = "A2NODRKZP88ZB9"
FLAT = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"


@pytest.fixture
def orders_sp(token: str) -> SpApi:
    return SpApi(token, ordersapi)


def error(response: Any) -> tuple[int, str, str]:
    first = response.json()["errors"][0]
    return response.status_code, first["code"], first["message"]


def orders_token(seller: Any, client: SpApi) -> str:
    for _ in range(2):
        make_order(seller)
    query = {"MarketplaceIds": MARKETPLACE, "CreatedAfter": "2026-01-01", "MaxResultsPerPage": 1}
    token: str = client.call("GET", ORDERS, query=query).json()["payload"]["NextToken"]
    return token


def feeds_token(seller: Any, client: SpApi) -> str:
    now = timezone.now()
    for hours in range(2):
        make_feed(seller, created_at=now - datetime.timedelta(hours=hours))
    token: str = client.call("GET", FEEDS, query={"feedTypes": FLAT, "pageSize": 1}).json()[
        "nextToken"
    ]
    return token


def get_orders(client: SpApi, token: str) -> Any:
    return client.call("GET", ORDERS, query={"MarketplaceIds": MARKETPLACE, "NextToken": token})


def get_feeds(client: SpApi, token: str) -> Any:
    return client.call("GET", FEEDS, query={"nextToken": token})


def moved(token: str, **changes: Any) -> str:
    """The token with some of what it holds changed, signed again as only the server can."""
    return signing.dumps(signing.loads(token, salt=SALT) | changes, salt=SALT, compress=True)


def test_a_token_of_another_list_is_not_valid(seller, sp, orders_sp):
    for_orders, for_feeds = orders_token(seller, orders_sp), feeds_token(seller, sp)
    cursor = order_list(seller=seller, filters=OrderFilter(), page_size=1).next_cursor
    assert cursor is not None

    assert error(get_orders(orders_sp, for_feeds)) == (
        400,
        "invalid_next_token",
        "NextToken is not valid.",
    )
    assert error(get_orders(orders_sp, cursor)) == (
        400,
        "invalid_next_token",
        "NextToken is not valid.",
    )
    assert error(get_feeds(sp, for_orders)) == (
        400,
        "invalid_next_token",
        "nextToken is not valid.",
    )
    assert error(get_feeds(sp, cursor)) == (400, "invalid_next_token", "nextToken is not valid.")


def test_another_sellers_token_is_refused_as_a_tampered_one_is(
    seller, other_seller, sp, orders_sp, other_token
):
    for_orders, for_feeds = orders_token(seller, orders_sp), feeds_token(seller, sp)
    theirs_orders, theirs_feeds = SpApi(other_token, ordersapi), SpApi(other_token)

    assert error(get_orders(theirs_orders, for_orders)) == error(
        get_orders(orders_sp, for_orders[:-2] + "xx")
    )
    assert error(get_feeds(theirs_feeds, for_feeds)) == error(get_feeds(sp, for_feeds[:-2] + "xx"))
    assert error(get_feeds(theirs_feeds, for_feeds)) == (
        400,
        "invalid_next_token",
        "nextToken is not valid.",
    )


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"])
def test_a_token_positioned_at_the_ends_of_time_is_a_400(seller, sp, orders_sp, moment):
    for_orders, for_feeds = orders_token(seller, orders_sp), feeds_token(seller, sp)
    pk = signing.loads(for_orders, salt=SALT)["after"][1]

    orders = get_orders(orders_sp, moved(for_orders, after=[moment, pk]))
    feeds = get_feeds(sp, moved(for_feeds, after=[moment, pk]))

    assert error(orders) == (400, "invalid_next_token", "NextToken is not valid.")
    assert error(feeds) == (400, "invalid_next_token", "nextToken is not valid.")


def test_a_token_whose_time_frame_reaches_the_ends_of_time_is_a_400(seller, sp, orders_sp):
    for_orders = orders_token(seller, orders_sp)
    listing = signing.loads(for_orders, salt=SALT)["listing"]
    reaching = {**listing, "filters": {**listing["filters"], "before": "9999-12-31T23:59:59+00:00"}}

    response = get_orders(orders_sp, moved(for_orders, listing=reaching))

    assert error(response) == (400, "invalid_next_token", "NextToken is not valid.")
