"""Price and Quantity inventory files end to end: a document in, quantities and prices set
through listings_update, a ledger row per change, a report out."""

import pytest

from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.feeds import processing
from sellerdesk.feeds.models import Feed, FeedType
from tests.conftest import run_tasks
from tests.factories import make_listing
from tests.feeds.test_processing import results, submit

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "sku\tprice\tquantity\n"
AMAZON_HEADER = (
    "sku\tprice\tminimum-seller-allowed-price\tmaximum-seller-allowed-price\tquantity\t"
    "handling-time\tfulfillment-channel\n"
)


def stock(seller) -> dict[str, tuple[int, str]]:
    return {
        listing.sku: (listing.quantity, str(listing.price))
        for listing in Listing.objects.filter(seller=seller)
    }


def file_rows(feed: Feed) -> list[tuple[str, int, int]]:
    return list(
        InventoryLedgerEntry.objects.filter(feed=feed)
        .order_by("pk")
        .values_list("listing__sku", "delta", "quantity_after")
    )


def report(feed: Feed) -> str:
    assert feed.result_document is not None
    with feed.result_document.file.open("rb") as document:
        return document.read().decode()


def process(seller, content: str, **options) -> Feed:
    feed = submit(seller, content, feed_type=FeedType.INVENTORY_FILE, **options)
    run_tasks()
    feed.refresh_from_db()
    return feed


def test_an_inventory_file_sets_quantities_and_prices_and_reports_each_bad_row(
    seller, other_seller
):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    make_listing(seller, sku="TALLRIK", quantity=3, price="99.00")
    make_listing(seller, sku="SKÅL", quantity=0, price="50.00")
    make_listing(seller, sku="KANNA", quantity=8, price="300.00")
    make_listing(other_seller, sku="FJ-1", quantity=5, price="899.00")
    content = (
        HEADER
        + "MUGG\t\t4\n"  # 2: quantity only
        + "TALLRIK\t89.50\t25\n"  # 3: both
        + "SKÅL\t55\t\n"  # 4: price only
        + "NOPE\t10\t1\n"  # 5: no such SKU
        + "FJ-1\t1\t0\n"  # 6: another seller's SKU
        + "KANNA\t\t-2\n"  # 7: negative quantity
        + "KANNA\t\t1.5\n"  # 8: not a whole number
        + "KANNA\t12.345\t1\n"  # 9: three decimals
        + "KANNA\t-1\t1\n"  # 10: negative price
        + "K" * 41
        + "\t\t1\n"  # 11: longer than any SKU
    )

    feed = process(seller, content)

    assert feed.processing_status == Feed.Status.DONE
    assert results(feed) == [
        (5, "Error", 18027),
        (6, "Error", 18027),
        (7, "Error", 18028),
        (8, "Error", 18028),
        (9, "Error", 18029),
        (10, "Error", 18029),
        (11, "Error", 18027),
    ]
    assert (feed.messages_processed, feed.messages_successful, feed.messages_with_error) == (
        10,
        3,
        7,
    )
    assert stock(seller) == {
        "MUGG": (4, "199.00"),
        "TALLRIK": (25, "89.50"),
        "SKÅL": (0, "55.00"),
        "KANNA": (8, "300.00"),
    }
    assert stock(other_seller) == {"FJ-1": (5, "899.00")}
    assert file_rows(feed) == [("MUGG", -6, 4), ("TALLRIK", 22, 25)]
    assert list(feed.results.order_by("position").values_list("sku", flat=True)) == [
        "NOPE",
        "FJ-1",
        "KANNA",
        "KANNA",
        "KANNA",
        "KANNA",
        "",
    ]
    lines = report(feed).splitlines()
    assert lines[:4] == [
        "Feed Processing Summary:",
        "\tNumber of records processed\t10",
        "\tNumber of records successful\t3",
        "",
    ]
    assert lines[4] == "original-record-number\tsku\terror-code\terror-type\terror-message"
    assert lines[5] == "5\tNOPE\t18027\tError\tNo listing has the SKU NOPE."
    assert lines[6] == "6\tFJ-1\t18027\tError\tNo listing has the SKU FJ-1."
    assert lines[7] == (
        "7\tKANNA\t18028\tError\tquantity '-2' is negative; write the units in stock, 0 or more."
    )
    assert lines[9] == "9\tKANNA\t18029\tError\tprice '12.345' has more than two decimals."
    assert lines[11].startswith("11\t\t18027\tError\tsku 'KKKK")
    assert len(lines) == 12


def test_every_quantity_the_file_sets_is_a_ledger_row_that_adds_up(seller):
    mug = make_listing(seller, sku="MUGG", quantity=10)

    feed = process(seller, HEADER + "MUGG\t\t3\n")

    row = InventoryLedgerEntry.objects.get(feed=feed)
    assert (row.listing, row.cause, row.delta, row.quantity_after, row.order) == (
        mug,
        "inventory_file",
        -7,
        3,
        None,
    )
    ledger = InventoryLedgerEntry.objects.filter(listing=mug).values_list("delta", flat=True)
    assert sum(ledger) == 3 == Listing.objects.get(pk=mug.pk).quantity


def test_the_same_file_twice_changes_nothing_the_second_time(seller):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    content = HEADER + "MUGG\t149.00\t2\n"

    first = process(seller, content)
    second = process(seller, content)

    assert (first.messages_successful, second.messages_successful) == (1, 1)
    assert results(second) == []
    assert stock(seller) == {"MUGG": (2, "149.00")}
    assert len(file_rows(first)) == 1
    assert file_rows(second) == []


def test_the_marketplaces_template_is_accepted_and_unused_values_are_warnings(seller):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    make_listing(seller, sku="KANNA", quantity=8, price="300.00")
    content = (
        AMAZON_HEADER + "MUGG\t189\t150\t250\t12\t2\tDEFAULT\n" + "KANNA\t\t\t\t0\t\tAMAZON_EU\n"
    )

    feed = process(seller, content)

    assert results(feed) == [(2, "Warning", 18030), (3, "Error", 18031)]
    assert (feed.messages_successful, feed.messages_with_warning) == (1, 1)
    assert stock(seller) == {"MUGG": (12, "189.00"), "KANNA": (8, "300.00")}
    warning = feed.results.get(message_code=18030)
    assert warning.description == (
        "minimum-seller-allowed-price, maximum-seller-allowed-price, handling-time: Seller Desk "
        "does not keep these values, so they were left aside; the row's price and quantity were "
        "applied."
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("sku\tprice\tquantity\tcurrency\nMUGG\t1\t1\tSEK\n", 5005),
        ("TemplateType=OrderCancellation\tVersion=1.0\n" + HEADER + "MUGG\t1\t1\n", 5002),
        (HEADER, 5001),
        (HEADER + "MUGG\t\t1\n\x00", 5004),
    ],
)
def test_a_whole_file_problem_is_fatal_and_changes_nothing(seller, content, code):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")

    feed = process(seller, content)

    assert (feed.processing_status, feed.fatal_code) == (Feed.Status.FATAL, code)
    assert stock(seller) == {"MUGG": (10, "199.00")}
    assert not InventoryLedgerEntry.objects.filter(cause="inventory_file").exists()
    lines = report(feed).splitlines()
    assert lines[4] == "original-record-number\tsku\terror-code\terror-type\terror-message"
    assert lines[5].startswith(f"0\t\t{code}\tError\t")


def test_a_dry_run_reports_and_changes_nothing(seller):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")

    feed = process(seller, HEADER + "MUGG\t149\t2\nNOPE\t\t1\n", dry_run=True)

    assert (feed.dry_run, feed.messages_successful, feed.messages_with_error) == (True, 1, 1)
    assert results(feed) == [(3, "Error", 18027)]
    assert stock(seller) == {"MUGG": (10, "199.00")}
    assert not InventoryLedgerEntry.objects.filter(cause="inventory_file").exists()


def test_rows_apply_in_batches_in_file_order(seller, monkeypatch):
    monkeypatch.setattr(processing, "BATCH_SIZE", 2)
    for sku in ("A", "B", "C"):
        make_listing(seller, sku=sku, quantity=1)
    content = HEADER + "A\t\t5\nB\t\t6\nC\t\t7\nA\t\t8\nNOPE\t\t1\n"

    feed = process(seller, content)

    assert (feed.records_done, feed.messages_successful) == (5, 4)
    assert results(feed) == [(6, "Error", 18027)]
    assert {sku: quantity for sku, (quantity, _price) in stock(seller).items()} == {
        "A": 8,
        "B": 6,
        "C": 7,
    }
    assert file_rows(feed) == [("A", 4, 5), ("B", 5, 6), ("C", 6, 7), ("A", 3, 8)]


def test_an_inventory_file_through_the_feeds_api_names_its_source(seller):
    make_listing(seller, sku="MUGG", quantity=10)

    feed = process(seller, HEADER + "MUGG\t\t0\n", source=Feed.Source.API)

    assert (feed.source, feed.processing_status) == (Feed.Source.API, Feed.Status.DONE)
    assert stock(seller)["MUGG"][0] == 0
