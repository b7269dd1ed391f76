"""POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA: the Price and Quantity inventory file, as
tab-separated text (UTF-8, UTF-8 with BOM or Windows-1252) or as an .xlsx workbook.

Built on cancellation_file's reading machinery: whole-file problems raise FeedRejected before the
first record, and the header is checked before any row is judged. One row sets one SKU's
quantity, price or both; an empty cell leaves that value as it is. Each row is one message.

Besides sku, price and quantity, the columns of the marketplace's template are accepted so that
its file can be sent as it is: values under minimum-seller-allowed-price,
maximum-seller-allowed-price and handling-time are not used (a Warning says so), and
fulfillment-channel must be empty or DEFAULT (seller-fulfilled)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import BinaryIO

from sellerdesk.catalog.services import ListingUpdate
from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.adjustment import amount_problem
from sellerdesk.feeds.parsers.cancellation_file import (
    Row,
    _cell,
    _header_row,
    _template_type_check,
)
from sellerdesk.feeds.parsers.fields import (
    MAX_QUANTITY,
    QUANTITY_RE,
    Invalid,
    quoted,
)
from sellerdesk.feeds.parsers.fulfillment_file import _rows, _stray_column
from sellerdesk.feeds.parsers.records import (
    FeedRejected,
    RecordError,
)

SKU = "sku"
PRICE = "price"
MINIMUM_PRICE = "minimum-seller-allowed-price"
MAXIMUM_PRICE = "maximum-seller-allowed-price"
QUANTITY = "quantity"
HANDLING_TIME = "handling-time"
FULFILLMENT_CHANNEL = "fulfillment-channel"
# The marketplace's template, in its order.
COLUMNS = (SKU, PRICE, MINIMUM_PRICE, MAXIMUM_PRICE, QUANTITY, HANDLING_TIME, FULFILLMENT_CHANNEL)
# Plus price or quantity, or both.
REQUIRED_COLUMNS = (SKU,)
# Columns whose values Seller Desk does not keep: a value is reported, then left aside.
IGNORED_COLUMNS = (MINIMUM_PRICE, MAXIMUM_PRICE, HANDLING_TIME)
SELLER_FULFILLED = "DEFAULT"
TEMPLATE_TYPE = "PriceInventory"
MAX_SKU_LENGTH = 40  # the listing's SKU column

PRICE_AND_QUANTITY_TEMPLATE = "\t".join((SKU, PRICE, QUANTITY)) + "\n"


@dataclass(frozen=True, slots=True)
class InventoryUpdate:
    message_id: int  # physical line (or sheet row) number of the row
    update: ListingUpdate
    ignored: tuple[str, ...] = ()  # columns whose values were left aside


def read_inventory_updates(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[InventoryUpdate | RecordError]:
    """InventoryUpdates and RecordErrors, one per row, in line order.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    yield from _records(_rows(source, filename))


# --- header ------------------------------------------------------------------------------------


_check_template_type = partial(
    _template_type_check,
    expected=TEMPLATE_TYPE,
    takes=(
        f"a price and quantity file ({TEMPLATE_TYPE}), whose header has {SKU} and {PRICE} or "
        f"{QUANTITY}"
    ),
)


def _header(line: int, cells: list[str]) -> dict[str, int]:
    """The cell index of each column the header names. Unnamed columns are tolerated; a value
    under one is an error of its row."""
    indexes: dict[str, int] = {}
    twice: list[str] = []
    for index, name in enumerate(cells):
        if name in indexes and name not in twice:
            twice.append(name)
        elif name:
            indexes.setdefault(name, index)
    problems = [f"column {quoted(name)} twice" for name in twice]
    if unknown := [quoted(name) for name in indexes if name not in COLUMNS]:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    missing = [name for name in REQUIRED_COLUMNS if name not in indexes]
    if PRICE not in indexes and QUANTITY not in indexes:
        missing.append(f"{PRICE} or {QUANTITY}")
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if problems:
        raise FeedRejected(
            FileProblem.BAD_HEADER,
            f"The header on line {line} has {'; '.join(problems)}. The columns are "
            f"{', '.join(COLUMNS)}; {SKU} and one of {PRICE} and {QUANTITY} are required.",
        )
    return indexes


# --- rows --------------------------------------------------------------------------------------


def _records(rows: Iterable[Row]) -> Iterator[InventoryUpdate | RecordError]:
    filled = (row for row in rows if any(row[1]))  # skips blank lines and rows of empty cells
    columns = _header(*_header_row(filled, check_template=_check_template_type))
    used = frozenset(columns.values())
    any_row = False
    for line, cells in filled:
        any_row = True
        values = {name: _cell(cells, columns[name]) if name in columns else "" for name in COLUMNS}
        yield _judge_row(line, values, _stray_column(cells, used))
    if not any_row:
        raise FeedRejected(FileProblem.EMPTY, "The file has a header but no SKU rows.")


def _judge_row(
    line: int, values: dict[str, str], stray: int | None
) -> InventoryUpdate | RecordError:
    sku = values[SKU]
    try:
        if stray is not None:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"The row has a value in column {stray}, which has no header.",
            )
        if not sku:
            raise Invalid(MessageProblem.INVALID_MESSAGE, f"{SKU} is empty.")
        if len(sku) > MAX_SKU_LENGTH:
            raise Invalid(
                MessageProblem.SKU_NOT_FOUND,
                f"{SKU} {quoted(sku)} is longer than {MAX_SKU_LENGTH} characters, so no listing "
                "has it.",
            )
        channel = values[FULFILLMENT_CHANNEL]
        if channel and channel != SELLER_FULFILLED:
            raise Invalid(
                MessageProblem.UNSUPPORTED_FULFILLMENT_CHANNEL,
                f"{FULFILLMENT_CHANNEL} is {quoted(channel)}; Seller Desk keeps the stock of "
                f"listings the seller fulfils: leave it empty or write {SELLER_FULFILLED}.",
            )
        quantity = _quantity(values[QUANTITY])
        price = _price(values[PRICE])
        if quantity is None and price is None:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"The row has nothing to update: {PRICE} and {QUANTITY} are both empty.",
            )
    except Invalid as invalid:
        # A SKU too long to be one is quoted in the description only.
        named = sku if 0 < len(sku) <= MAX_SKU_LENGTH else None
        return RecordError(line, invalid.code, invalid.description, sku=named)
    ignored = tuple(column for column in IGNORED_COLUMNS if values[column])
    return InventoryUpdate(line, ListingUpdate(sku, quantity, price), ignored)


def _quantity(value: str) -> int | None:
    if not value:
        return None
    if QUANTITY_RE.fullmatch(value) and int(value) <= MAX_QUANTITY:
        return int(value)
    if value.startswith("-") and QUANTITY_RE.fullmatch(value[1:]):
        why = "is negative; write the units in stock, 0 or more"
    else:
        why = f"is not a whole number from 0 to {MAX_QUANTITY}"
    raise Invalid(MessageProblem.INVALID_STOCK_QUANTITY, f"{QUANTITY} {quoted(value)} {why}.")


def _price(value: str) -> Decimal | None:
    if not value:
        return None
    if (problem := amount_problem(PRICE, value)) is not None:
        raise Invalid(MessageProblem.INVALID_PRICE, problem)
    price = Decimal(value)
    if price < 0:
        raise Invalid(MessageProblem.INVALID_PRICE, f"{PRICE} {value} is negative.")
    if price == 0:
        raise Invalid(
            MessageProblem.INVALID_PRICE,
            f"{PRICE} is {value}; a listing is sold for more than 0. To stop selling it, set "
            f"{QUANTITY} to 0.",
        )
    return price
