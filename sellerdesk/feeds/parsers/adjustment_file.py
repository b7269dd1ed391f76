"""POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA: the BatchRefunds (Order Adjustment) file, read by
flat.py. One row adjusts one order item; adjacent rows of one order become one Adjustment, so one
order gets one message.

Amounts are refunds to the buyer, written as positive amounts; an empty amount is 0. Seller Desk
adds two optional columns to Amazon's: merchant-adjustment-item-id, the seller's key that makes a
re-submitted row refund once, and restocking-fee, the fee charged to the buyer (positive too)."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers import flat
from sellerdesk.feeds.parsers.adjustment import (
    MAX_MERCHANT_ADJUSTMENT_ID_LENGTH,
    ZERO,
    AdjustedItem,
    Adjustment,
    adjustment_reason,
    amount_problem,
    currency_problem,
    merchant_adjustment_id,
)
from sellerdesk.feeds.parsers.fields import Invalid, units
from sellerdesk.feeds.parsers.records import RecordError
from sellerdesk.refunds.reasons import CANCELLING_REASONS, AdjustmentReason

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
    *(ORDER_ID, ITEM_CODE, REASON, CURRENCY, ITEM_PRICE, ITEM_TAX, SHIPPING_PRICE, SHIPPING_TAX),
    *(GIFT_WRAP_PRICE, GIFT_WRAP_TAX, ITEM_PROMOTION, ITEM_PROMOTION_ID, SHIP_PROMOTION),
    *(SHIP_PROMOTION_ID, QUANTITY_CANCELLED, ADJUSTMENT_ID, RESTOCKING_FEE),
)
REQUIRED_COLUMNS = (ORDER_ID, ITEM_CODE, REASON)
TEMPLATE_TYPE = "BatchRefunds"

SPEC = flat.FlatSpec(
    template_type=TEMPLATE_TYPE,
    takes=f"a {TEMPLATE_TYPE} file",
    noun="adjustment",
    columns=COLUMNS,
    order_column=ORDER_ID,
    item_column=ITEM_CODE,
    message_key=(ORDER_ID,),
    required=REQUIRED_COLUMNS,
    note=f"; only {', '.join(REQUIRED_COLUMNS)} are required",
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


def _refund_note(example: str) -> flat.ColumnNote:
    return flat.ColumnNote(
        "the refund for the whole quantity, positive, like 12.50 (a point, no commas); empty is 0",
        example,
    )


NOTES = {
    ORDER_ID: flat.ORDER_ID_NOTE,
    ITEM_CODE: flat.item_code_note(),
    REASON: flat.codes_note(AdjustmentReason.values, "NoInventory"),
    CURRENCY: flat.ColumnNote("the currency of the amounts, like SEK", "SEK"),
    ITEM_PRICE: _refund_note("300.00"),
    ITEM_TAX: _refund_note("75.00"),
    SHIPPING_PRICE: _refund_note(""),
    SHIPPING_TAX: _refund_note(""),
    **{
        column: flat.ColumnNote(f"empty or 0: Seller Desk {why}", "")
        for column, why in _UNSUPPORTED_COLUMNS.items()
    },
    ITEM_PROMOTION_ID: flat.ColumnNote("not read", ""),
    SHIP_PROMOTION_ID: flat.ColumnNote("not read", ""),
    QUANTITY_CANCELLED: flat.ColumnNote(
        f"unshipped units to cancel, with {' or '.join(CANCELLING_REASONS)}; empty is 0", "1"
    ),
    ADJUSTMENT_ID: flat.ColumnNote(
        f"your key of the row, at most {MAX_MERCHANT_ADJUSTMENT_ID_LENGTH} characters, "
        "optional; a row whose key was applied refunds nothing again",
        "REFUND-0001",
    ),
    RESTOCKING_FEE: flat.ColumnNote(
        "the fee charged to the buyer, positive, deducted from the refund; empty is 0", ""
    ),
}
PAYMENT_ADJUSTMENT_TEMPLATE = flat.template_file(
    COLUMNS, NOTES, noun="order item to refund", template_type=TEMPLATE_TYPE
)


def read_payment_adjustments(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[Adjustment | RecordError]:
    """Adjustments and RecordErrors in line order; FeedRejected, if raised, before any."""
    return flat.read_order_messages(source, SPEC, _adjustment_row, _Order, filename=filename)


def _adjustment_row(row: flat.Row, order_id: str, item_code: str | None) -> Adjustment:
    if item_code is None:
        raise flat.invalid_item_code(ITEM_CODE, row[ITEM_CODE])
    return Adjustment(row.line, order_id, (_adjusted_item(item_code, row),))


def _adjusted_item(item_code: str, values: dict[str, str]) -> AdjustedItem:
    reason = adjustment_reason(REASON, values[REASON])
    currency = values[CURRENCY]
    if currency and (problem := currency_problem(CURRENCY, currency)) is not None:
        raise Invalid(MessageProblem.WRONG_CURRENCY, problem)
    amounts = {column: _amount(column, values[column]) for column in _AMOUNT_COLUMNS}
    if not currency and any(amounts.values()):
        raise Invalid(
            MessageProblem.WRONG_CURRENCY,
            f"{CURRENCY} is empty; it names the currency of the amounts, like SEK.",
        )
    cancelled = values[QUANTITY_CANCELLED]
    quantity = (
        units(QUANTITY_CANCELLED, cancelled, MessageProblem.INVALID_QUANTITY) if cancelled else 0
    )
    adjustment_id = merchant_adjustment_id(ADJUSTMENT_ID, values[ADJUSTMENT_ID])
    if not quantity and not any(amounts.values()):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "The row has nothing to adjust: every amount is empty or 0, and so is "
            f"{QUANTITY_CANCELLED}.",
        )
    return AdjustedItem(
        order_item_id=item_code,
        reason=reason,
        merchant_adjustment_item_id=adjustment_id,
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


@dataclass(slots=True)
class _Order:
    """The rows of one order that become one Adjustment."""

    first: Adjustment
    currency: str = ""  # of the first row that names one
    currency_line: int = 0
    items: dict[str, AdjustedItem] = field(default_factory=dict)
    item_lines: dict[str, int] = field(default_factory=dict)

    def merge(self, row: Adjustment) -> RecordError | None:
        (item,), line, order_id = row.items, row.message_id, row.amazon_order_id
        code = item.order_item_id
        if code in self.item_lines:
            why = (
                f"already adjusts item {code} on line {self.item_lines[code]}; this row "
                "repeats it and is ignored."
            )
            return flat.ignored(line, order_id, code, why)
        if item.currency and self.currency and item.currency != self.currency:
            why = (
                f"has amounts in {self.currency} on line {self.currency_line}; one adjustment "
                f"is in one currency, so this row in {item.currency} is ignored."
            )
            return RecordError(
                line, MessageProblem.WRONG_CURRENCY, f"Order {order_id} {why}", order_id, code
            )
        if item.currency and not self.currency:
            self.currency, self.currency_line = item.currency, line
        self.items[code] = item
        self.item_lines[code] = line
        return None

    def record(self) -> Adjustment:
        return replace(self.first, items=tuple(self.items.values()))
