"""listings_update: the quantities and prices an inventory file sets, with their ledger rows."""

from decimal import Decimal

from django.db import transaction

from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import ListingUpdate, listings_update
from tests.factories import make_listing


def stock(seller) -> dict[str, tuple[int, str]]:
    return {
        listing.sku: (listing.quantity, str(listing.price))
        for listing in Listing.objects.filter(seller=seller)
    }


def update(seller, *updates: ListingUpdate) -> list[str | None]:
    with transaction.atomic():
        outcomes = listings_update(seller=seller, updates=updates)
    return [None if outcome.error is None else outcome.error.code for outcome in outcomes]


def test_quantities_and_prices_are_set_and_each_change_is_a_ledger_row(seller):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    make_listing(seller, sku="TALLRIK", quantity=3, price="99.00")
    make_listing(seller, sku="SKÅL", quantity=0, price="50.00")

    results = update(
        seller,
        ListingUpdate("MUGG", quantity=4),
        ListingUpdate("TALLRIK", quantity=25, price=Decimal("89.5")),
        ListingUpdate("SKÅL", price=Decimal("55.00")),
    )

    assert results == [None, None, None]
    assert stock(seller) == {
        "MUGG": (4, "199.00"),
        "TALLRIK": (25, "89.50"),
        "SKÅL": (0, "55.00"),
    }
    rows = InventoryLedgerEntry.objects.filter(cause="inventory_file").order_by("pk")
    assert [(row.listing.sku, row.delta, row.quantity_after) for row in rows] == [
        ("MUGG", -6, 4),
        ("TALLRIK", 22, 25),
    ]


def test_a_value_the_listing_has_already_changes_nothing(seller):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    before = Listing.objects.get(sku="MUGG").updated_at

    results = update(seller, ListingUpdate("MUGG", quantity=10, price=Decimal("199")))

    assert results == [None]
    assert stock(seller) == {"MUGG": (10, "199.00")}
    assert not InventoryLedgerEntry.objects.filter(cause="inventory_file").exists()
    assert Listing.objects.get(sku="MUGG").updated_at == before


def test_a_later_update_of_the_same_sku_wins(seller):
    make_listing(seller, sku="MUGG", quantity=10)

    update(seller, ListingUpdate("MUGG", quantity=1), ListingUpdate("MUGG", quantity=7))

    assert stock(seller)["MUGG"][0] == 7
    rows = InventoryLedgerEntry.objects.filter(cause="inventory_file").order_by("pk")
    assert [(row.delta, row.quantity_after) for row in rows] == [(-9, 1), (6, 7)]


def test_bad_updates_change_nothing_and_the_others_apply(seller, other_seller):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    make_listing(other_seller, sku="FJ-1", quantity=5, price="899.00")
    ledger = InventoryLedgerEntry.objects.count()

    results = update(
        seller,
        ListingUpdate("FJ-1", quantity=0),  # another seller's
        ListingUpdate("NOPE", quantity=1),
        ListingUpdate("MUGG", quantity=-1),
        ListingUpdate("MUGG", quantity=3, price=Decimal("1.005")),
        ListingUpdate("MUGG", price=Decimal("-2")),
        ListingUpdate("MUGG", price=Decimal("0")),
        ListingUpdate("MUGG", price=Decimal("NaN")),
        ListingUpdate("MUGG", quantity=2**31),
        ListingUpdate("MUGG", quantity=8),
    )

    assert results == [
        "sku_not_found",
        "sku_not_found",
        "invalid_stock_quantity",
        "invalid_price",
        "invalid_price",
        "invalid_price",
        "invalid_price",
        "invalid_stock_quantity",
        None,
    ]
    assert stock(seller) == {"MUGG": (8, "199.00")}
    assert Listing.objects.get(sku="FJ-1").quantity == 5
    assert InventoryLedgerEntry.objects.count() == ledger + 1
