"""POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA: the Price and Quantity inventory file.

Read by flat.py. One row sets one SKU's quantity, price or both; an empty cell leaves that value
as it is. Each row is one message.

Besides sku, price and quantity, the columns of the marketplace's template are accepted so that
its file can be sent as it is: values under minimum-seller-allowed-price,
maximum-seller-allowed-price and handling-time are not used (a Warning says so), and
fulfillment-channel must be empty or DEFAULT (seller-fulfilled)."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from sellerdesk.catalog.services import ListingUpdate
from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers import flat
from sellerdesk.feeds.parsers.adjustment import amount_problem
from sellerdesk.feeds.parsers.fields import QUANTITY_RE, Invalid, quoted, units
from sellerdesk.feeds.parsers.records import RecordError

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

NOTES = {
    SKU: flat.ColumnNote(
        f"the listing's SKU, at most {MAX_SKU_LENGTH} characters", "MUGG-STENGODS"
    ),
    PRICE: flat.ColumnNote(
        "the price, above 0, like 199.00 (a point, no commas); empty keeps the price", "199.00"
    ),
    QUANTITY: flat.ColumnNote("units in stock, 0 or more; empty keeps the quantity", "25"),
}
PRICE_AND_QUANTITY_TEMPLATE = flat.template_file((SKU, PRICE, QUANTITY), NOTES, noun="SKU")

SPEC = flat.FlatSpec(
    template_type=TEMPLATE_TYPE,
    takes=(
        f"a price and quantity file ({TEMPLATE_TYPE}), whose header has {SKU} and {PRICE} or "
        f"{QUANTITY}"
    ),
    noun="SKU",
    columns=COLUMNS,
    required=REQUIRED_COLUMNS,
    one_of=((PRICE, QUANTITY),),
    ignored=IGNORED_COLUMNS,
    note=f"; {SKU} and one of {PRICE} and {QUANTITY} are required",
)


@dataclass(frozen=True, slots=True)
class InventoryUpdate:
    message_id: int  # physical line (or sheet row) number of the row
    update: ListingUpdate
    ignored: tuple[str, ...] = ()  # columns whose values were left aside


def read_inventory_updates(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[InventoryUpdate | RecordError]:
    """InventoryUpdates and RecordErrors in line order; FeedRejected, if raised, before any."""
    for row in flat.read_rows(source, SPEC, filename=filename):
        yield _judge_row(row)


def _judge_row(row: flat.Row) -> InventoryUpdate | RecordError:
    sku = row[SKU]
    try:
        row.check_stray()
        if not sku:
            raise Invalid(MessageProblem.INVALID_MESSAGE, f"{SKU} is empty.")
        if len(sku) > MAX_SKU_LENGTH:
            raise Invalid(
                MessageProblem.SKU_NOT_FOUND,
                f"{SKU} {quoted(sku)} is longer than {MAX_SKU_LENGTH} characters, so no listing "
                "has it.",
            )
        channel = row[FULFILLMENT_CHANNEL]
        if channel and channel != SELLER_FULFILLED:
            raise Invalid(
                MessageProblem.UNSUPPORTED_FULFILLMENT_CHANNEL,
                f"{FULFILLMENT_CHANNEL} is {quoted(channel)}; Seller Desk keeps the stock of "
                f"listings the seller fulfils: leave it empty or write {SELLER_FULFILLED}.",
            )
        quantity = _quantity(row[QUANTITY])
        price = _price(row[PRICE])
        if quantity is None and price is None:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"The row has nothing to update: {PRICE} and {QUANTITY} are both empty.",
            )
    except Invalid as invalid:
        # A SKU too long to be one is quoted in the description only.
        named = sku if 0 < len(sku) <= MAX_SKU_LENGTH else None
        return RecordError(row.line, invalid.code, invalid.description, sku=named)
    return InventoryUpdate(row.line, ListingUpdate(sku, quantity, price), row.ignored)


def _quantity(value: str) -> int | None:
    if value.startswith("-") and QUANTITY_RE.fullmatch(value[1:]):
        raise Invalid(
            MessageProblem.INVALID_STOCK_QUANTITY,
            f"{QUANTITY} {quoted(value)} is negative; write the units in stock, 0 or more.",
        )
    return units(QUANTITY, value, MessageProblem.INVALID_STOCK_QUANTITY) if value else None


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
