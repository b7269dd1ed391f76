"""The marketplace's buyer cancellation endpoints, and what the Orders API then tells the seller.

Every response of the marketplace API is checked against its OpenAPI schema."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sellerdesk.api.urls import api, ordersapi
from sellerdesk.metrics.rates import cancellation_rate
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from tests.api.conftest import SpApi, assert_documented
from tests.factories import make_order, ship_item

TOKEN = "demo-marketplace-token"
REQUESTS = "/api/marketplace/orders/{AmazonOrderId}/cancellation-requests"
SELF_CANCEL = "/api/marketplace/orders/{AmazonOrderId}/buyer-cancellation"
ITEMS = "/orders/v0/orders/{orderId}/orderItems"
ORDERS = "/orders/v0/orders"
MISSING = "999-9999999-9999999"


def call(
    template: str, order_id: str, body: object = None, *, token: str | None = TOKEN, raw: str = ""
) -> Any:
    # Messages in English; the codes are the same in every language.
    headers = {"Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    content = raw or (json.dumps(body) if body is not None else "")
    response = Client().post(
        template.format(AmazonOrderId=order_id),
        content,
        content_type="application/json",
        headers=headers,
    )
    assert_documented(response, method="POST", template=template, section=api)
    return response


def request_cancel(order_id: str, reason: object = "Ordered by mistake", **kwargs: Any) -> Any:
    return call(REQUESTS, order_id, {"BuyerCancelReason": reason}, **kwargs)


def code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def state(order: Order) -> tuple[object, ...]:
    order.refresh_from_db()
    return (
        order.status,
        order.buyer_cancel_requested_at,
        order.buyer_cancel_reason,
        order.last_update_date,
        order.events.count(),
        OutboundEmail.objects.filter(order=order).count(),
    )


@pytest.fixture
def sp(token: str) -> SpApi:
    return SpApi(token, ordersapi)


def test_a_request_is_recorded_and_answered(seller):
    order = make_order(seller)

    response = request_cancel(order.amazon_order_id, "Found it cheaper")

    assert response.status_code == 201
    order.refresh_from_db()
    body = response.json()
    assert body == {
        "AmazonOrderId": order.amazon_order_id,
        "OrderStatus": "Unshipped",
        "BuyerRequestedCancel": {
            "IsBuyerRequestedCancel": "true",
            "BuyerCancelReason": "Found it cheaper",
        },
        "BuyerCancelRequestedDate": body["BuyerCancelRequestedDate"],
    }
    assert order.buyer_cancel_requested_at is not None
    assert body["BuyerCancelRequestedDate"] == order.buyer_cancel_requested_at.astimezone(
        datetime.UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_repeated_request_is_a_409_and_changes_nothing(seller):
    order = make_order(seller)
    request_cancel(order.amazon_order_id, "First")
    before = state(order)

    again = request_cancel(order.amazon_order_id, "Second")

    assert code(again) == (409, "cancellation_already_requested")
    assert state(order) == before


def test_request_errors_are_specific_json_and_change_nothing(seller):
    order = make_order(seller)
    shipped = make_order(seller)
    ship_item(shipped, shipped.items.get())
    before = state(order), state(shipped)

    responses = {
        "empty": request_cancel(order.amazon_order_id, ""),
        "blank": request_cancel(order.amazon_order_id, "   "),
        "too_long": request_cancel(order.amazon_order_id, "x" * 101),
        "nul": request_cancel(order.amazon_order_id, "a\x00b"),
        "control": request_cancel(order.amazon_order_id, "a\x07b"),
        "not_a_string": request_cancel(order.amazon_order_id, 42),
        "missing_field": call(REQUESTS, order.amazon_order_id, {}),
        "not_json": call(REQUESTS, order.amazon_order_id, raw="{nope"),
        "array": call(REQUESTS, order.amazon_order_id, ["Ordered by mistake"]),
        "unknown": request_cancel(MISSING),
        "malformed_id": request_cancel("1-2-3"),
        "shipped": request_cancel(shipped.amazon_order_id),
    }

    codes = {name: code(response) for name, response in responses.items()}
    assert codes == {
        "empty": (400, "buyer_cancel_reason_required"),
        "blank": (400, "buyer_cancel_reason_required"),
        "too_long": (400, "buyer_cancel_reason_too_long"),
        "nul": (400, "InvalidInput"),  # refused before the view, as on every route
        "control": (400, "buyer_cancel_reason_invalid"),
        "not_a_string": (400, "InvalidInput"),
        "missing_field": (400, "InvalidInput"),
        "not_json": (400, "InvalidInput"),
        "array": (400, "InvalidInput"),
        "unknown": (404, "order_not_found"),
        "malformed_id": (404, "order_not_found"),
        "shipped": (409, "cannot_request_cancel_shipped"),
    }
    assert (state(order), state(shipped)) == before


def test_both_endpoints_need_the_operator_token(seller, token):
    order = make_order(seller)
    before = state(order)

    responses = [
        request_cancel(order.amazon_order_id, token=None),
        request_cancel(order.amazon_order_id, token="nope"),
        # A seller's access token is not the marketplace's.
        request_cancel(order.amazon_order_id, token=token),
        call(SELF_CANCEL, order.amazon_order_id, token=None),
        call(SELF_CANCEL, order.amazon_order_id, token="nope"),
    ]

    assert [code(response) for response in responses] == [(401, "Unauthorized")] * 5
    assert state(order) == before


def test_a_self_cancellation_within_30_minutes_cancels(seller):
    order = make_order(seller)

    response = call(SELF_CANCEL, order.amazon_order_id)

    assert response.status_code == 200
    assert response.json() == {"AmazonOrderId": order.amazon_order_id, "OrderStatus": "Canceled"}
    event = order.events.get(kind=OrderEvent.Kind.CANCELLED)
    assert (event.source, event.reason) == ("buyer", "BuyerCanceled")
    assert OutboundEmail.objects.filter(order=order).count() == 1
    assert cancellation_rate(seller=seller).cancelled == 0


def test_self_cancellation_errors_are_specific_and_change_nothing(seller):
    late = make_order(seller)
    Order.objects.filter(pk=late.pk).update(
        purchase_date=timezone.now() - datetime.timedelta(minutes=31)
    )
    shipped = make_order(seller)
    ship_item(shipped, shipped.items.get())
    done = make_order(seller)
    call(SELF_CANCEL, done.amazon_order_id)
    before = state(late), state(shipped), state(done)

    responses = {
        "late": call(SELF_CANCEL, late.amazon_order_id),
        "shipped": call(SELF_CANCEL, shipped.amazon_order_id),
        "again": call(SELF_CANCEL, done.amazon_order_id),
        "unknown": call(SELF_CANCEL, MISSING),
        "malformed_id": call(SELF_CANCEL, "not-an-order"),
    }

    codes = {name: code(response) for name, response in responses.items()}
    assert codes == {
        "late": (409, "self_cancel_window_passed"),
        "shipped": (409, "cannot_self_cancel_shipped"),
        "again": (409, "already_cancelled"),
        "unknown": (404, "order_not_found"),
        "malformed_id": (404, "order_not_found"),
    }
    late_message = responses["late"].json()["errors"][0]["message"]
    assert "Request the cancellation from the seller instead." in late_message
    assert (state(late), state(shipped), state(done)) == before


def test_the_seller_reads_the_request_in_get_order_items(seller, sp):
    order = make_order(seller)
    request_cancel(order.amazon_order_id, "Wrong size")

    response = sp.call("GET", ITEMS, orderId=order.amazon_order_id)

    (item,) = response.json()["payload"]["OrderItems"]
    assert item["BuyerRequestedCancel"] == {
        "IsBuyerRequestedCancel": "true",
        "BuyerCancelReason": "Wrong size",
    }


def test_get_orders_by_last_update_sees_the_request(seller, sp):
    order = make_order(seller)
    Order.objects.filter(pk=order.pk).update(
        purchase_date=timezone.now() - datetime.timedelta(days=2),
        last_update_date=timezone.now() - datetime.timedelta(days=2),
    )
    since = (timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    query = {"MarketplaceIds": "A2NODRKZP88ZB9", "LastUpdatedAfter": since}
    before = sp.call("GET", ORDERS, query=query).json()["payload"]["Orders"]

    request_cancel(order.amazon_order_id)

    after = sp.call("GET", ORDERS, query=query).json()["payload"]["Orders"]
    assert before == []
    assert [listed["AmazonOrderId"] for listed in after] == [order.amazon_order_id]


def test_another_sellers_token_never_sees_the_request(seller, other_token):
    order = make_order(seller)
    request_cancel(order.amazon_order_id)

    response = SpApi(other_token, ordersapi).call("GET", ITEMS, orderId=order.amazon_order_id)

    assert code(response) == (404, "order_not_found")
