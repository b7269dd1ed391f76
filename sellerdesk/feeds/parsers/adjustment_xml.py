"""POST_PAYMENT_ADJUSTMENT_DATA: the Order Adjustment (refund) XML feed.

Built on acknowledgement_xml's reading machinery, with the same two streaming passes: the first
checks the whole file (well-formed to the end, envelope, at least one Message) and raises
FeedRejected; only then does the second yield one Adjustment or RecordError per Message, holding
one Message's capped values at a time.

Amounts are signed as the buyer sees them: the refunded components (Principal, Shipping, Tax,
ShippingTax) are positive, a RestockingFee is negative and is kept as the positive fee. Every
Amount names its currency, one currency per message. PromotionAdjustments and
DirectPaymentAdjustments are refused as a whole, their contents unread: Seller Desk has neither."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.acknowledgement_xml import (
    _check_envelope,
    _envelope_messages,
    _EnvelopeCheck,
    _message_order,
)
from sellerdesk.feeds.parsers.adjustment import (
    MAX_MERCHANT_ADJUSTMENT_ID_LENGTH,
    ZERO,
    AdjustedItem,
    Adjustment,
    adjustment_reason_problem,
    amount_problem,
    currency_problem,
)
from sellerdesk.feeds.parsers.fields import (
    MAX_QUANTITY,
    QUANTITY_RE,
    Invalid,
    quoted,
)
from sellerdesk.feeds.parsers.fulfillment_xml import _item as _identified_item
from sellerdesk.feeds.parsers.records import (
    MAX_ITEMS_PER_MESSAGE,
    RecordError,
)
from sellerdesk.refunds.reasons import RESTOCKING_FEE, UNSUPPORTED_COMPONENTS, Component

MESSAGE_TYPE = "OrderAdjustment"
ACTION_TYPES = ("Refund", "Cancel")

# Inside a Message: element path of a parent -> the children it may have.
_ADJUSTMENT = ("OrderAdjustment",)
_ITEM = ("OrderAdjustment", "AdjustedItem")
_PRICES = ("OrderAdjustment", "AdjustedItem", "ItemPriceAdjustments")
_COMPONENT = ("OrderAdjustment", "AdjustedItem", "ItemPriceAdjustments", "Component")
_NOT_REFUNDED = frozenset({"PromotionAdjustments", "DirectPaymentAdjustments"})
_CONTAINERS: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"OrderAdjustment"}),
    _ADJUSTMENT: frozenset({"AdjustedItem"}),
    _ITEM: frozenset({"ItemPriceAdjustments", *_NOT_REFUNDED}),
    _PRICES: frozenset({"Component"}),
}
_LEAVES: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"MessageID", "OperationType"}),
    _ADJUSTMENT: frozenset({"AmazonOrderID", "MerchantOrderID", "ActionType"}),
    _ITEM: frozenset(
        {
            "AmazonOrderItemCode",
            "MerchantOrderItemID",
            "MerchantAdjustmentItemID",
            "AdjustmentReason",
            "QuantityCancelled",
            "Quantity",
        }
    ),
    _COMPONENT: frozenset({"Type", "Amount"}),
}
_CURRENCY = "currency"  # the Amount's attribute, kept with the Component's texts
# Each component type at most once in an item, so no valid item has more Components.
_MAX_COMPONENTS = len(Component) + 1 + len(UNSUPPORTED_COMPONENTS)
_CENTS = Decimal("0.01")


def read_order_adjustments(source: BinaryIO) -> Iterator[Adjustment | RecordError]:
    """One Adjustment or RecordError per Message, in document order.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    _check_envelope(source, _EnvelopeCheck("Order Adjustment", MESSAGE_TYPE))
    source.seek(0)
    yield from _envelope_messages(source, new=_RawMessage, build=_adjustment)


# --- first pass: the file as a whole ---------------------------------------------------------


# --- second pass: one record per Message -----------------------------------------------------


@dataclass(slots=True)
class _RawItem:
    """An AdjustedItem's element texts as found."""

    values: dict[str, str] = field(default_factory=dict)
    # Each Component's Type and Amount, and the Amount's currency attribute under _CURRENCY.
    components: list[dict[str, str]] = field(default_factory=list)
    has_prices: bool = False  # ItemPriceAdjustments
    not_refunded: str | None = None  # the first PromotionAdjustments or DirectPaymentAdjustments


@dataclass(slots=True)
class _RawMessage:
    """A Message's element texts as found, before any of them is judged."""

    position: int  # 1-based among the feed's Messages
    values: dict[str, str] = field(default_factory=dict)  # Message and OrderAdjustment leaves
    items: list[_RawItem] = field(default_factory=list)
    has_adjustment: bool = False
    problem: str | None = None  # the first structural problem, in English
    _path: list[str] = field(default_factory=list)
    _item: _RawItem = field(default_factory=_RawItem)
    _component: dict[str, str] = field(default_factory=dict)

    def start(self, name: str, attributes: Mapping[str, str]) -> None:
        parent = tuple(self._path)
        self._path.append(name)
        if len(parent) > 2 and parent[2] in _NOT_REFUNDED:
            return  # refused as a whole; what it holds does not matter
        if name in _CONTAINERS.get(parent, ()):
            self._container_starts(parent, name)
        elif name not in _LEAVES.get(parent, ()):
            self._fail(f"Unexpected element <{name}> in <{_parent_name(parent)}>.")
        elif parent == _COMPONENT and name == "Amount" and _CURRENCY in attributes:
            self._component[_CURRENCY] = attributes[_CURRENCY]

    def end(self, name: str, text: str) -> None:
        self._path.pop()
        parent = tuple(self._path)
        if name not in _LEAVES.get(parent, ()):
            return
        if parent == _ITEM:
            values = self._item.values
        elif parent == _COMPONENT:
            values = self._component
        else:
            values = self.values
        if name in values:
            self._fail(f"<{name}> appears twice in <{_parent_name(parent)}>.")
        else:
            values[name] = text

    def _container_starts(self, parent: tuple[str, ...], name: str) -> None:
        item = self._item
        if name == "AdjustedItem":
            self._item = _RawItem()
            if len(self.items) < MAX_ITEMS_PER_MESSAGE:
                self.items.append(self._item)
            else:
                self._fail(
                    f"The message has more than {MAX_ITEMS_PER_MESSAGE} AdjustedItem elements."
                )
        elif name == "Component":
            self._component = {}
            if len(item.components) < _MAX_COMPONENTS:
                item.components.append(self._component)
            else:
                self._fail(
                    f"<ItemPriceAdjustments> has more than {_MAX_COMPONENTS} Component "
                    "elements; each Type appears at most once."
                )
        elif name in _NOT_REFUNDED:
            item.not_refunded = item.not_refunded or name
        elif name == "OrderAdjustment":
            if self.has_adjustment:
                self._fail(f"<{name}> appears twice in <{_parent_name(parent)}>.")
            self.has_adjustment = True
        else:  # ItemPriceAdjustments
            if item.has_prices:
                self._fail(f"<{name}> appears twice in <{_parent_name(parent)}>.")
            item.has_prices = True

    def _fail(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem


def _parent_name(parent: tuple[str, ...]) -> str:
    return parent[-1] if parent else "Message"


def _adjustment(message_id: int, raw: _RawMessage) -> Adjustment:
    order_id, _merchant_order_id = _message_order(
        raw.values, raw.problem, "OrderAdjustment", has_body=raw.has_adjustment
    )
    action = raw.values.get("ActionType")
    if action is not None and action not in ACTION_TYPES:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"ActionType {quoted(action)} is neither {' nor '.join(ACTION_TYPES)}.",
        )
    if not raw.items:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "The OrderAdjustment has no AdjustedItem; it adjusts at least one item.",
        )
    return Adjustment(message_id, order_id, _items(raw.items))


def _items(raw_items: list[_RawItem]) -> tuple[AdjustedItem, ...]:
    items: list[AdjustedItem] = []
    seen: set[str] = set()
    currency, currency_from = "", ""  # of the message, and the first item with amounts
    for number, raw in enumerate(raw_items, start=1):
        item = _item(f"AdjustedItem {number}", raw)
        code = item.order_item_id
        if code in seen:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"AdjustedItem {number}: AmazonOrderItemCode {code} appears in an earlier "
                "AdjustedItem of this message.",
                code,
            )
        if item.currency and currency and item.currency != currency:
            raise Invalid(
                MessageProblem.WRONG_CURRENCY,
                f"AdjustedItem {number} ({code}): the amounts are in {item.currency} but "
                f"those of {currency_from} are in {currency}; one adjustment is in one currency.",
                code,
            )
        if item.currency and not currency:
            currency, currency_from = item.currency, f"AdjustedItem {number}"
        seen.add(code)
        items.append(item)
    return tuple(items)


def _item(where: str, raw: _RawItem) -> AdjustedItem:
    # fulfillment_xml's Item rules are an AdjustedItem's: AmazonOrderItemCode (MerchantOrderItemID
    # alone is refused), a MerchantOrderItemID of at most 100 characters, a positive Quantity.
    identity = ("AmazonOrderItemCode", "MerchantOrderItemID", "Quantity")
    code = _identified_item(
        where, {name: raw.values[name] for name in identity if name in raw.values}
    ).order_item_id
    where = f"{where} ({code})"
    try:
        adjustment_id = _adjustment_id(raw.values.get("MerchantAdjustmentItemID"))
        reason = _reason(raw.values.get("AdjustmentReason"))
        if raw.not_refunded is not None:
            raise Invalid(
                MessageProblem.UNSUPPORTED_COMPONENT,
                f"{raw.not_refunded} is given, but Seller Desk refunds no promotions or direct "
                "payments.",
            )
        currency, amounts = _components(raw.components)
        quantity = _quantity_cancelled(raw.values.get("QuantityCancelled"))
        if not quantity and not any(amounts.values()):
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                "there is nothing to adjust: no ItemPriceAdjustments amount other than 0 and no "
                "QuantityCancelled.",
            )
    except Invalid as invalid:
        raise Invalid(invalid.code, f"{where}: {invalid.description}", code) from None
    return AdjustedItem(
        order_item_id=code,
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


def _adjustment_id(value: str | None) -> str | None:
    # _walk keeps MAX_MERCHANT_ID_LENGTH + 1 characters, so a longer id is seen as longer.
    if value and len(value) > MAX_MERCHANT_ADJUSTMENT_ID_LENGTH:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"MerchantAdjustmentItemID {quoted(value)} is longer than "
            f"{MAX_MERCHANT_ADJUSTMENT_ID_LENGTH} characters.",
        )
    return value or None


def _reason(value: str | None) -> str:
    if value is None:
        raise Invalid(MessageProblem.INVALID_ADJUSTMENT_REASON, "AdjustmentReason is missing.")
    if (problem := adjustment_reason_problem("AdjustmentReason", value)) is not None:
        raise Invalid(MessageProblem.INVALID_ADJUSTMENT_REASON, problem)
    return value


def _components(raw_components: list[dict[str, str]]) -> tuple[str, dict[str, Decimal]]:
    """The currency ("" without components) and each component's amount, as the positive refund
    or fee."""
    amounts: dict[str, Decimal] = {}
    currency, currency_of = "", ""
    for raw in raw_components:
        kind = raw.get("Type")
        if kind is None:
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


def _amount(kind: str, raw: dict[str, str]) -> tuple[Decimal, str]:
    """A component's Amount as the positive refund or fee, and its currency."""
    what = f"{kind} Amount"
    value = raw.get("Amount")
    if value is None:
        raise Invalid(MessageProblem.INVALID_AMOUNT, f"{what} is missing.")
    if (problem := amount_problem(what, value)) is not None:
        raise Invalid(MessageProblem.INVALID_AMOUNT, problem)
    currency = raw.get(_CURRENCY)
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


def _quantity_cancelled(value: str | None) -> int:
    if value is None:
        return 0
    if not QUANTITY_RE.fullmatch(value) or int(value) > MAX_QUANTITY:
        raise Invalid(
            MessageProblem.INVALID_QUANTITY,
            f"QuantityCancelled {quoted(value)} is not a whole number from 0 to {MAX_QUANTITY}.",
        )
    return int(value)
