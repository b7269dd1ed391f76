"""The buyer's side of a cancellation: a request that the seller cancel, and the buyer's own
cancellation in the first 30 minutes after the purchase."""

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from sellerdesk.cancellations.buyer import (
    SELF_CANCEL_WINDOW,
    order_buyer_cancel_request,
    order_buyer_self_cancel,
)
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.core.errors import (
    ApplicationError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    NothingToDo,
)
from sellerdesk.metrics.rates import cancellation_rate
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.services import order_confirm_shipment
from tests.conftest import SmtpInbox, run_tasks
from tests.factories import make_listing, make_order, make_two_item_order, ship_item
from tests.test_races import ROUNDS, race

MISSING = "999-9999999-9999999"


def snapshot(order: Order) -> dict[str, Any]:
    """Everything a request or a cancellation could touch."""
    order.refresh_from_db()
    return {
        "status": order.status,
        "requested": (order.buyer_cancel_requested_at, order.buyer_cancel_reason),
        "last_update": order.last_update_date,
        "rate_cancelled": order.rate_cancelled,
        "items": list(
            order.items.order_by("pk").values_list("quantity_shipped", "quantity_cancelled")
        ),
        "events": list(order.events.values_list("kind", flat=True)),
        "emails": OutboundEmail.objects.count(),
        "ledger": InventoryLedgerEntry.objects.count(),
        "stock": list(Listing.objects.order_by("pk").values_list("quantity", flat=True)),
        "tasks": DBTaskResult.objects.count(),
    }


def refused(call: Any, **kwargs: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    return caught.value


def purchased(order: Order, ago: datetime.timedelta) -> Order:
    Order.objects.filter(pk=order.pk).update(purchase_date=timezone.now() - ago)
    order.refresh_from_db()
    return order


def cancel(order: Order, reason: str) -> None:
    order_cancel(
        seller=order.seller, amazon_order_id=order.amazon_order_id, actor=None, reason=reason
    )


# Requests


def test_a_request_is_recorded_with_the_buyer_reason_and_an_event(seller):
    listing = make_listing(seller, quantity=10)
    order = make_order(seller, (listing, 2))
    before = snapshot(order)

    result = order_buyer_cancel_request(
        amazon_order_id=order.amazon_order_id, reason="  Ordered\nby   mistake "
    )

    order.refresh_from_db()
    assert result.pk == order.pk
    assert order.buyer_cancel_reason == "Ordered by mistake"
    assert order.buyer_cancel_requested_at is not None
    assert order.last_update_date > before["last_update"]
    assert order.status == "Unshipped"
    event = order.events.get(kind=OrderEvent.Kind.BUYER_CANCEL_REQUESTED)
    assert (event.source, event.actor, event.data) == (
        "buyer",
        None,
        {"buyer_cancel_reason": "Ordered by mistake"},
    )
    # A request cancels nothing: no email, no stock, no task.
    after = snapshot(order)
    for unchanged in ("status", "items", "emails", "ledger", "stock", "tasks", "rate_cancelled"):
        assert after[unchanged] == before[unchanged], unchanged


def test_a_pending_order_can_be_requested_for_cancellation(seller):
    order = make_order(seller, payment_authorized=False)

    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Changed my mind")

    order.refresh_from_db()
    assert (order.status, order.buyer_cancel_reason) == ("Pending", "Changed my mind")


def test_a_second_request_says_so_and_changes_nothing(seller):
    order = make_order(seller)
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="First reason")
    before = snapshot(order)

    error = refused(
        order_buyer_cancel_request, amazon_order_id=order.amazon_order_id, reason="Second reason"
    )

    assert isinstance(error, NothingToDo)
    assert (error.code, error.http_status) == ("cancellation_already_requested", 409)
    assert snapshot(order) == before
    assert before["requested"][1] == "First reason"


def shipped(seller):
    order = make_order(seller)
    ship_item(order, order.items.get())
    return order


def partially_shipped(seller):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)
    return order


def cancelled(seller):
    order = make_order(seller)
    cancel(order, "NoInventory")
    return order


@pytest.mark.parametrize(
    ("prepare", "code"),
    [
        (shipped, "cannot_request_cancel_shipped"),
        (partially_shipped, "cannot_request_cancel_partiallyshipped"),
        (cancelled, "already_cancelled"),
    ],
)
def test_a_request_for_an_order_past_cancelling_is_refused(seller, prepare, code):
    order = prepare(seller)
    before = snapshot(order)

    error = refused(
        order_buyer_cancel_request, amazon_order_id=order.amazon_order_id, reason="Too late"
    )

    assert (error.code, error.http_status) == (code, 409)
    assert snapshot(order) == before


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", "buyer_cancel_reason_required"),
        (" \n\t ", "buyer_cancel_reason_required"),
        ("x" * 101, "buyer_cancel_reason_too_long"),
        ("Ordered\x00by mistake", "buyer_cancel_reason_invalid"),
        ("Bell\x07", "buyer_cancel_reason_invalid"),
    ],
)
def test_a_request_without_a_good_reason_is_refused(seller, reason, code):
    order = make_order(seller)
    before = snapshot(order)

    error = refused(
        order_buyer_cancel_request, amazon_order_id=order.amazon_order_id, reason=reason
    )

    assert isinstance(error, InvalidInput)
    assert (error.code, error.http_status) == (code, 400)
    assert snapshot(order) == before


def test_a_reason_of_exactly_100_characters_is_accepted(seller):
    order = make_order(seller)

    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="å" * 100)

    order.refresh_from_db()
    assert order.buyer_cancel_reason == "å" * 100


def test_a_request_for_an_unknown_order_is_not_found(db):
    error = refused(order_buyer_cancel_request, amazon_order_id=MISSING, reason="Why")

    assert isinstance(error, NotFound)
    assert error.code == "order_not_found"
    assert not OrderEvent.objects.exists()


def test_a_requested_order_cancelled_as_buyer_canceled_does_not_count_in_the_rate(seller):
    requested_buyer_canceled, requested_no_inventory, _kept = (make_order(seller) for _ in range(3))
    for order in (requested_buyer_canceled, requested_no_inventory):
        order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Mistake")

    cancel(requested_buyer_canceled, "BuyerCanceled")
    cancel(requested_no_inventory, "NoInventory")

    rate = cancellation_rate(seller=seller)
    assert (rate.cancelled, rate.orders) == (1, 3)


# Self-cancellation


@pytest.mark.django_db(transaction=True)
def test_a_self_cancellation_cancels_emails_the_buyer_and_does_not_count(smtp: SmtpInbox, seller):
    listing = make_listing(seller, quantity=10)
    order = make_order(seller, (listing, 3), buyer_language="en", buyer_name="Jane Doe")

    cancellation = order_buyer_self_cancel(amazon_order_id=order.amazon_order_id)
    run_tasks()

    order.refresh_from_db()
    listing.refresh_from_db()
    assert (order.status, order.rate_cancelled, cancellation.units) == ("Canceled", False, 3)
    assert listing.quantity == 10
    event = order.events.get(kind=OrderEvent.Kind.CANCELLED)
    assert (event.source, event.reason, event.actor) == ("buyer", "BuyerCanceled", None)
    assert event.data["counts_toward_rate"] is False
    assert cancellation_rate(seller=seller).cancelled == 0
    (message,) = smtp.messages
    assert message["To"] == order.buyer_email
    assert message["Subject"] == (
        f"Your order {order.amazon_order_id} from Nordisk Hem AB has been cancelled"
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Your order {order.amazon_order_id} from Nordisk Hem AB has been cancelled." in text
    assert "by the seller" not in text
    assert "The order was cancelled at your request." in text
    assert f"3 × {listing.title} (SKU {listing.sku})" in text


@pytest.mark.django_db(transaction=True)
def test_a_self_cancellation_emails_a_swedish_buyer_in_swedish(smtp: SmtpInbox, seller):
    order = make_order(seller, buyer_language="sv", buyer_name="Åsa Öberg")

    order_buyer_self_cancel(amazon_order_id=order.amazon_order_id)
    run_tasks()

    (message,) = smtp.messages
    assert message["Subject"] == (
        f"Din beställning {order.amazon_order_id} från Nordisk Hem AB har annullerats"
    )
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"Din beställning {order.amazon_order_id} från Nordisk Hem AB har annullerats." in text
    assert "Beställningen har annullerats på din begäran." in text
    assert "säljaren" not in text and "säljaren" not in html


def test_a_self_cancellation_at_exactly_30_minutes_is_accepted(seller):
    order = make_order(seller)

    order_buyer_self_cancel(
        amazon_order_id=order.amazon_order_id, now=order.purchase_date + SELF_CANCEL_WINDOW
    )

    order.refresh_from_db()
    assert order.status == "Canceled"


def test_a_self_cancellation_after_30_minutes_is_refused_and_points_to_a_request(seller):
    order = make_order(seller)
    before = snapshot(order)

    with translation.override("en"):
        error = refused(
            order_buyer_self_cancel,
            amazon_order_id=order.amazon_order_id,
            now=order.purchase_date + SELF_CANCEL_WINDOW + datetime.timedelta(microseconds=1),
        )

    assert isinstance(error, InvalidTransition)
    assert (error.code, error.http_status) == ("self_cancel_window_passed", 409)
    assert "more than 30 minutes ago" in error.message
    assert "Request the cancellation from the seller instead." in error.message
    assert snapshot(order) == before


def test_the_window_is_measured_from_the_purchase_to_now(seller):
    inside = purchased(make_order(seller), datetime.timedelta(minutes=29))
    outside = purchased(make_order(seller), datetime.timedelta(minutes=31))

    order_buyer_self_cancel(amazon_order_id=inside.amazon_order_id)
    error = refused(order_buyer_self_cancel, amazon_order_id=outside.amazon_order_id)

    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.status, outside.status, error.code) == (
        "Canceled",
        "Unshipped",
        "self_cancel_window_passed",
    )


def test_a_pending_order_can_be_cancelled_by_its_buyer(seller):
    listing = make_listing(seller, quantity=5)
    order = make_order(seller, (listing, 2), payment_authorized=False)

    order_buyer_self_cancel(amazon_order_id=order.amazon_order_id)

    order.refresh_from_db()
    listing.refresh_from_db()
    assert (order.status, listing.quantity) == ("Canceled", 5)
    assert OutboundEmail.objects.filter(order=order).count() == 1


def test_the_seller_still_cannot_cancel_a_pending_order(seller):
    order = make_order(seller, payment_authorized=False)

    error = refused(cancel, order=order, reason="BuyerCanceled")

    assert error.code == "cannot_cancel_pending"


def test_a_self_cancellation_cancels_what_the_seller_left(seller):
    order, first, _second = make_two_item_order(seller)
    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason="NoInventory",
        quantities={first.order_item_id: 1},
    )

    cancellation = order_buyer_self_cancel(amazon_order_id=order.amazon_order_id)

    order.refresh_from_db()
    assert (order.status, cancellation.units) == ("Canceled", 2)
    # The seller's item cancellation counts; the buyer's cancellation of the rest does not
    # take that back.
    assert order.rate_cancelled is True


@pytest.mark.parametrize(
    ("prepare", "code"),
    [
        (shipped, "cannot_self_cancel_shipped"),
        (partially_shipped, "cannot_self_cancel_partiallyshipped"),
        (cancelled, "already_cancelled"),
    ],
)
def test_a_self_cancellation_of_an_order_past_cancelling_is_refused(seller, prepare, code):
    order = prepare(seller)
    before = snapshot(order)

    error = refused(order_buyer_self_cancel, amazon_order_id=order.amazon_order_id)

    assert (error.code, error.http_status) == (code, 409)
    assert snapshot(order) == before


def test_a_shipped_order_past_the_window_says_it_has_shipped(seller):
    # Not "ask the seller instead": the seller cannot cancel it either.
    order = purchased(shipped(seller), datetime.timedelta(hours=2))

    error = refused(order_buyer_self_cancel, amazon_order_id=order.amazon_order_id)

    assert error.code == "cannot_self_cancel_shipped"


def test_a_self_cancellation_of_an_unknown_order_is_not_found(db):
    error = refused(order_buyer_self_cancel, amazon_order_id=MISSING)

    assert (error.code, error.http_status) == ("order_not_found", 404)


# Concurrency: real threads, real connections (row locks on PostgreSQL, IMMEDIATE on SQLite).


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_record_one(seller):
    for _ in range(ROUNDS):
        order = make_order(seller)

        def ask(reason: str, order_id: str = order.amazon_order_id) -> None:
            order_buyer_cancel_request(amazon_order_id=order_id, reason=reason)

        outcomes = race(lambda: ask("First"), lambda: ask("Second"))

        assert sorted(outcomes) == ["cancellation_already_requested", "ok"]
        assert order.events.filter(kind=OrderEvent.Kind.BUYER_CANCEL_REQUESTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_self_cancellation_and_a_shipment_at_once_never_both_succeed(seller):
    listing = make_listing(seller, quantity=100)
    for _ in range(ROUNDS):
        order = make_order(seller, (listing, 1))

        def self_cancel(order_id: str = order.amazon_order_id) -> None:
            order_buyer_self_cancel(amazon_order_id=order_id)

        def ship(order_id: str = order.amazon_order_id) -> None:
            order_confirm_shipment(
                seller=seller,
                amazon_order_id=order_id,
                actor=None,
                carrier="PostNord",
                tracking_number="UA1SE",
            )

        outcomes = race(self_cancel, ship)

        order.refresh_from_db()
        assert outcomes in (
            ["ok", "cannot_ship_canceled"],
            ["cannot_self_cancel_shipped", "ok"],
        )
        assert order.status == ("Canceled" if outcomes[0] == "ok" else "Shipped")
        assert OutboundEmail.objects.filter(order=order).count() == int(outcomes[0] == "ok")
