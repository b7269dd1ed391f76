"""An inventory file and orders on the same listings at once, with real threads and real
connections: no deadlock (every writer locks listings in primary-key order), and the ledger
still adds up to every quantity, row after row."""

from collections.abc import Callable

import pytest
from django.db import transaction

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.drift import inventory_drift
from sellerdesk.catalog.models import Listing
from sellerdesk.catalog.services import ListingUpdate, listings_update
from tests.factories import make_listing, make_order
from tests.test_races import race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def stock_setter(seller, *listings: Listing, quantity: int) -> Callable[[], object]:
    def set_stock() -> object:
        with transaction.atomic():
            return listings_update(
                seller=seller,
                updates=[ListingUpdate(listing.sku, quantity=quantity) for listing in listings],
            )

    return set_stock


def canceller(seller, order_id: str, reason: str) -> Callable[[], object]:
    return lambda: order_cancel(seller=seller, amazon_order_id=order_id, actor=None, reason=reason)


def test_an_inventory_file_racing_orders_and_cancellations_keeps_the_ledger_whole(seller):
    mug, plate = make_listing(seller, quantity=50), make_listing(seller, quantity=50)
    for round_number in range(ROUNDS):
        stock_setter(seller, mug, plate, quantity=50)()
        to_cancel = make_order(seller, (mug, 1), (plate, 2))
        no_inventory = make_order(seller, (plate, 1), (mug, 1))

        outcomes = race(
            # The file names the listings in the reverse of their primary keys.
            stock_setter(seller, plate, mug, quantity=40 + round_number),
            canceller(seller, to_cancel.amazon_order_id, "BuyerCanceled"),
            canceller(seller, no_inventory.amazon_order_id, "NoInventory"),
            lambda: make_order(seller, (mug, 1), (plate, 1)),
        )

        # An order placed after the NoInventory cancellation finds no stock; nothing else fails.
        assert outcomes[:3] == ["ok"] * 3
        assert outcomes[3] in {"ok", "insufficient_inventory"}
        assert inventory_drift(seller=seller) == []
