"""The one core that cancels units, whatever path calls it: the status table decides, the
restock goes through the catalog, a refusal changes nothing."""

from decimal import Decimal

import pytest
from django.db import transaction

from sellerdesk.cancellations.units import UnitCancellations
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import StockChange, listings_stock_change
from sellerdesk.core.errors import ApplicationError, InsufficientInventory
from sellerdesk.orders.locks import order_lock
from sellerdesk.orders.models import OrderEvent
from sellerdesk.orders.status import Action
from sellerdesk.refunds.adjustments import order_adjust
from sellerdesk.refunds.lines import AdjustedItem
from tests.factories import make_listing, make_order, make_two_item_order, ship_item


def ledger(listing: Listing) -> list[tuple[int, int, str]]:
    return list(
        InventoryLedgerEntry.objects.filter(listing=listing)
        .order_by("pk")
        .values_list("delta", "quantity_after", "cause")
    )


@pytest.mark.parametrize(
    ("action", "code"),
    [(Action.REFUND_CANCEL, "cannot_cancel_pending"), (Action.CANCEL, "cannot_cancel_pending")],
)
def test_a_pending_order_is_refused_by_the_table_and_nothing_is_written(seller, action, code):
    listing = make_listing(seller, quantity=5)
    order = make_order(seller, (listing, 2), payment_authorized=False)
    (item,) = order.items.all()
    stock_before = ledger(listing)
    batch = UnitCancellations(email=None)

    with transaction.atomic():
        locked, items = order_lock(seller=seller, amazon_order_id=order.amazon_order_id)
        with pytest.raises(ApplicationError) as error:
            batch.cancel(
                order=locked,
                items=items,
                quantities={item.order_item_id: 1},
                action=action,
                reason="CustomerExchange",
                memo="",
                actor=None,
                source=OrderEvent.Source.WEB,
            )
        batch.write()

    item.refresh_from_db()
    listing.refresh_from_db()
    assert error.value.code == code
    assert (batch.events, batch.items, batch.orders) == ([], {}, {})
    assert (item.quantity_cancelled, listing.quantity) == (0, 3)
    assert not order.events.filter(kind=OrderEvent.Kind.CANCELLED).exists()
    assert ledger(listing) == stock_before


def test_units_a_refund_cancels_are_cancelled_like_the_sellers(seller):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    second.listing.refresh_from_db()
    before = second.listing.quantity

    outcome = order_adjust(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        items=[
            AdjustedItem(
                order_item_id=second.order_item_id,
                reason="CustomerCancel",
                merchant_adjustment_item_id=None,
                quantity_cancelled=1,
                currency="SEK",
                principal=Decimal("300.00"),
                shipping=Decimal("0"),
                tax=Decimal("0"),
                shipping_tax=Decimal("0"),
                restocking_fee=Decimal("0"),
            )
        ],
        actor=None,
    )

    order.refresh_from_db()
    second.listing.refresh_from_db()
    (cancellation,) = outcome.cancellations
    assert order.status == "Shipped"
    assert (cancellation.reason, cancellation.data["whole_order"]) == ("BuyerCanceled", False)
    assert cancellation.data["counts_toward_rate"] is True and order.rate_cancelled
    # BuyerCanceled returns the unit, with its ledger row naming the cancellation.
    assert second.listing.quantity == before + 1
    assert ledger(second.listing)[-1] == (1, before + 1, "cancellation_restock")
    assert InventoryLedgerEntry.objects.filter(event=cancellation).count() == 1


def test_stock_changes_add_or_set_each_with_a_ledger_row(seller):
    mug = make_listing(seller, quantity=3)
    bowl = make_listing(seller, quantity=7)

    with transaction.atomic():
        listings_stock_change(
            changes=[
                StockChange(listing_id=mug.pk, cause="cancellation_restock", delta=2),
                StockChange(listing_id=bowl.pk, cause="cancellation_no_inventory", quantity=0),
                StockChange(listing_id=mug.pk, cause="cancellation_restock", delta=1),
            ]
        )

    assert ledger(mug) == [
        (3, 3, "initial"),
        (2, 5, "cancellation_restock"),
        (1, 6, "cancellation_restock"),
    ]
    assert ledger(bowl) == [(7, 7, "initial"), (-7, 0, "cancellation_no_inventory")]
    assert Listing.objects.get(pk=mug.pk).quantity == 6
    assert Listing.objects.get(pk=bowl.pk).quantity == 0


def test_a_stock_change_below_zero_is_refused_and_nothing_is_written(seller):
    mug = make_listing(seller, quantity=3)

    with pytest.raises(InsufficientInventory), transaction.atomic():
        listings_stock_change(
            changes=[
                StockChange(listing_id=mug.pk, cause="cancellation_restock", delta=1),
                StockChange(listing_id=mug.pk, cause="order_placed", delta=-5),
            ]
        )

    assert Listing.objects.get(pk=mug.pk).quantity == 3
    assert ledger(mug) == [(3, 3, "initial")]
