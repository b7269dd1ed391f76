"""POST_PAYMENT_ADJUSTMENT_DATA: the Order Adjustment (refund) XML feed, read by envelope.py.

Amounts are signed as the buyer sees them: the refunded components (Principal, Shipping, Tax,
ShippingTax) are positive, a RestockingFee is negative and is kept as the positive fee. Every
Amount names its currency, one currency per message. PromotionAdjustments and
DirectPaymentAdjustments are refused as a whole, their contents unread: Seller Desk has neither."""

from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.adjustment import (
    ZERO,
    AdjustedItem,
    Adjustment,
    adjustment_reason,
    amount_problem,
    currency_problem,
    merchant_adjustment_id,
)
from sellerdesk.feeds.parsers.envelope import Message, Raw, Shape, read_envelope
from sellerdesk.feeds.parsers.fields import Invalid, about_item, quoted, units
from sellerdesk.feeds.parsers.fulfillment_xml import shipped_item
from sellerdesk.feeds.parsers.records import MAX_ITEMS_PER_MESSAGE, RecordError
from sellerdesk.refunds.reasons import RESTOCKING_FEE, UNSUPPORTED_COMPONENTS, Component

ACTION_TYPES = ("Refund", "Cancel")
_CURRENCY = "Amount@currency"  # the Amount's currency attribute, kept with its Component
# Each component type at most once in an item, so no valid item has more Components.
_MAX_COMPONENTS = len(Component) + 1 + len(UNSUPPORTED_COMPONENTS)
_CENTS = Decimal("0.01")
_COMPONENT = Shape(
    "Type Amount",
    keep={"Amount": "currency"},
    at_most=_MAX_COMPONENTS,
    too_many=f"<ItemPriceAdjustments> has more than {_MAX_COMPONENTS} Component elements; "
    "each Type appears at most once.",
)
BODY = Shape(
    "AmazonOrderID MerchantOrderID ActionType",
    {
        "AdjustedItem": Shape(
            "AmazonOrderItemCode MerchantOrderItemID Quantity MerchantAdjustmentItemID "
            "AdjustmentReason QuantityCancelled",
            {"ItemPriceAdjustments": Shape(containers={"Component": _COMPONENT})},
            refused="PromotionAdjustments DirectPaymentAdjustments",
            at_most=MAX_ITEMS_PER_MESSAGE,
        )
    },
)


def read_order_adjustments(source: BinaryIO) -> Iterator[Adjustment | RecordError]:
    """One Adjustment or RecordError per Message; see read_envelope."""
    return read_envelope(source, "OrderAdjustment", BODY, _adjustment)


def _adjustment(message: Message) -> Adjustment:
    action = message.body.values.get("ActionType")
    if action is not None and action not in ACTION_TYPES:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"ActionType {quoted(action)} is neither {' nor '.join(ACTION_TYPES)}.",
        )
    if not message.body.all("AdjustedItem"):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "The OrderAdjustment has no AdjustedItem; it adjusts at least one item.",
        )
    items: list[AdjustedItem] = []
    currency, currency_from = "", ""  # of the message, and the first item with amounts
    for number, item in message.body.items("AdjustedItem", _item):
        code = item.order_item_id
        if item.currency and currency and item.currency != currency:
            raise Invalid(
                MessageProblem.WRONG_CURRENCY,
                f"AdjustedItem {number} ({code}): the amounts are in {item.currency} but "
                f"those of {currency_from} are in {currency}; one adjustment is in one currency.",
                code,
            )
        if item.currency and not currency:
            currency, currency_from = item.currency, f"AdjustedItem {number}"
        items.append(item)
    return Adjustment(message.message_id, message.order_id, tuple(items))


def _item(where: str, raw: Raw) -> AdjustedItem:
    values = raw.values
    code = shipped_item(where, values)  # an Item's rules: the leaves they read are the same
    with about_item(where, code.order_item_id):
        adjustment_id = merchant_adjustment_id(
            "MerchantAdjustmentItemID", values.get("MerchantAdjustmentItemID", "")
        )
        reason = adjustment_reason(
            "AdjustmentReason",
            raw.required("AdjustmentReason", MessageProblem.INVALID_ADJUSTMENT_REASON),
        )
        if raw.refused is not None:
            raise Invalid(
                MessageProblem.UNSUPPORTED_COMPONENT,
                f"{raw.refused} is given, but Seller Desk refunds no promotions or direct "
                "payments.",
            )
        prices = raw.one("ItemPriceAdjustments")
        currency, amounts = _components(prices.all("Component") if prices else [])
        cancelled = values.get("QuantityCancelled")
        quantity = (
            0
            if cancelled is None
            else units("QuantityCancelled", cancelled, MessageProblem.INVALID_QUANTITY)
        )
        if not quantity and not any(amounts.values()):
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                "there is nothing to adjust: no ItemPriceAdjustments amount other than 0 and no "
                "QuantityCancelled.",
            )
    return AdjustedItem(
        order_item_id=code.order_item_id,
        reason=reason,
        merchant_adjustment_item_id=adjustment_id,
        quantity_cancelled=quantity,
        currency=currency,
        principal=amounts.get(Component.PRINCIPAL, ZERO),
        shipping=amounts.get(Component.SHIPPING, ZERO),
        tax=amounts.get(Component.TAX, ZERO),
        shipping_tax=amounts.get(Component.SHIPPING_TAX, ZERO),
        restocking_fee=amounts.get(RESTOCKING_FEE, ZERO),
    )


def _components(raw_components: list[Raw]) -> tuple[str, dict[str, Decimal]]:
    """The currency ("" without components) and each component's amount, as the positive refund
    or fee."""
    amounts: dict[str, Decimal] = {}
    currency, currency_of = "", ""
    for raw in raw_components:
        if (kind := raw.values.get("Type")) is None:
            raise Invalid(MessageProblem.INVALID_MESSAGE, "A Component has no Type.")
        if kind in UNSUPPORTED_COMPONENTS:
            raise Invalid(
                MessageProblem.UNSUPPORTED_COMPONENT,
                f"Component Type {kind} is nothing Seller Desk charges for; it refunds "
                f"{', '.join(Component.values)} less a {RESTOCKING_FEE}.",
            )
        if kind not in Component.values and kind != RESTOCKING_FEE:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"Component Type {quoted(kind)} is not a component type; Seller Desk refunds "
                f"{', '.join(Component.values)} less a {RESTOCKING_FEE}.",
            )
        if kind in amounts:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"Component Type {kind} appears twice in ItemPriceAdjustments.",
            )
        amount, amount_currency = _amount(kind, raw)
        if currency and amount_currency != currency:
            raise Invalid(
                MessageProblem.WRONG_CURRENCY,
                f"The {kind} Amount is in {amount_currency} but the {currency_of} Amount is in "
                f"{currency}; one adjustment is in one currency.",
            )
        currency, currency_of = amount_currency, currency_of or kind
        amounts[kind] = amount
    return currency, amounts


def _amount(kind: str, raw: Raw) -> tuple[Decimal, str]:
    """A component's Amount as the positive refund or fee, and its currency."""
    what = f"{kind} Amount"
    value = raw.required("Amount", MessageProblem.INVALID_AMOUNT, what=what)
    if (problem := amount_problem(what, value)) is not None:
        raise Invalid(MessageProblem.INVALID_AMOUNT, problem)
    currency = raw.values.get(_CURRENCY)
    if currency is None:
        raise Invalid(
            MessageProblem.INVALID_AMOUNT,
            f'{what} {value} has no currency; write it like <Amount currency="SEK">{value}'
            "</Amount>.",
        )
    if (problem := currency_problem(f"{what} currency", currency)) is not None:
        raise Invalid(MessageProblem.WRONG_CURRENCY, problem)
    amount = Decimal(value).quantize(_CENTS)
    if kind == RESTOCKING_FEE and amount > 0:
        raise Invalid(
            MessageProblem.INVALID_AMOUNT,
            f"{what} {value} is positive; a restocking fee is charged to the buyer and is "
            f"written as a negative amount, like -{value}.",
        )
    if kind != RESTOCKING_FEE and amount < 0:
        raise Invalid(
            MessageProblem.INVALID_AMOUNT,
            f"{what} {value} is negative; a negative amount would charge the buyer, and an "
            "adjustment refunds: write the refund as a positive amount.",
        )
    return amount.copy_abs(), currency
