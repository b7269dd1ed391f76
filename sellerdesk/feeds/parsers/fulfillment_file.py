"""POST_FLAT_FILE_FULFILLMENT_DATA: the Shipping Confirmation file, read by flat.py.

Adjacent rows with the same order-id and tracking-number are one package, so they become one
ShipmentConfirmation.

A ship-date without an offset (a bare date, a date-time typed without one, an Excel date cell) is
the seller's wall clock in Europe/Stockholm; a bare date is midnight there, so it is never later
than the moment the seller wrote it and falls on the same day in Stockholm and in UTC."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers import flat
from sellerdesk.feeds.parsers.fields import Invalid, quantity, quoted
from sellerdesk.feeds.parsers.fulfillment import (
    FLAT_DATE_TIME,
    FLAT_FILE_ZONE,
    OTHER_CARRIER_CODES,
    ShipmentConfirmation,
    ShippedItem,
    carrier_problem,
    chosen_carrier,
    parse_timestamp,
    text_problem,
    year_problem,
)
from sellerdesk.feeds.parsers.records import RecordError

ORDER_ID = "order-id"
ITEM_CODE = "order-item-id"
QUANTITY = "quantity"
SHIP_DATE = "ship-date"
CARRIER_CODE = "carrier-code"
CARRIER_NAME = "carrier-name"
TRACKING_NUMBER = "tracking-number"
SHIP_METHOD = "ship-method"
COLUMNS = (
    *(ORDER_ID, ITEM_CODE, QUANTITY, SHIP_DATE),
    *(CARRIER_CODE, CARRIER_NAME, TRACKING_NUMBER, SHIP_METHOD),
)
# Plus carrier-code or carrier-name; the other columns may be left out of the header.
REQUIRED_COLUMNS = (ORDER_ID, SHIP_DATE, TRACKING_NUMBER)
# Amazon's template has no TemplateType row; one naming this type is tolerated, any other is
# another template (an Order Cancellation file sent to the wrong feed).
TEMPLATE_TYPE = "ShippingConfirmation"

_OTHER = min(OTHER_CARRIER_CODES, key=len).capitalize()  # Other
NOTES = {
    ORDER_ID: flat.ORDER_ID_NOTE,
    ITEM_CODE: flat.item_code_note("ships every unshipped unit of the order"),
    QUANTITY: flat.ColumnNote(
        "units of the item, 1 or more; empty ships all its unshipped units", "1"
    ),
    SHIP_DATE: flat.ColumnNote(
        "a date like 2024-05-03 (Stockholm time) or a date and time like 2024-05-03T14:30:00+02:00",
        "2024-05-03",
    ),
    CARRIER_CODE: flat.ColumnNote(
        f"the carrier, like PostNord; {_OTHER} with {CARRIER_NAME}, or empty", "PostNord"
    ),
    CARRIER_NAME: flat.ColumnNote(
        f"the carrier's name, when {CARRIER_CODE} is {_OTHER} or empty", ""
    ),
    TRACKING_NUMBER: flat.ColumnNote("the package's tracking number", "UA123456789SE"),
    SHIP_METHOD: flat.ColumnNote("the shipping service, optional", "Varubrev"),
}
SHIPMENT_CONFIRMATION_TEMPLATE = flat.template_file(COLUMNS, NOTES, noun="package or item shipped")

SPEC = flat.FlatSpec(
    template_type=TEMPLATE_TYPE,
    takes=f"a shipping confirmation file, whose first row is the header {', '.join(COLUMNS)}",
    noun="shipment",
    columns=COLUMNS,
    order_column=ORDER_ID,
    item_column=ITEM_CODE,
    message_key=(ORDER_ID, TRACKING_NUMBER),
    required=REQUIRED_COLUMNS,
    one_of=((CARRIER_CODE, CARRIER_NAME),),
    note=(
        f"; {ITEM_CODE}, {QUANTITY}, {SHIP_METHOD} and one of {CARRIER_CODE} and {CARRIER_NAME} "
        "may be left out"
    ),
)

# Amazon's file clears an uploaded tracking number with this; Seller Desk needs one.
_CLEARING_TRACKING_NUMBER = "null"  # compared case-insensitively


def read_shipment_confirmations(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[ShipmentConfirmation | RecordError]:
    """ShipmentConfirmations and RecordErrors in line order; FeedRejected, if raised, before any."""
    return flat.read_order_messages(source, SPEC, _shipment_row, _Package, filename=filename)


def _shipment_row(row: flat.Row, order_id: str, item_code: str | None) -> ShipmentConfirmation:
    """The row as a shipment of its own: of one item, or of the whole order (no items)."""
    if row[ITEM_CODE] and item_code is None:
        raise flat.invalid_item_code(ITEM_CODE, row[ITEM_CODE])
    units = quantity(QUANTITY, row[QUANTITY] or None)
    if units is not None and item_code is None:
        raise Invalid(
            MessageProblem.INVALID_QUANTITY,
            f"{QUANTITY} {row[QUANTITY]} is given without an {ITEM_CODE}; a quantity counts "
            f"units of one item. Leave {QUANTITY} empty to ship the whole order.",
        )
    fulfillment_date = _ship_date(row[SHIP_DATE])
    code, name = row[CARRIER_CODE], row[CARRIER_NAME]
    problem = (
        carrier_problem(CARRIER_CODE, code, CARRIER_NAME, name)
        or text_problem(SHIP_METHOD, row[SHIP_METHOD])
        or _tracking_problem(row[TRACKING_NUMBER])
    )
    if problem is not None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    carrier, method, tracking = chosen_carrier(code, name), row[SHIP_METHOD], row[TRACKING_NUMBER]
    items = () if item_code is None else (ShippedItem(item_code, units),)
    return ShipmentConfirmation(
        row.line, order_id, fulfillment_date, carrier, method, tracking, items
    )


def _ship_date(value: str) -> datetime.datetime:
    if not value:
        raise Invalid(MessageProblem.INVALID_MESSAGE, f"{SHIP_DATE} is empty.")
    moment = parse_timestamp(value, FLAT_DATE_TIME, FLAT_FILE_ZONE)
    if moment is None:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{SHIP_DATE} {quoted(value)} is not a date like 2024-05-03 or a date and time "
            "like 2024-05-03T14:30:00+02:00.",
        )
    if (problem := year_problem(SHIP_DATE, value, moment)) is not None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    return moment


def _tracking_problem(value: str) -> str | None:
    if not value:
        return f"{TRACKING_NUMBER} is empty."
    if value.casefold() == _CLEARING_TRACKING_NUMBER:
        return (
            f"{TRACKING_NUMBER} is {value}, which clears a tracking number on Amazon; "
            "Seller Desk confirms a shipment only with its tracking number."
        )
    # Excel's General format always writes the exponent's sign: 3.70071E+17.
    if flat.EXCEL_NUMBER.fullmatch(value) and "+" in value:
        return (
            f"{TRACKING_NUMBER} {quoted(value)} is a number as Excel shortens it, not a tracking "
            "number; format the column as Text and enter the tracking numbers again."
        )
    return text_problem(TRACKING_NUMBER, value)


@dataclass(slots=True)
class _Package:
    """The rows of one package that become one ShipmentConfirmation."""

    first: ShipmentConfirmation
    named: flat.Named = field(default_factory=flat.Named)
    items: list[ShippedItem] = field(default_factory=list)

    def merge(self, row: ShipmentConfirmation) -> RecordError | None:
        first, item_code = self.first, row.items[0].order_item_id if row.items else None
        tracking = f"{TRACKING_NUMBER} {quoted(row.tracking_number)}"
        if (difference := _difference(first, row)) is not None:
            why = (
                f"already ships on line {first.message_id} with {tracking} and another "
                f"{difference}; one package has one {difference}, so this row is ignored."
            )
            return flat.ignored(row.message_id, row.amazon_order_id, item_code, why)
        if (earlier := self.named.earlier(item_code, row.message_id)) is not None:
            why = f"already ships {earlier} with {tracking}; this row repeats it and is ignored."
            return flat.ignored(row.message_id, row.amazon_order_id, item_code, why)
        self.items.extend(row.items)
        return None

    def record(self) -> ShipmentConfirmation:
        # A whole-order row wins over item rows of the same package: it ships every unit.
        items = () if self.named.whole_order is not None else tuple(self.items)
        return replace(self.first, items=items)


def _difference(first: ShipmentConfirmation, row: ShipmentConfirmation) -> str | None:
    """Which of the package's values a row gives otherwise than the package's first row."""
    if row.fulfillment_date != first.fulfillment_date:
        return SHIP_DATE
    if row.carrier != first.carrier:
        return "carrier"
    if row.shipping_method != first.shipping_method:
        return SHIP_METHOD
    return None
