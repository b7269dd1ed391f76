"""cancelOrder's Idempotency-Key: a retry gets the first response and changes nothing, a key
reused for another request is refused, and concurrent retries cancel once."""

import datetime
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from sellerdesk.api.models import IdempotentRequest
from sellerdesk.api.urls import ordersapi
from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.services import order_confirm_shipment
from tests.api.conftest import SpApi, assert_documented
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import make_listing, make_order

CANCELLATION = "/orders/v0/orders/{orderId}/cancellation"
ORDER = "/orders/v0/orders/{orderId}"
KEY = "5f0c2a4e-8d1b-4c3a-9e7f-0a1b2c3d4e5f"


@pytest.fixture
def sp(token: str) -> SpApi:
    return SpApi(token, ordersapi)


def cancel(sp: SpApi, order: Order, *, key: str | None = KEY, code: str = "BUYER_CANCELLED") -> Any:
    return sp.call(
        "PUT",
        CANCELLATION,
        body={"cancelReasonCode": code},
        headers={"Idempotency-Key": key} if key is not None else {},
        orderId=order.amazon_order_id,
    )


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def cancellations(order: Order) -> list[str]:
    return list(
        order.events.filter(kind=OrderEvent.Kind.CANCELLED).values_list("reason", flat=True)
    )


def applied(order: Order) -> tuple[object, ...]:
    """What a cancellation writes: status, events, emails, stock movements."""
    order.refresh_from_db()
    return (
        order.status,
        cancellations(order),
        OutboundEmail.objects.filter(order=order).count(),
        InventoryLedgerEntry.objects.filter(order=order).exclude(cause="order_placed").count(),
    )


def test_a_retry_with_the_same_key_gets_the_first_response_and_cancels_once(seller, sp):
    listing = make_listing(seller, quantity=10)
    order = make_order(seller, (listing, 2))

    first = cancel(sp, order)
    retry = cancel(sp, order)

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json()
    assert first.json()["payload"]["OrderStatus"] == "Canceled"
    assert "Idempotent-Replayed" not in first
    assert retry["Idempotent-Replayed"] == "true"
    assert applied(order) == ("Canceled", ["BuyerCanceled"], 1, 1)
    listing.refresh_from_db()
    assert listing.quantity == 10
    record = IdempotentRequest.objects.get()
    assert (
        record.seller,
        record.key,
        record.method,
        record.path,
        record.response_status,
        record.response_body,
    ) == (
        seller,
        KEY,
        "PUT",
        f"/orders/v0/orders/{order.amazon_order_id}/cancellation",
        200,
        first.json(),
    )
    assert len(record.fingerprint) == 64
    assert int(record.fingerprint, 16) >= 0


def test_without_a_key_a_repeat_is_reported_as_already_cancelled(seller, sp):
    order = make_order(seller)

    first = cancel(sp, order, key=None)
    repeat = cancel(sp, order, key=None)

    assert first.status_code == 200
    assert error(repeat) == (409, "already_cancelled")
    assert applied(order) == ("Canceled", ["BuyerCanceled"], 1, 1)
    assert not IdempotentRequest.objects.exists()


def test_the_replay_is_the_first_response_not_the_current_state(seller, sp):
    order = make_order(seller)
    first = cancel(sp, order)
    Order.objects.filter(pk=order.pk).update(seller_order_id="WMS-7")

    retry = cancel(sp, order)
    current = sp.call("GET", ORDER, orderId=order.amazon_order_id)

    assert retry.json() == first.json()
    assert "SellerOrderId" not in retry.json()["payload"]
    assert current.json()["payload"]["SellerOrderId"] == "WMS-7"


def test_a_refusal_is_replayed_too(seller, sp):
    order = make_order(seller)
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
    )

    first = cancel(sp, order)
    retry = cancel(sp, order)

    assert error(first) == (409, "cannot_cancel_shipped")
    assert (retry.status_code, retry.json()) == (409, first.json())
    assert retry["Idempotent-Replayed"] == "true"
    assert applied(order) == ("Shipped", [], 0, 0)
    assert IdempotentRequest.objects.get().response_status == 409


def test_the_same_key_with_another_body_is_refused(seller, sp):
    order = make_order(seller)
    cancel(sp, order, code="BUYER_CANCELLED")

    response = cancel(sp, order, code="NO_INVENTORY")

    assert error(response) == (422, "idempotency_key_reused")
    assert response.json()["errors"][0]["message"] == (
        f"Idempotency-Key {KEY} was used for a different request (PUT"
        f" /orders/v0/orders/{order.amazon_order_id}/cancellation with another body); send a"
        " new key with a new request."
    )
    assert "Idempotent-Replayed" not in response
    assert applied(order) == ("Canceled", ["BuyerCanceled"], 1, 1)


def test_the_same_key_for_another_order_is_refused(seller, sp):
    listing = make_listing(seller, quantity=10)
    first, second = make_order(seller, (listing, 1)), make_order(seller, (listing, 1))
    cancel(sp, first)

    response = cancel(sp, second)

    assert error(response) == (422, "idempotency_key_reused")
    assert applied(second) == ("Unshipped", [], 0, 0)
    assert IdempotentRequest.objects.count() == 1


def test_a_body_serialized_again_is_the_same_request(seller, token):
    order = make_order(seller)
    path = CANCELLATION.format(orderId=order.amazon_order_id)
    headers = {"x-amz-access-token": token, "Idempotency-Key": KEY}
    client = Client()

    def put(body: str) -> Any:
        response = client.generic(
            "PUT", path, body, content_type="application/json", headers=headers
        )
        assert_documented(response, method="PUT", template=CANCELLATION, section=ordersapi)
        return response

    first = put('{"cancelReasonCode":"PRICING_ERROR"}')
    retry = put('{\n  "cancelReasonCode" : "PRICING_ERROR"\n}')

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry["Idempotent-Replayed"] == "true"
    assert applied(order) == ("Canceled", ["PricingError"], 1, 1)


def test_keys_are_per_seller(seller, other_seller, sp, other_token):
    mine, theirs = make_order(seller), make_order(other_seller)
    cancel(sp, mine)

    response = cancel(SpApi(other_token, ordersapi), theirs)

    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response
    assert applied(theirs) == ("Canceled", ["BuyerCanceled"], 1, 1)
    assert IdempotentRequest.objects.count() == 2


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param("k" * 256, id="too_long"),
        pytest.param("two words", id="space"),
        pytest.param("nyckel-ö", id="not_ascii"),
        pytest.param("tab\tkey", id="control"),
    ],
)
def test_a_malformed_key_is_refused_before_anything_happens(seller, sp, key):
    order = make_order(seller)

    response = cancel(sp, order, key=key)

    assert error(response) == (400, "invalid_idempotency_key")
    assert response.json()["errors"][0]["message"] == (
        "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces."
    )
    assert applied(order) == ("Unshipped", [], 0, 0)
    assert not IdempotentRequest.objects.exists()


def test_a_key_of_the_longest_length_is_kept(seller, sp):
    order = make_order(seller)

    response = cancel(sp, order, key="k" * 255)

    assert response.status_code == 200
    assert IdempotentRequest.objects.get().key == "k" * 255


def test_a_request_refused_by_the_schema_does_not_use_up_the_key(seller, sp):
    order = make_order(seller)

    refused = cancel(sp, order, code="SOMETHING_ELSE")
    accepted = cancel(sp, order, code="CUSTOMER_EXCHANGE")

    assert error(refused) == (400, "InvalidInput")
    assert accepted.status_code == 200
    assert "Idempotent-Replayed" not in accepted
    assert applied(order) == ("Canceled", ["CustomerExchange"], 1, 1)


def test_keys_are_kept_24_hours_then_forgotten(seller, sp):
    listing = make_listing(seller, quantity=10)
    first, second, third = (make_order(seller, (listing, 1)) for _ in range(3))
    cancel(sp, first)
    now = timezone.now()

    IdempotentRequest.objects.update(created_at=now - datetime.timedelta(hours=23, minutes=59))
    remembered = cancel(sp, second)
    IdempotentRequest.objects.update(created_at=now - datetime.timedelta(hours=24, seconds=1))
    forgotten = cancel(sp, third)

    assert error(remembered) == (422, "idempotency_key_reused")
    assert forgotten.status_code == 200
    assert "Idempotent-Replayed" not in forgotten
    assert applied(second) == ("Unshipped", [], 0, 0)
    assert applied(third) == ("Canceled", ["BuyerCanceled"], 1, 1)
    record = IdempotentRequest.objects.get()
    assert record.path == f"/orders/v0/orders/{third.amazon_order_id}/cancellation"


# Concurrent retries, with real threads and connections. On PostgreSQL the second insert of the
# key waits on the first transaction's unique-index entry; on SQLite the IMMEDIATE transactions
# serialize the writers. Either way one request cancels and the others replay its response.

ROUNDS = 3
THREADS = 4


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Start all calls at once; return each one's response."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as failure:  # re-raised by the test, in its own thread
            results[index] = failure
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        if isinstance(result, Exception):
            raise result
    for response in results:
        assert_documented(response, method="PUT", template=CANCELLATION, section=ordersapi)
    return results


def put_cancel(token: str, order: Order, *, key: str, code: str) -> Callable[[], Any]:
    def call() -> Any:
        return Client().generic(
            "PUT",
            CANCELLATION.format(orderId=order.amazon_order_id),
            json.dumps({"cancelReasonCode": code}),
            content_type="application/json",
            headers={"x-amz-access-token": token, "Idempotency-Key": key},
        )

    return call


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_cancel_once_and_email_once(smtp: SmtpInbox, seller, token):
    listing = make_listing(seller, quantity=100)
    for round_ in range(ROUNDS):
        order = make_order(seller, (listing, 2))
        call = put_cancel(token, order, key=f"{KEY}-{round_}", code="BUYER_CANCELLED")

        responses = race([call] * THREADS)

        assert [response.status_code for response in responses] == [200] * THREADS
        assert all(response.json() == responses[0].json() for response in responses)
        assert sorted(response.get("Idempotent-Replayed", "") for response in responses) == [
            "",
            *["true"] * (THREADS - 1),
        ]
        assert applied(order) == ("Canceled", ["BuyerCanceled"], 1, 1)
    run_tasks()

    assert len(smtp.messages) == ROUNDS
    listing.refresh_from_db()
    assert listing.quantity == 100
    assert IdempotentRequest.objects.count() == ROUNDS


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_and_different_bodies_apply_one(seller, token):
    for round_ in range(ROUNDS):
        order = make_order(seller)
        key = f"{KEY}-{round_}"

        responses = race(
            [
                put_cancel(token, order, key=key, code="BUYER_CANCELLED"),
                put_cancel(token, order, key=key, code="NO_INVENTORY"),
            ]
        )

        outcomes = sorted(
            (response.status_code, response.json().get("errors", [{}])[0].get("code", ""))
            for response in responses
        )
        assert outcomes == [(200, ""), (422, "idempotency_key_reused")]
        winner = next(r for r in responses if r.status_code == 200)
        reason = {"BuyerCanceled", "NoInventory"} & set(cancellations(order))
        assert len(reason) == 1
        assert applied(order)[1:] == ([reason.pop()], 1, 1)
        assert winner.json()["payload"]["OrderStatus"] == "Canceled"
