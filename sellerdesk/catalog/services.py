from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.core.batches import Accepted, Outcome, requests_judge
from sellerdesk.core.bulk import rows_insert, rows_update
from sellerdesk.core.errors import (
    ErrorCode,
    InsufficientInventory,
    InvalidInput,
    NotFound,
)
from sellerdesk.core.money import CENT, money

# The largest quantity a listing holds: a 32-bit integer column on every database.
MAX_LISTING_QUANTITY = 2_147_483_647
# The largest price the price column holds.
MAX_LISTING_PRICE = Decimal("9999999999.99")


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


@dataclass(frozen=True, slots=True)
class StockChange:
    """A change of a listing's quantity and its cause: `delta` units more, or when `quantity`
    is given, the listing set to it."""

    listing_id: int
    cause: str
    delta: int = 0
    quantity: int | None = None
    order_id: int | None = None
    event_id: int | None = None

    def applied_to(self, quantity: int) -> int:
        """The listing's quantity after this change, from `quantity` before it."""
        return quantity + self.delta if self.quantity is None else self.quantity


def listings_stock_change(*, changes: Sequence[StockChange]) -> None:
    """Apply changes in the order given, each with its ledger row, in bulk: the listings locked
    in primary-key order, then written once. Call inside the transaction of their cause, last,
    so that the listings, shared by every order of the seller, are held the shortest time."""
    if not changes:
        return
    listings = listings_lock(listing_ids=[change.listing_id for change in changes])
    ledger = []
    for change in changes:
        listing = listings[change.listing_id]
        new_quantity = change.applied_to(listing.quantity)
        if new_quantity < 0:
            raise InsufficientInventory(
                f"SKU {listing.sku} has {listing.quantity} units; {-change.delta} requested.",
                sku=listing.sku,
            )
        ledger.append(
            InventoryLedgerEntry(
                listing_id=listing.pk,
                delta=new_quantity - listing.quantity,
                quantity_after=new_quantity,
                cause=change.cause,
                order_id=change.order_id,
                event_id=change.event_id,
            )
        )
        listing.quantity = new_quantity
    rows_update(Listing, listings.values(), ["quantity"])
    rows_insert(InventoryLedgerEntry, ledger)


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


@dataclass(frozen=True, slots=True)
class ListingUpdate:
    """New stock and price for a listing, by SKU; None leaves that value as it is."""

    sku: str
    quantity: int | None = None
    price: Decimal | None = None


def listings_update(
    *, seller: Seller, updates: Sequence[ListingUpdate], feed_id: int | None = None
) -> list[Outcome[ListingUpdate]]:
    """Set the quantities and prices of the seller's listings, in the order given (a later
    update of the same SKU wins). Each quantity that changes is a ledger row of cause
    inventory_file, naming the feed; a value that is already the listing's changes nothing.

    One outcome per update; a refused one changes nothing. Call inside a transaction: the
    listings are locked in primary-key order, then written in bulk."""
    if not updates:
        return []
    ids = dict(
        Listing.objects.filter(seller=seller, sku__in={update.sku for update in updates})
        .order_by()
        .values_list("sku", "pk")
    )
    listings = listings_lock(listing_ids=ids.values())
    ledger: list[InventoryLedgerEntry] = []
    changed: dict[int, Listing] = {}

    def update_listing(update: ListingUpdate) -> Accepted:
        _update_check(update)
        listing = listings.get(ids.get(update.sku, 0))
        if listing is None:
            raise NotFound(
                _("No listing has the SKU %(sku)s.") % {"sku": update.sku},
                code=ErrorCode.SKU_NOT_FOUND,
                sku=update.sku,
            )
        if update.quantity is not None and update.quantity != listing.quantity:
            ledger.append(
                InventoryLedgerEntry(
                    listing=listing,
                    delta=update.quantity - listing.quantity,
                    quantity_after=update.quantity,
                    cause=InventoryLedgerEntry.Cause.INVENTORY_FILE,
                    feed_id=feed_id,
                )
            )
            listing.quantity = update.quantity
            changed[listing.pk] = listing
        if update.price is not None and update.price != listing.price:
            listing.price = money(update.price)
            changed[listing.pk] = listing
        return Accepted()

    outcomes = requests_judge(updates, update_listing)
    now = timezone.now()
    for listing in changed.values():
        listing.updated_at = now
    rows_update(Listing, changed.values(), ["quantity", "price", "updated_at"])
    rows_insert(InventoryLedgerEntry, ledger)
    return outcomes


def _update_check(update: ListingUpdate) -> None:
    quantity, price = update.quantity, update.price
    if quantity is not None and not 0 <= quantity <= MAX_LISTING_QUANTITY:
        raise InvalidInput(
            _("The quantity %(quantity)s is not a whole number from 0 to %(max)d.")
            % {"quantity": quantity, "max": MAX_LISTING_QUANTITY},
            code=ErrorCode.INVALID_STOCK_QUANTITY,
            sku=update.sku,
        )
    if price is not None and (
        not price.is_finite() or not 0 < price <= MAX_LISTING_PRICE or price != price.quantize(CENT)
    ):
        raise InvalidInput(
            _("The price %(price)s is not an amount above 0 with at most two decimals.")
            % {"price": price},
            code=ErrorCode.INVALID_PRICE,
            sku=update.sku,
        )
