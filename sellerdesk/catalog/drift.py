"""The inventory drift check, an operator's read across sellers: every change of a quantity is
a ledger row, so for each listing the ledger's deltas add up to its quantity, and each row's
quantity_after is the one before it plus its delta. A listing where either fails was changed
outside the services (a raw UPDATE, a restored backup, a bug)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import F, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, Lag

from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing


@dataclass(frozen=True)
class ChainBreak:
    """A ledger row whose quantity_after is not the previous row's plus its delta."""

    entry_id: int
    created_at: datetime.datetime
    delta: int
    quantity_after: int
    expected: int


@dataclass
class ListingDrift:
    merchant_token: str
    seller_name: str
    sku: str
    quantity: int
    ledger_total: int
    first_break: ChainBreak | None = None
    breaks: int = 0

    @property
    def difference(self) -> int:
        return self.quantity - self.ledger_total


def inventory_drift(*, seller: Seller | None = None, chains: bool = True) -> list[ListingDrift]:
    """The listings (of one seller, or of all) whose ledger does not add up, by seller and SKU.
    Two statements, each one pass over the ledger: the sums, then (with chains) each row
    against the one before it in primary-key order, the order the listing's lock wrote them."""
    listings = Listing.objects.all() if seller is None else Listing.objects.filter(seller=seller)
    found: dict[int, ListingDrift] = {}
    sums = (
        listings.values("pk", "sku", "quantity", "seller__merchant_token", "seller__name")
        .annotate(ledger_total=Coalesce(Sum("ledger__delta"), 0))
        .exclude(quantity=F("ledger_total"))
        .order_by()
    )
    for row in sums:
        found[row["pk"]] = ListingDrift(
            merchant_token=row["seller__merchant_token"],
            seller_name=row["seller__name"],
            sku=row["sku"],
            quantity=row["quantity"],
            ledger_total=row["ledger_total"],
        )
    if chains:
        for listing_id, chain_break in _chain_breaks(listings=listings):
            drift = found.get(listing_id)
            if drift is None:
                drift = found[listing_id] = _drift_of(listing_id)
            drift.breaks += 1
            drift.first_break = drift.first_break or chain_break
    return sorted(found.values(), key=lambda drift: (drift.merchant_token, drift.sku))


def _chain_breaks(*, listings: QuerySet[Listing]) -> Iterator[tuple[int, ChainBreak]]:
    entries = (
        InventoryLedgerEntry.objects.filter(listing__in=listings.values("pk"))
        .annotate(
            expected=Coalesce(
                Window(Lag("quantity_after"), partition_by=F("listing_id"), order_by=F("pk")),
                Value(0),
            )
            + F("delta")
        )
        .exclude(quantity_after=F("expected"))
        .order_by("listing_id", "pk")
        .values_list("listing_id", "pk", "created_at", "delta", "quantity_after", "expected")
    )
    for listing_id, *entry in entries.iterator(chunk_size=2000):
        yield listing_id, ChainBreak(*entry)


def _drift_of(listing_id: int) -> ListingDrift:
    """A listing whose sum adds up although a row in its chain does not."""
    listing = Listing.objects.select_related("seller").get(pk=listing_id)
    total = listing.ledger.aggregate(total=Coalesce(Sum("delta"), 0))["total"]
    return ListingDrift(
        merchant_token=listing.seller.merchant_token,
        seller_name=listing.seller.name,
        sku=listing.sku,
        quantity=listing.quantity,
        ledger_total=total,
    )
