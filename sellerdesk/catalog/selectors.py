"""Reads on listings and their inventory ledger, always for the acting seller."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import StockChange
from sellerdesk.core.errors import ErrorCode, NotFound

# A listing with this many units or fewer is low on stock (zero is low too, and flagged apart):
# few enough that a handful of orders sells it out before a restock arrives.
LOW_STOCK_THRESHOLD = 5
# How far back the inventory page looks for NoInventory cancellations.
NO_INVENTORY_PERIOD = datetime.timedelta(days=30)
# The most SKUs the NoInventory section lists, most recent first.
NO_INVENTORY_LIMIT = 100


class Stock:
    """The inventory page's filters."""

    ALL, LOW, ZERO = "all", "low", "zero"


_STOCK_FILTERS = {
    Stock.ALL: Q(),
    Stock.LOW: Q(quantity__lte=LOW_STOCK_THRESHOLD),
    Stock.ZERO: Q(quantity=0),
}


@dataclass(frozen=True)
class StockCounts:
    all: int
    low: int
    zero: int


@dataclass(frozen=True)
class NoInventorySku:
    """A SKU with NoInventory cancellations in the period: how many, and the latest."""

    sku: str
    title: str
    quantity: int
    cancellations: int
    last_at: datetime.datetime
    last_order_id: str | None


def listing_list(*, seller: Seller, stock: str = Stock.ALL, query: str = "") -> QuerySet[Listing]:
    """The seller's listings by SKU, narrowed to a stock filter and a SKU or title search."""
    listings = Listing.objects.filter(_STOCK_FILTERS[stock], seller=seller)
    if query:
        listings = listings.filter(Q(sku__icontains=query) | Q(title__icontains=query))
    return listings.only("pk", "sku", "title", "price", "currency", "quantity").order_by(
        "sku", "pk"
    )


def stock_counts(*, seller: Seller) -> StockCounts:
    """How many of the seller's listings each filter shows, in one statement."""
    counts = Listing.objects.filter(seller=seller).aggregate(
        all=Count("pk"),
        low=Count("pk", filter=_STOCK_FILTERS[Stock.LOW]),
        zero=Count("pk", filter=_STOCK_FILTERS[Stock.ZERO]),
    )
    return StockCounts(all=counts["all"], low=counts["low"], zero=counts["zero"])


def no_inventory_skus(
    *, seller: Seller, now: datetime.datetime | None = None
) -> tuple[list[NoInventorySku], int]:
    """The SKUs with NoInventory cancellations since NO_INVENTORY_PERIOD ago, most recent first
    (at most NO_INVENTORY_LIMIT), and how many SKUs there are in all. A cancellation is one
    ledger row: the cancellation writes one per listing it sets to zero.

    The period's rows of that cause are a range of the index ledger_cause_recent, however long
    the listings' histories of orders are."""
    since = (now or timezone.now()) - NO_INVENTORY_PERIOD
    recent = InventoryLedgerEntry.objects.filter(
        cause=InventoryLedgerEntry.Cause.CANCELLATION_NO_INVENTORY,
        created_at__gte=since,
        listing__seller=seller,
    )
    by_listing = (
        recent.values("listing_id", "listing__sku", "listing__title", "listing__quantity")
        .annotate(cancellations=Count("pk"), last_at=Max("created_at"))
        .order_by("-last_at", "listing__sku")
    )
    groups = list(by_listing[:NO_INVENTORY_LIMIT])
    latest_orders: dict[int, str | None] = {}
    rows = recent.filter(listing_id__in=[group["listing_id"] for group in groups])
    for listing_id, order_id in rows.order_by("-created_at", "-pk").values_list(
        "listing_id", "order__amazon_order_id"
    ):
        latest_orders.setdefault(listing_id, order_id)
    shown = [
        NoInventorySku(
            sku=group["listing__sku"],
            title=group["listing__title"],
            quantity=group["listing__quantity"],
            cancellations=group["cancellations"],
            last_at=group["last_at"],
            last_order_id=latest_orders.get(group["listing_id"]),
        )
        for group in groups
    ]
    if len(shown) < NO_INVENTORY_LIMIT:
        return shown, len(shown)
    return shown, recent.values("listing_id").distinct().count()


def listing_get(*, seller: Seller, sku: str) -> Listing:
    # PostgreSQL refuses a NUL in a query's text, and no SKU has one.
    listing = None if "\x00" in sku else Listing.objects.filter(seller=seller, sku=sku).first()
    if listing is None:
        raise NotFound(f"SKU {sku} was not found.", code=ErrorCode.SKU_NOT_FOUND)
    return listing


def listing_ledger(*, listing: Listing, cause: str = "") -> QuerySet[InventoryLedgerEntry]:
    """Every change of the listing's quantity, newest first, with what caused it."""
    entries = listing.ledger.all()
    if cause:
        entries = entries.filter(cause=cause)
    return (
        entries.select_related("order", "event", "feed")
        .only(
            "pk",
            "delta",
            "quantity_after",
            "cause",
            "created_at",
            "order__amazon_order_id",
            "event__source",
            "event__reason",
            "feed__feed_id",
        )
        .order_by("-created_at", "-pk")
    )


def ledger_total(*, listing: Listing) -> int:
    """The sum of the listing's ledger deltas: its quantity, unless the two drifted apart."""
    total = listing.ledger.aggregate(total=Coalesce(Sum("delta"), 0))["total"]
    return int(total)


@dataclass(frozen=True)
class StockEffect:
    """What changes would do to one listing: its quantity now, and after them."""

    listing_id: int
    sku: str
    title: str
    before: int
    after: int

    @property
    def empties(self) -> bool:
        return self.after == 0 < self.before


def listings_stock_preview(*, seller: Seller, changes: Sequence[StockChange]) -> list[StockEffect]:
    """The effect of changes on the seller's listings, by SKU, without applying them: each
    change applied in the order given, as listings_stock_change would."""
    listings = Listing.objects.filter(
        seller=seller, pk__in={change.listing_id for change in changes}
    ).only("sku", "title", "quantity")
    quantities = {listing.pk: listing.quantity for listing in listings}
    for change in changes:
        if change.listing_id in quantities:
            quantities[change.listing_id] = change.applied_to(quantities[change.listing_id])
    return sorted(
        (
            StockEffect(
                listing_id=listing.pk,
                sku=listing.sku,
                title=listing.title,
                before=listing.quantity,
                after=quantities[listing.pk],
            )
            for listing in listings
        ),
        key=lambda effect: effect.sku,
    )
