"""Concurrent writers on one order, with real threads and real connections. On PostgreSQL the
row locks decide; on SQLite the IMMEDIATE transactions serialize writers. Either way exactly
one change wins, and inventory moves once."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.core.errors import ApplicationError
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.services import order_confirm_shipment
from sellerdesk.refunds.models import Charge
from tests.factories import make_listing, make_order

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def race(*actions: Callable[[], Any]) -> list[str]:
    """Start all actions at once; return 'ok' or the error code of each."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except ApplicationError as error:
            outcomes[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_cancels_of_one_order_cancel_it_once(seller, seller_user):
    listing = make_listing(seller, quantity=100)
    for _ in range(ROUNDS):
        order = make_order(seller, (listing, 2))

        def cancel(order_id: str = order.amazon_order_id) -> None:
            order_cancel(
                seller=seller, amazon_order_id=order_id, actor=seller_user, reason="PricingError"
            )

        outcomes = race(cancel, cancel)

        assert sorted(outcomes) == ["already_cancelled", "ok"]
        assert order.events.filter(kind="cancelled").count() == 1
        assert OutboundEmail.objects.filter(order=order).count() == 1
        assert (
            InventoryLedgerEntry.objects.filter(order=order, cause="cancellation_restock").count()
            == 1
        )
    listing.refresh_from_db()
    assert listing.quantity == 100


def test_cancel_and_shipment_of_one_order_never_both_succeed(seller, seller_user):
    listing = make_listing(seller, quantity=100)
    for _ in range(ROUNDS):
        order = make_order(seller, (listing, 1))

        def cancel(order_id: str = order.amazon_order_id) -> None:
            order_cancel(
                seller=seller,
                amazon_order_id=order_id,
                actor=seller_user,
                reason="GeneralAdjustment",
            )

        def ship(order_id: str = order.amazon_order_id) -> None:
            order_confirm_shipment(
                seller=seller,
                amazon_order_id=order_id,
                actor=seller_user,
                carrier="PostNord",
                tracking_number="UA1SE",
            )

        cancel_outcome, ship_outcome = race(cancel, ship)

        order.refresh_from_db()
        restocks = InventoryLedgerEntry.objects.filter(order=order, cause="cancellation_restock")
        if cancel_outcome == "ok":
            assert ship_outcome == "cannot_ship_canceled"
            assert (order.status, restocks.count(), Charge.objects.filter(order=order).count()) == (
                "Canceled",
                1,
                0,
            )
        else:
            assert (cancel_outcome, ship_outcome) == ("cannot_cancel_shipped", "ok")
            assert (order.status, restocks.count(), Charge.objects.filter(order=order).count()) == (
                "Shipped",
                0,
                1,
            )
    listing.refresh_from_db()
    cancelled = InventoryLedgerEntry.objects.filter(cause="cancellation_restock").count()
    assert listing.quantity == 100 - ROUNDS + cancelled


def test_concurrent_cancels_of_different_orders_restock_every_unit(seller, seller_user):
    shared, other = make_listing(seller, quantity=50), make_listing(seller, quantity=50)
    orders = [make_order(seller, (shared, 2), (other, 1)) for _ in range(6)]

    def canceller(order_id: str) -> Callable[[], object]:
        return lambda: order_cancel(
            seller=seller, amazon_order_id=order_id, actor=seller_user, reason="CustomerExchange"
        )

    outcomes = race(*(canceller(order.amazon_order_id) for order in orders))

    assert outcomes == ["ok"] * 6
    assert list(Listing.objects.order_by("pk").values_list("quantity", flat=True)) == [50, 50]
    for listing in (shared, other):
        assert sum(listing.ledger.values_list("delta", flat=True)) == 50
