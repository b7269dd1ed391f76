"""The restock policy as changes of stock: what a cancellation writes (units.py) and what the
cancel pages show before the seller confirms, from the same rule."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.reasons import restocks
from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.catalog.selectors import StockEffect, listings_stock_preview
from sellerdesk.catalog.services import StockChange
from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.orders.quantities import unshipped_units


def restock_change(
    *,
    reason: str,
    listing_id: int,
    units: int,
    order_id: int | None = None,
    event_id: int | None = None,
) -> StockChange:
    """The units go back to the listing, but for NoInventory, which empties it so that it
    stops overselling."""
    if restocks(reason):
        return StockChange(
            listing_id=listing_id,
            cause=InventoryLedgerEntry.Cause.CANCELLATION_RESTOCK,
            delta=units,
            order_id=order_id,
            event_id=event_id,
        )
    return StockChange(
        listing_id=listing_id,
        cause=InventoryLedgerEntry.Cause.CANCELLATION_NO_INVENTORY,
        quantity=0,
        order_id=order_id,
        event_id=event_id,
    )


@dataclass(frozen=True)
class CancelledStock:
    """Units of one listing to cancel, and what cancelling them does to its stock."""

    units: int
    stock: StockEffect


def cancellation_stock_preview(
    *, seller: Seller, units_by_listing: Mapping[int, int], reason: str
) -> list[CancelledStock]:
    """What cancelling these units with reason would do to each listing's stock, by SKU."""
    effects = listings_stock_preview(
        seller=seller,
        changes=[
            restock_change(reason=reason, listing_id=listing_id, units=units)
            for listing_id, units in sorted(units_by_listing.items())
            if units
        ],
    )
    return [
        CancelledStock(units=units_by_listing[effect.listing_id], stock=effect)
        for effect in effects
    ]


def order_units_by_listing(
    *, order: Order, items: list[OrderItem], quantities: Mapping[str, int | None] | None
) -> Counter[int]:
    """The units a cancellation of the order (None: every unshipped unit) takes, by listing,
    counted as the cancellation core counts them."""
    units = unshipped_units(order=order, items=items, quantities=quantities, action="cancel")
    by_listing = Counter[int]()
    for item in items:
        by_listing[item.listing_id] += units.get(item.order_item_id, 0)
    return by_listing
