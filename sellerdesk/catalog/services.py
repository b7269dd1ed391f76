from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F

from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.core.errors import InsufficientInventory
from sellerdesk.core.money import money


def listings_lock(*, listing_ids: Iterable[int]) -> dict[int, Listing]:
    """Lock listings in primary-key order, so concurrent writers cannot deadlock."""
    ids = sorted(set(listing_ids))
    locked = Listing.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {listing.pk: listing for listing in locked}


def listing_change_quantity(
    *,
    listing: Listing,
    delta: int,
    cause: str,
    order_id: int | None = None,
    event_id: int | None = None,
) -> InventoryLedgerEntry:
    """Apply a delta to a locked listing and record it. Call inside the locking transaction."""
    new_quantity = listing.quantity + delta
    if new_quantity < 0:
        raise InsufficientInventory(
            f"SKU {listing.sku} has {listing.quantity} units; {-delta} requested.",
            sku=listing.sku,
        )
    Listing.objects.filter(pk=listing.pk).update(quantity=F("quantity") + delta)
    listing.quantity = new_quantity
    return InventoryLedgerEntry.objects.create(
        listing=listing,
        delta=delta,
        quantity_after=new_quantity,
        cause=cause,
        order_id=order_id,
        event_id=event_id,
    )


def listing_create(
    *, seller_id: int, sku: str, title: str, price: Decimal, quantity: int
) -> Listing:
    listing = Listing.objects.create(
        seller_id=seller_id, sku=sku, title=title, price=money(price), quantity=0
    )
    if quantity:
        listing_change_quantity(
            listing=listing, delta=quantity, cause=InventoryLedgerEntry.Cause.INITIAL
        )
    return listing
