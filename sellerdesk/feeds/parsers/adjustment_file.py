"""POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA: the BatchRefunds (Order Adjustment) file, as
tab-separated text (UTF-8, UTF-8 with BOM or Windows-1252) or as an .xlsx workbook.

Built on cancellation_file's reading machinery: whole-file problems raise FeedRejected before the
first record, and the header is checked before any row is judged. One row adjusts one order item;
adjacent rows of one order become one Adjustment, so one order gets one message.

Amounts are refunds to the buyer, written as positive amounts; an empty amount is 0. Seller Desk
adds two optional columns to Amazon's: merchant-adjustment-item-id, the seller's key that makes a
re-submitted row refund once, and restocking-fee, the fee charged to the buyer (positive too)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import BinaryIO

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.adjustment import (
    MAX_MERCHANT_ADJUSTMENT_ID_LENGTH,
    ZERO,
    AdjustedItem,
    Adjustment,
    adjustment_reason_problem,
    amount_problem,
    currency_problem,
)
from sellerdesk.feeds.parsers.cancellation_file import (
    _TEMPLATE_PREFIX,
    Row,
    _cell,
    _header_row,
    _template_type_check,
)
from sellerdesk.feeds.parsers.fields import (
    MAX_QUANTITY,
    QUANTITY_RE,
    Invalid,
    is_order_id,
    is_order_item_id,
    item_code_problem,
    order_id_problem,
    quoted,
)
from sellerdesk.feeds.parsers.fulfillment_file import _excel_hint, _rows, _stray_column
from sellerdesk.feeds.parsers.records import (
    MAX_ITEMS_PER_MESSAGE,
    FeedRejected,
    RecordError,
)

ORDER_ID = "order-id"
ITEM_CODE = "order-item-id"
REASON = "adjustment-reason-code"
CURRENCY = "currency"
ITEM_PRICE = "item-price-adj"
ITEM_TAX = "item-tax-adj"
SHIPPING_PRICE = "shipping-price-adj"
SHIPPING_TAX = "shipping-tax-adj"
GIFT_WRAP_PRICE = "gift-wrap-price-adj"
GIFT_WRAP_TAX = "gift-wrap-tax-adj"
ITEM_PROMOTION = "item-promotion-adj"
ITEM_PROMOTION_ID = "item-promotion-id"
SHIP_PROMOTION = "ship-promotion-adj"
SHIP_PROMOTION_ID = "ship-promotion-id"
QUANTITY_CANCELLED = "quantity-cancelled"
ADJUSTMENT_ID = "merchant-adjustment-item-id"
RESTOCKING_FEE = "restocking-fee"
# Amazon's columns, in the order of its template, then Seller Desk's.
COLUMNS = (
    ORDER_ID,
    ITEM_CODE,
    REASON,
    CURRENCY,
    ITEM_PRICE,
    ITEM_TAX,
    SHIPPING_PRICE,
    SHIPPING_TAX,
    GIFT_WRAP_PRICE,
    GIFT_WRAP_TAX,
    ITEM_PROMOTION,
    ITEM_PROMOTION_ID,
    SHIP_PROMOTION,
    SHIP_PROMOTION_ID,
    QUANTITY_CANCELLED,
    ADJUSTMENT_ID,
    RESTOCKING_FEE,
)
REQUIRED_COLUMNS = (ORDER_ID, ITEM_CODE, REASON)
TEMPLATE_TYPE = "BatchRefunds"

PAYMENT_ADJUSTMENT_TEMPLATE = (
    f"{_TEMPLATE_PREFIX}{TEMPLATE_TYPE}\tVersion=1.0\t"
    "This row for Amazon.com use only.  Do not modify or delete.\n" + "\t".join(COLUMNS) + "\n"
)

# The amounts Seller Desk refunds: principal, tax, shipping and shipping tax.
_REFUND_COLUMNS = (ITEM_PRICE, ITEM_TAX, SHIPPING_PRICE, SHIPPING_TAX)
# Amounts of things Seller Desk never charged for: only empty or 0 is accepted. The promotion
# id columns go with them and are not read.
_UNSUPPORTED_COLUMNS = {
    GIFT_WRAP_PRICE: "sells no gift wrap, so there is none to refund",
    GIFT_WRAP_TAX: "sells no gift wrap, so there is none to refund",
    ITEM_PROMOTION: "refunds no promotions",
    SHIP_PROMOTION: "refunds no promotions",
}
# Every amount column, in the order a row is checked.
_AMOUNT_COLUMNS = (*_REFUND_COLUMNS, *_UNSUPPORTED_COLUMNS, RESTOCKING_FEE)
_CENTS = Decimal("0.01")


def read_payment_adjustments(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[Adjustment | RecordError]:
    """Adjustments and RecordErrors, in the order of their first line.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    yield from _records(_rows(source, filename))


# --- header ------------------------------------------------------------------------------------


_check_template_type = partial(
    _template_type_check,
    expected=TEMPLATE_TYPE,
    takes=f"a {TEMPLATE_TYPE} file",
)


def _columns(line: int, cells: list[str]) -> dict[str, int]:
    """The cell index of each column the header names; unnamed columns are tolerated."""
    indexes: dict[str, int] = {}
    twice: list[str] = []
    for index, name in enumerate(cells):
        if name and indexes.setdefault(name, index) != index:
            twice.append(f"column {quoted(name)} twice")
    unknown = ", ".join(quoted(name) for name in indexes if name not in COLUMNS)
    missing = ", ".join(name for name in REQUIRED_COLUMNS if name not in indexes)
    problems = [
        *twice,
        *([f"unknown column(s) {unknown}"] if unknown else []),
        *([f"missing column(s) {missing}"] if missing else []),
    ]
    if problems:
        raise FeedRejected(
            FileProblem.BAD_HEADER,
            f"The header on line {line} has {'; '.join(problems)}. "
            f"The columns are {', '.join(COLUMNS)}; only {', '.join(REQUIRED_COLUMNS)} are "
            "required.",
        )
    return indexes


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _AdjustmentRow:
    line: int
    order_id: str
    item: AdjustedItem


def _records(rows: Iterable[Row]) -> Iterator[Adjustment | RecordError]:
    filled = (row for row in rows if any(row[1]))  # skips blank lines and rows of empty cells
    columns = _columns(*_header_row(filled, check_template=_check_template_type))
    used = frozenset(columns.values())
    groups = _Groups()
    any_row = False
    for line, cells in filled:
        any_row = True
        values = {name: _cell(cells, columns[name]) if name in columns else "" for name in COLUMNS}
        judged = _judge_row(line, values, _stray_column(cells, used))
        yield from groups.add(values[ORDER_ID], judged)
    if not any_row:
        raise FeedRejected(FileProblem.EMPTY, "The file has a header but no adjustment rows.")
    yield from groups.flush()


def _judge_row(
    line: int, values: dict[str, str], stray: int | None
) -> _AdjustmentRow | RecordError:
    order_id = values[ORDER_ID]
    item_code = values[ITEM_CODE]
    valid_order_id = order_id if is_order_id(order_id) else None
    valid_item_code = item_code if is_order_item_id(item_code) else None
    try:
        if stray is not None:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"The row has a value in column {stray}, which has no header.",
            )
        if valid_order_id is None:
            raise Invalid(MessageProblem.INVALID_ORDER_ID, order_id_problem(ORDER_ID, order_id))
        if valid_item_code is None:
            raise Invalid(
                MessageProblem.INVALID_ITEM_CODE,
                _excel_hint(item_code_problem(ITEM_CODE, item_code), item_code),
            )
        item = _adjusted_item(valid_item_code, values)
    except Invalid as invalid:
        return RecordError(line, invalid.code, invalid.description, valid_order_id, valid_item_code)
    return _AdjustmentRow(line, valid_order_id, item)


def _adjusted_item(item_code: str, values: dict[str, str]) -> AdjustedItem:
    reason = values[REASON]
    if (problem := adjustment_reason_problem(REASON, reason)) is not None:
        raise Invalid(MessageProblem.INVALID_ADJUSTMENT_REASON, problem)
    currency = values[CURRENCY]
    if currency and (problem := currency_problem(CURRENCY, currency)) is not None:
        raise Invalid(MessageProblem.WRONG_CURRENCY, problem)
    amounts = {column: _amount(column, values[column]) for column in _AMOUNT_COLUMNS}
    if not currency and any(amounts.values()):
        raise Invalid(
            MessageProblem.WRONG_CURRENCY,
            f"{CURRENCY} is empty; it names the currency of the amounts, like SEK.",
        )
    quantity = _quantity_cancelled(values[QUANTITY_CANCELLED])
    adjustment_id = values[ADJUSTMENT_ID]
    if len(adjustment_id) > MAX_MERCHANT_ADJUSTMENT_ID_LENGTH:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{ADJUSTMENT_ID} {quoted(adjustment_id)} is longer than "
            f"{MAX_MERCHANT_ADJUSTMENT_ID_LENGTH} characters.",
        )
    if not quantity and not any(amounts.values()):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "The row has nothing to adjust: every amount is empty or 0, and so is "
            f"{QUANTITY_CANCELLED}.",
        )
    return AdjustedItem(
        order_item_id=item_code,
        reason=reason,
        merchant_adjustment_item_id=adjustment_id or None,
        quantity_cancelled=quantity,
        currency=currency,
        principal=amounts[ITEM_PRICE],
        shipping=amounts[SHIPPING_PRICE],
        tax=amounts[ITEM_TAX],
        shipping_tax=amounts[SHIPPING_TAX],
        restocking_fee=amounts[RESTOCKING_FEE],
    )


def _amount(column: str, value: str) -> Decimal:
    if not value:
        return ZERO
    if (problem := amount_problem(column, value)) is not None:
        raise Invalid(MessageProblem.INVALID_AMOUNT, problem)
    amount = Decimal(value).quantize(_CENTS)
    if amount and column in _UNSUPPORTED_COLUMNS:
        raise Invalid(
            MessageProblem.UNSUPPORTED_COMPONENT,
            f"{column} is {value}, but Seller Desk {_UNSUPPORTED_COLUMNS[column]}; "
            "leave it empty or 0.",
        )
    if amount < 0 and column == RESTOCKING_FEE:
        raise Invalid(
            MessageProblem.INVALID_AMOUNT,
            f"{column} {value} is negative; the fee charged to the buyer is written as a "
            f"positive amount, like {value[1:]}.",
        )
    if amount < 0:
        raise Invalid(
            MessageProblem.INVALID_AMOUNT,
            f"{column} {value} is negative; the amounts are refunds to the buyer, written as "
            "positive amounts.",
        )
    return amount.copy_abs()  # no -0.00


def _quantity_cancelled(value: str) -> int:
    if not value:
        return 0
    if not QUANTITY_RE.fullmatch(value) or int(value) > MAX_QUANTITY:
        raise Invalid(
            MessageProblem.INVALID_QUANTITY,
            f"{QUANTITY_CANCELLED} {quoted(value)} is not a whole number from 0 to {MAX_QUANTITY}.",
        )
    return int(value)


# --- grouping ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """The rows of one order that become one Adjustment."""

    line: int
    order_id: str
    currency: str = ""  # of the first row that names one
    currency_line: int = 0
    items: dict[str, AdjustedItem] = field(default_factory=dict)
    item_lines: dict[str, int] = field(default_factory=dict)

    def merge(self, row: _AdjustmentRow) -> RecordError | None:
        item = row.item
        code = item.order_item_id
        if code in self.item_lines:
            return _ignored(
                row,
                MessageProblem.INVALID_MESSAGE,
                f"already adjusts item {code} on line {self.item_lines[code]}; this row repeats "
                "it and is ignored.",
            )
        if item.currency and self.currency and item.currency != self.currency:
            return _ignored(
                row,
                MessageProblem.WRONG_CURRENCY,
                f"has amounts in {self.currency} on line {self.currency_line}; one adjustment "
                f"is in one currency, so this row in {item.currency} is ignored.",
            )
        if item.currency and not self.currency:
            self.currency, self.currency_line = item.currency, row.line
        self.items[code] = item
        self.item_lines[code] = row.line
        return None

    def adjustment(self) -> Adjustment:
        return Adjustment(self.line, self.order_id, tuple(self.items.values()))


def _ignored(row: _AdjustmentRow, code: MessageProblem, why: str) -> RecordError:
    return RecordError(
        row.line, code, f"Order {row.order_id} {why}", row.order_id, row.item.order_item_id
    )


class _Groups:
    """Adjacent rows with the same order-id cell: at most one group, and the rows' errors, in
    line order. A run of more than MAX_ITEMS_PER_MESSAGE rows is split, so memory stays
    bounded."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._rows = 0
        self._entries: list[_Group | RecordError] = []
        self._group: _Group | None = None

    def add(
        self, key: str, row: _AdjustmentRow | RecordError
    ) -> Iterator[Adjustment | RecordError]:
        if self._key is not None and (key != self._key or self._rows >= MAX_ITEMS_PER_MESSAGE):
            yield from self.flush()
        self._key = key
        self._rows += 1
        if isinstance(row, RecordError):
            self._entries.append(row)
            return
        if self._group is None:
            self._group = _Group(row.line, row.order_id)
            self._entries.append(self._group)
        if (error := self._group.merge(row)) is not None:
            self._entries.append(error)

    def flush(self) -> Iterator[Adjustment | RecordError]:
        entries = self._entries
        self._key, self._rows, self._entries, self._group = None, 0, [], None
        for entry in entries:
            yield entry.adjustment() if isinstance(entry, _Group) else entry
