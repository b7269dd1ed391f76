from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.drift import ListingDrift, inventory_drift
from sellerdesk.catalog.models import Listing

# Exit statuses: 0 no drift, DRIFT_FOUND drift found, 2 the check could not run.
DRIFT_FOUND = 1


class Command(BaseCommand):
    help = (
        "Check that each listing's inventory ledger adds up to its quantity, and that each "
        "ledger row's quantity_after follows from the row before it. Reports every listing that "
        "does not, by seller and SKU; exits with status 1 if there is any, 0 if there is none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seller", metavar="MERCHANT_TOKEN", help="check only this seller's listings"
        )
        parser.add_argument(
            "--sums-only",
            action="store_true",
            help="compare the sums only, skipping the row-by-row check of quantity_after",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seller = None
        if options["seller"]:
            seller = Seller.objects.filter(merchant_token=options["seller"]).first()
            if seller is None:
                raise CommandError(f"No seller {options['seller']}.", returncode=2)
        drifts = inventory_drift(seller=seller, chains=not options["sums_only"])
        listings = Listing.objects.all() if seller is None else seller.listings.all()
        checked = listings.count()
        if not drifts:
            self.stdout.write(f"No inventory drift: {checked} listing(s) checked.")
            return
        for drift in drifts:
            self.stdout.write(_describe(drift))
        raise CommandError(
            f"Inventory drift in {len(drifts)} of {checked} listing(s).", returncode=DRIFT_FOUND
        )


def _describe(drift: ListingDrift) -> str:
    where = f"{drift.merchant_token} ({drift.seller_name}) SKU {drift.sku}:"
    parts = []
    if drift.difference:
        parts.append(
            f"quantity {drift.quantity}, ledger sum {drift.ledger_total} "
            f"(the quantity is off by {drift.difference:+d})"
        )
    if drift.first_break is not None:
        first = drift.first_break
        parts.append(
            f"{drift.breaks} ledger row(s) out of chain, the first row {first.entry_id} of "
            f"{first.created_at:%Y-%m-%d %H:%M:%S} with delta {first.delta:+d} and "
            f"quantity_after {first.quantity_after} where the row before it and the delta give "
            f"{first.expected}"
        )
    return f"{where} {'; '.join(parts)}."
