"""POST_FLAT_FILE_FULFILLMENT_DATA: the Shipping Confirmation file, as tab-separated text
(UTF-8, UTF-8 with BOM or Windows-1252) or as an .xlsx workbook.

Built on cancellation_file's reading machinery: whole-file problems raise FeedRejected before the
first record, and the header is checked before any row is judged. Adjacent rows with the same
order-id and tracking-number are one package, so they become one ShipmentConfirmation.

A ship-date without an offset (a bare date, a date-time typed without one, an Excel date cell) is
the seller's wall clock in Europe/Stockholm; a bare date is midnight there, so it is never later
than the moment the seller wrote it and falls on the same day in Stockholm and in UTC."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.cancellation_file import (
    _EXCEL_NUMBER,
    _OLE_MAGIC,
    _ZIP_MAGIC,
    Row,
    _cell,
    _check_workbook,
    _detect_encoding,
    _header_row,
    _name,
    _template_type_check,
    _text_rows,
    _workbook_rows,
)
from sellerdesk.feeds.parsers.fields import (
    MAX_QUANTITY,
    QUANTITY_RE,
    is_order_id,
    is_order_item_id,
    item_code_problem,
    order_id_problem,
    quoted,
)
from sellerdesk.feeds.parsers.fulfillment import (
    FLAT_DATE_TIME,
    FLAT_FILE_ZONE,
    ShipmentConfirmation,
    ShippedItem,
    carrier_problem,
    chosen_carrier,
    parse_timestamp,
    text_problem,
    year_problem,
)
from sellerdesk.feeds.parsers.records import (
    MAX_ITEMS_PER_MESSAGE,
    FeedRejected,
    RecordError,
)

ORDER_ID = "order-id"
ITEM_CODE = "order-item-id"
QUANTITY = "quantity"
SHIP_DATE = "ship-date"
CARRIER_CODE = "carrier-code"
CARRIER_NAME = "carrier-name"
TRACKING_NUMBER = "tracking-number"
SHIP_METHOD = "ship-method"
COLUMNS = (
    ORDER_ID,
    ITEM_CODE,
    QUANTITY,
    SHIP_DATE,
    CARRIER_CODE,
    CARRIER_NAME,
    TRACKING_NUMBER,
    SHIP_METHOD,
)
# Plus carrier-code or carrier-name; the other columns may be left out of the header.
REQUIRED_COLUMNS = (ORDER_ID, SHIP_DATE, TRACKING_NUMBER)
# Amazon's template has no TemplateType row; one naming this type is tolerated, any other is
# another template (an Order Cancellation file sent to the wrong feed).
TEMPLATE_TYPE = "ShippingConfirmation"

SHIPMENT_CONFIRMATION_TEMPLATE = "\t".join(COLUMNS) + "\n"

# Amazon's file clears an uploaded tracking number with this; Seller Desk needs one.
_CLEARING_TRACKING_NUMBER = "null"  # compared case-insensitively


def read_shipment_confirmations(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[ShipmentConfirmation | RecordError]:
    """ShipmentConfirmations and RecordErrors, in the order of their first line.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    yield from _records(_rows(source, filename))


def _rows(source: BinaryIO, filename: str) -> Iterator[Row]:
    """cancellation_file's choice of reader by magic bytes, with its first pass done."""
    magic = source.read(len(_OLE_MAGIC))
    source.seek(0)
    if magic.startswith(_ZIP_MAGIC):
        _check_workbook(source, filename)
        source.seek(0)
        return _workbook_rows(source)
    if magic.startswith(_OLE_MAGIC):
        raise FeedRejected(
            FileProblem.UNREADABLE_TEXT,
            f"{_name(filename)}is an Excel 97-2003 workbook (.xls); save it as .xlsx or as "
            "tab-delimited text.",
        )
    encoding = _detect_encoding(source)
    source.seek(0)
    return _text_rows(source, encoding)


# --- header ------------------------------------------------------------------------------------


def _read_header(rows: Iterator[Row]) -> dict[str, int]:
    return _columns(*_header_row(rows, check_template=_check_template_type))


_check_template_type = partial(
    _template_type_check,
    expected=TEMPLATE_TYPE,
    takes=f"a shipping confirmation file, whose first row is the header {', '.join(COLUMNS)}",
)


def _columns(line: int, cells: list[str]) -> dict[str, int]:
    """The cell index of each column the header has."""
    indexes: dict[str, int] = {}
    problems: list[str] = []
    for index, name in enumerate(cells):
        if name in indexes:
            problems.append(f"column {quoted(name)} twice")
        elif name:  # an unnamed column is tolerated; a value under it is not
            indexes[name] = index
    unknown = [quoted(name) for name in indexes if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in indexes]
    if CARRIER_CODE not in indexes and CARRIER_NAME not in indexes:
        missing.append(f"{CARRIER_CODE} or {CARRIER_NAME}")
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if problems:
        raise FeedRejected(
            FileProblem.BAD_HEADER,
            f"The header on line {line} has {'; '.join(problems)}. "
            f"The columns are {', '.join(COLUMNS)}; {ITEM_CODE}, {QUANTITY}, {SHIP_METHOD} and "
            f"one of {CARRIER_CODE} and {CARRIER_NAME} may be left out.",
        )
    return indexes


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ShipmentRow:
    line: int
    order_id: str
    item_code: str | None  # None: the whole order
    quantity: int | None
    fulfillment_date: datetime.datetime
    carrier: str
    shipping_method: str
    tracking_number: str


@dataclass(frozen=True, slots=True)
class _Cells:
    """A row's cells by column; "" for a column the header leaves out."""

    order_id: str
    item_code: str
    quantity: str
    ship_date: str
    carrier_code: str
    carrier_name: str
    tracking_number: str
    ship_method: str

    @classmethod
    def of(cls, cells: list[str], columns: dict[str, int]) -> "_Cells":
        def cell(name: str) -> str:
            index = columns.get(name)
            return "" if index is None else _cell(cells, index)

        return cls(
            order_id=cell(ORDER_ID),
            item_code=cell(ITEM_CODE),
            quantity=cell(QUANTITY),
            ship_date=cell(SHIP_DATE),
            carrier_code=cell(CARRIER_CODE),
            carrier_name=cell(CARRIER_NAME),
            tracking_number=cell(TRACKING_NUMBER),
            ship_method=cell(SHIP_METHOD),
        )


def _records(rows: Iterable[Row]) -> Iterator[ShipmentConfirmation | RecordError]:
    filled = (row for row in rows if any(row[1]))  # skips blank lines and rows of empty cells
    columns = _read_header(filled)
    used = frozenset(columns.values())
    runs = _Runs()
    any_row = False
    for line, cells in filled:
        any_row = True
        row = _Cells.of(cells, columns)
        judged = _judge_row(line, row, _stray_column(cells, used))
        yield from runs.add((row.order_id, row.tracking_number), judged)
    if not any_row:
        raise FeedRejected(FileProblem.EMPTY, "The file has a header but no shipment rows.")
    yield from runs.flush()


def _stray_column(cells: list[str], used: frozenset[int]) -> int | None:
    """The 1-based number of the first column with a value but no header, if any."""
    return next((index + 1 for index, cell in enumerate(cells) if cell and index not in used), None)


def _judge_row(line: int, row: _Cells, stray: int | None) -> _ShipmentRow | RecordError:
    valid_order_id = row.order_id if is_order_id(row.order_id) else None
    valid_item_code = row.item_code if is_order_item_id(row.item_code) else None

    def error(code: MessageProblem, description: str) -> RecordError:
        return RecordError(line, code, description, valid_order_id, valid_item_code)

    if stray is not None:
        return error(
            MessageProblem.INVALID_MESSAGE,
            f"The row has a value in column {stray}, which has no header.",
        )
    if valid_order_id is None:
        return error(MessageProblem.INVALID_ORDER_ID, order_id_problem(ORDER_ID, row.order_id))
    if row.item_code and valid_item_code is None:
        return error(
            MessageProblem.INVALID_ITEM_CODE,
            _excel_hint(item_code_problem(ITEM_CODE, row.item_code), row.item_code),
        )
    if (problem := _quantity_problem(row.quantity, row.item_code)) is not None:
        return error(MessageProblem.INVALID_QUANTITY, problem)
    fulfillment_date = _ship_date(row.ship_date)
    if isinstance(fulfillment_date, str):
        return error(MessageProblem.INVALID_MESSAGE, fulfillment_date)
    problem = (
        carrier_problem(CARRIER_CODE, row.carrier_code, CARRIER_NAME, row.carrier_name)
        or text_problem(SHIP_METHOD, row.ship_method)
        or _tracking_problem(row.tracking_number)
    )
    if problem is not None:
        return error(MessageProblem.INVALID_MESSAGE, problem)
    return _ShipmentRow(
        line,
        valid_order_id,
        valid_item_code,
        int(row.quantity) if row.quantity else None,
        fulfillment_date,
        chosen_carrier(row.carrier_code, row.carrier_name),
        row.ship_method,
        row.tracking_number,
    )


def _excel_hint(problem: str, value: str) -> str:
    if _EXCEL_NUMBER.fullmatch(value):
        problem += " Excel shows long numbers like this; format the column as Text."
    return problem


def _quantity_problem(value: str, item_code: str) -> str | None:
    if not value:
        return None
    if not QUANTITY_RE.fullmatch(value) or not 1 <= int(value) <= MAX_QUANTITY:
        return f"{QUANTITY} {quoted(value)} is not a whole number from 1 to {MAX_QUANTITY}."
    if not item_code:
        return (
            f"{QUANTITY} {value} is given without an {ITEM_CODE}; a quantity counts units of one "
            f"item. Leave {QUANTITY} empty to ship the whole order."
        )
    return None


def _ship_date(value: str) -> datetime.datetime | str:
    """The ship-date as an aware date-time, or what is wrong with it."""
    if not value:
        return f"{SHIP_DATE} is empty."
    moment = parse_timestamp(value, FLAT_DATE_TIME, FLAT_FILE_ZONE)
    if moment is None:
        return (
            f"{SHIP_DATE} {quoted(value)} is not a date like 2024-05-03 or a date and time "
            "like 2024-05-03T14:30:00+02:00."
        )
    return year_problem(SHIP_DATE, value, moment) or moment


def _tracking_problem(value: str) -> str | None:
    if not value:
        return f"{TRACKING_NUMBER} is empty."
    if value.casefold() == _CLEARING_TRACKING_NUMBER:
        return (
            f"{TRACKING_NUMBER} is {value}, which clears a tracking number on Amazon; "
            "Seller Desk confirms a shipment only with its tracking number."
        )
    # Excel's General format always writes the exponent's sign: 3.70071E+17.
    if _EXCEL_NUMBER.fullmatch(value) and "+" in value:
        return (
            f"{TRACKING_NUMBER} {quoted(value)} is a number as Excel shortens it, not a tracking "
            "number; format the column as Text and enter the tracking numbers again."
        )
    return text_problem(TRACKING_NUMBER, value)


# --- grouping ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Shipment:
    """The rows of one package that become one ShipmentConfirmation."""

    first: _ShipmentRow
    whole_order_line: int | None = None
    items: dict[str, ShippedItem] = field(default_factory=dict)
    item_lines: dict[str, int] = field(default_factory=dict)

    def merge(self, row: _ShipmentRow) -> RecordError | None:
        first = self.first
        if (difference := _difference(first, row)) is not None:
            return _ignored(
                row,
                f"already ships on line {first.line} with {TRACKING_NUMBER} "
                f"{quoted(row.tracking_number)} and another {difference}; one package has one "
                f"{difference}, so this row is ignored.",
            )
        if row.item_code is None:
            if self.whole_order_line is not None:
                return _repeated(row, f"the whole order on line {self.whole_order_line}")
            self.whole_order_line = row.line
        elif row.item_code in self.item_lines:
            return _repeated(row, f"item {row.item_code} on line {self.item_lines[row.item_code]}")
        else:
            self.items[row.item_code] = ShippedItem(row.item_code, row.quantity)
            self.item_lines[row.item_code] = row.line
        return None

    def confirmation(self) -> ShipmentConfirmation:
        # A whole-order row wins over item rows of the same package: it ships every unit.
        items = () if self.whole_order_line is not None else tuple(self.items.values())
        first = self.first
        return ShipmentConfirmation(
            first.line,
            first.order_id,
            first.fulfillment_date,
            first.carrier,
            first.shipping_method,
            first.tracking_number,
            items,
        )


def _difference(first: _ShipmentRow, row: _ShipmentRow) -> str | None:
    """Which of the package's values a row gives otherwise than the package's first row."""
    if row.fulfillment_date != first.fulfillment_date:
        return SHIP_DATE
    if row.carrier != first.carrier:
        return "carrier"
    if row.shipping_method != first.shipping_method:
        return SHIP_METHOD
    return None


def _repeated(row: _ShipmentRow, earlier: str) -> RecordError:
    return _ignored(
        row,
        f"already ships {earlier} with {TRACKING_NUMBER} {quoted(row.tracking_number)}; "
        "this row repeats it and is ignored.",
    )


def _ignored(row: _ShipmentRow, why: str) -> RecordError:
    return RecordError(
        row.line,
        MessageProblem.INVALID_MESSAGE,
        f"Order {row.order_id} {why}",
        row.order_id,
        row.item_code,
    )


@dataclass(slots=True)
class _Run:
    """Adjacent rows with the same order-id and tracking-number cells: at most one shipment,
    and the rows' errors."""

    key: tuple[str, str]
    rows: int = 0
    entries: list[_Shipment | RecordError] = field(default_factory=list)
    shipment: _Shipment | None = None

    def add(self, row: _ShipmentRow | RecordError) -> None:
        self.rows += 1
        if isinstance(row, RecordError):
            self.entries.append(row)
            return
        if self.shipment is None:
            self.shipment = _Shipment(row)
            self.entries.append(self.shipment)
        if (error := self.shipment.merge(row)) is not None:
            self.entries.append(error)

    def results(self) -> Iterator[ShipmentConfirmation | RecordError]:
        for entry in self.entries:
            yield entry.confirmation() if isinstance(entry, _Shipment) else entry


class _Runs:
    def __init__(self) -> None:
        self._run: _Run | None = None

    def add(
        self, key: tuple[str, str], row: _ShipmentRow | RecordError
    ) -> Iterator[ShipmentConfirmation | RecordError]:
        run = self._run
        # A very long run is split into several messages so memory stays bounded.
        if run is not None and (key != run.key or run.rows >= MAX_ITEMS_PER_MESSAGE):
            yield from self.flush()
            run = None
        if run is None:
            run = self._run = _Run(key)
        run.add(row)

    def flush(self) -> Iterator[ShipmentConfirmation | RecordError]:
        if self._run is not None:
            yield from self._run.results()
            self._run = None
