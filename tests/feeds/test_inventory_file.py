"""The Price and Quantity inventory file parser: tab-separated text or .xlsx in, one update or
error per row out."""

import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.catalog.services import ListingUpdate
from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.inventory_file import (
    PRICE_AND_QUANTITY_TEMPLATE,
    InventoryUpdate,
    read_inventory_updates,
)
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError
from tests.feeds.test_cancellation_file import text, workbook

HEADER = "sku\tprice\tquantity"
AMAZON_HEADER = (
    "sku\tprice\tminimum-seller-allowed-price\tmaximum-seller-allowed-price\tquantity\t"
    "handling-time\tfulfillment-channel"
)
COLUMNS_HINT = (
    "The columns are sku, price, minimum-seller-allowed-price, maximum-seller-allowed-price, "
    "quantity, handling-time, fulfillment-channel; sku and one of price and quantity are "
    "required."
)


def parse(data: bytes) -> list[InventoryUpdate | RecordError]:
    return list(read_inventory_updates(io.BytesIO(data)))


def rejection(data: bytes) -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data)
    return caught.value


def update(
    line: int,
    sku: str,
    quantity: int | None = None,
    price: str | None = None,
    ignored: tuple[str, ...] = (),
) -> InventoryUpdate:
    return InventoryUpdate(
        line, ListingUpdate(sku, quantity, None if price is None else Decimal(price)), ignored
    )


# --- rows --------------------------------------------------------------------------------------


def test_each_row_sets_the_quantity_the_price_or_both() -> None:
    # Given the template's header and rows that fill one value or both
    data = text(HEADER, "MUGG\t199.00\t12", "TALLRIK\t\t0", "SKÅL\t89.5\t", "KOPP/VIT 2\t10\t3")

    # When it is parsed
    records = parse(data)

    # Then each row is one update, numbered by its line; an empty cell leaves the value as it is
    assert records == [
        update(2, "MUGG", 12, "199.00"),
        update(3, "TALLRIK", 0),
        update(4, "SKÅL", price="89.5"),
        update(5, "KOPP/VIT 2", 3, "10"),
    ]


def test_the_template_is_its_header_and_a_template_type_row_is_tolerated() -> None:
    assert PRICE_AND_QUANTITY_TEMPLATE.splitlines()[-1] == HEADER
    data = text("TemplateType=PriceInventory\tVersion=2018.0924\t", HEADER, "MUGG\t\t4")

    assert parse(data) == [update(3, "MUGG", 4)]


def test_columns_in_any_order_and_one_of_price_and_quantity_is_enough() -> None:
    assert parse(text("quantity\tsku", "7\tMUGG")) == [update(2, "MUGG", 7)]
    assert parse(text("price\tsku", "15\tMUGG")) == [update(2, "MUGG", price="15")]


def test_the_marketplaces_columns_are_read_and_their_unused_values_reported() -> None:
    # Given the marketplace's template with every column, some of them filled
    data = text(
        AMAZON_HEADER,
        "MUGG\t199\t\t\t12\t\tDEFAULT",
        "TALLRIK\t99\t80\t120\t3\t2\t",
        "SKÅL\t\t\t\t\t\tDEFAULT",
    )

    # When it is parsed
    records = parse(data)

    # Then price and quantity are read, and the columns Seller Desk does not keep are named
    assert records == [
        update(2, "MUGG", 12, "199"),
        update(
            3,
            "TALLRIK",
            3,
            "99",
            ignored=(
                "minimum-seller-allowed-price",
                "maximum-seller-allowed-price",
                "handling-time",
            ),
        ),
        RecordError(
            4,
            MessageProblem.INVALID_MESSAGE,
            "The row has nothing to update: price and quantity are both empty.",
            sku="SKÅL",
        ),
    ]


def test_blank_lines_are_skipped_but_counted() -> None:
    data = text(HEADER, "", "MUGG\t\t1", "\t\t", "TALLRIK\t\t2")

    assert [record.message_id for record in parse(data)] == [3, 5]


def test_a_sku_repeated_in_the_file_is_one_update_per_row() -> None:
    # The processor applies them in order, so the last row wins.
    data = text(HEADER, "MUGG\t\t1", "MUGG\t\t2")

    assert parse(data) == [update(2, "MUGG", 1), update(3, "MUGG", 2)]


Q, P = MessageProblem.INVALID_STOCK_QUANTITY, MessageProblem.INVALID_PRICE
NOT_WHOLE = "is not a whole number from 0 to 2147483647."
LONG_SKU = "S" * 41


@pytest.mark.parametrize(
    ("cells", "code", "description"),
    [
        ("MUGG\t\t-3", Q, "quantity '-3' is negative; write the units in stock, 0 or more."),
        ("MUGG\t\t2.5", Q, f"quantity '2.5' {NOT_WHOLE}"),
        ("MUGG\t\tmany", Q, f"quantity 'many' {NOT_WHOLE}"),
        ("MUGG\t\t2147483648", Q, f"quantity '2147483648' {NOT_WHOLE}"),
        ("MUGG\t\t+4", Q, f"quantity '+4' {NOT_WHOLE}"),
        ("MUGG\t12.345\t", P, "price '12.345' has more than two decimals."),
        ("MUGG\t-5.00\t", P, "price -5.00 is negative."),
        (
            "MUGG\t0\t3",
            P,
            "price is 0; a listing is sold for more than 0. To stop selling it, set quantity to 0.",
        ),
        (
            "MUGG\t12,50\t",
            P,
            "price '12,50' is not an amount: write it with a point and no commas, like 12.50.",
        ),
        ("MUGG\t1e3\t", P, "price '1e3' is not an amount like 12.50."),
        ("MUGG\t12345678901\t", P, "price '12345678901' is not an amount like 12.50."),
        ("\t10\t1", MessageProblem.INVALID_MESSAGE, "sku is empty."),
        (
            LONG_SKU + "\t10\t1",
            MessageProblem.SKU_NOT_FOUND,
            f"sku '{LONG_SKU[:40]}…' is longer than 40 characters, so no listing has it.",
        ),
        (
            "MUGG\t10\t1\tstray",
            MessageProblem.INVALID_MESSAGE,
            "The row has a value in column 4, which has no header.",
        ),
    ],
)
def test_a_bad_row_is_an_error_naming_its_sku(
    cells: str, code: MessageProblem, description: str
) -> None:
    # Given a row with one bad value among good rows
    data = text(HEADER, "FÖRE\t\t1", cells, "EFTER\t\t2")

    # When it is parsed
    records = parse(data)

    # Then that row is a specific error, and the rows around it are updates
    sku = cells.split("\t")[0]
    named = sku if 0 < len(sku) <= 40 else None  # a longer one is only quoted
    assert records == [
        update(2, "FÖRE", 1),
        RecordError(3, code, description, sku=named),
        update(4, "EFTER", 2),
    ]


def test_a_marketplace_fulfilled_listing_is_refused() -> None:
    data = text(AMAZON_HEADER, "MUGG\t\t\t\t5\t\tAMAZON_EU")

    assert parse(data) == [
        RecordError(
            2,
            MessageProblem.UNSUPPORTED_FULFILLMENT_CHANNEL,
            "fulfillment-channel is 'AMAZON_EU'; Seller Desk keeps the stock of listings the "
            "seller fulfils: leave it empty or write DEFAULT.",
            sku="MUGG",
        )
    ]


# --- the whole file ----------------------------------------------------------------------------


NOT_THE_KEYS = "missing column(s) sku, price or quantity"


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        ("sku\tprice\tquantity\tcurrency", "unknown column(s) 'currency'"),
        ("sku\thandling-time", "missing column(s) price or quantity"),
        ("price\tquantity", "missing column(s) sku"),
        ("sku\tquantity\tquantity\tsku", "column 'quantity' twice; column 'sku' twice"),
        ("SKU\tPrice\tQuantity", f"unknown column(s) 'SKU', 'Price', 'Quantity'; {NOT_THE_KEYS}"),
        (
            "order-id\tcancellation-reason-code\tamazon-order-item-code",
            "unknown column(s) 'order-id', 'cancellation-reason-code', 'amazon-order-item-code'; "
            + NOT_THE_KEYS,
        ),
    ],
)
def test_a_bad_header_is_rejected_naming_every_problem(header: str, problems: str) -> None:
    rejected = rejection(text(header, "MUGG\t1\t1"))

    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        f"The header on line 1 has {problems}. {COLUMNS_HINT}",
    )


def test_an_xlsx_workbook_is_read_with_numbers_as_excel_stores_them() -> None:
    # Given a workbook with the quantities and prices as numbers and a numeric SKU
    data = workbook(
        ["sku", "price", "quantity"],
        ["MUGG", 199.5, 12],
        [4711, 89, 0.0],
        ["SKÅL", 19.999, None],
        sheet="Sheet1",
    )

    # When it is parsed
    records = parse(data)

    # Then the cells are read as their text, and a price with three decimals is refused
    assert records == [
        update(2, "MUGG", 12, "199.5"),
        update(3, "4711", 0, "89"),
        RecordError(
            4,
            MessageProblem.INVALID_PRICE,
            "price '19.999' has more than two decimals.",
            sku="SKÅL",
        ),
    ]


# --- any input ---------------------------------------------------------------------------------

CELLS = ["", " ", "MUGG", "SKÅL", "sku", "price", "quantity", "handling-time", "DEFAULT", "0"]
CELLS += ["1", "-1", "2.5", "12.50", "12.345", "TemplateType=PriceInventory", "AMAZON_EU"]
LINES = st.lists(st.sampled_from(CELLS), max_size=6).map("\t".join)


@given(st.lists(LINES, max_size=10), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_updates_or_a_rejection_before_the_first(
    lines: list[str], encoding: str
) -> None:
    yielded: list[InventoryUpdate | RecordError] = []
    try:
        yielded.extend(read_inventory_updates(io.BytesIO(text(*lines, encoding=encoding))))
    except FeedRejected:
        assert yielded == []

    for record in yielded:
        assert 1 <= record.message_id <= len(lines)
        if isinstance(record, InventoryUpdate):
            change = record.update
            assert change.sku and (change.quantity is not None or change.price is not None)
            assert change.quantity is None or change.quantity >= 0
            assert change.price is None or change.price > 0
