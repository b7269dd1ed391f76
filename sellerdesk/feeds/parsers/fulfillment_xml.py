"""POST_ORDER_FULFILLMENT_DATA: the Order Fulfillment (shipment confirmation) XML feed.

Built on acknowledgement_xml's reading machinery, with the same two streaming passes: the first
checks the whole file (well-formed to the end, envelope, at least one Message) and raises
FeedRejected; only then does the second yield one ShipmentConfirmation or RecordError per Message,
holding one Message's capped values at a time.

A FulfillmentDate without an offset is taken as UTC, as Amazon reads feed dates; it is not
refused, so feeds Amazon accepts are accepted here."""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.acknowledgement_xml import (
    _check_envelope,
    _envelope_messages,
    _EnvelopeCheck,
    _message_order,
)
from sellerdesk.feeds.parsers.fields import (
    Invalid,
    id_number,
    is_order_item_id,
    item_code_problem,
    merchant_id,
    quantity,
    quoted,
)
from sellerdesk.feeds.parsers.fulfillment import (
    XSD_DATE_TIME,
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
    RecordError,
)

MESSAGE_TYPE = "OrderFulfillment"

# Inside a Message: element path of a parent -> the children it may have.
_FULFILLMENT = ("OrderFulfillment",)
_DATA = ("OrderFulfillment", "FulfillmentData")
_ITEM = ("OrderFulfillment", "Item")
_CONTAINERS: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"OrderFulfillment"}),
    _FULFILLMENT: frozenset({"FulfillmentData", "Item"}),
}
_LEAVES: dict[tuple[str, ...], frozenset[str]] = {
    (): frozenset({"MessageID", "OperationType"}),
    _FULFILLMENT: frozenset(
        {"AmazonOrderID", "MerchantOrderID", "MerchantFulfillmentID", "FulfillmentDate"}
    ),
    _DATA: frozenset({"CarrierCode", "CarrierName", "ShippingMethod", "ShipperTrackingNumber"}),
    _ITEM: frozenset(
        {"AmazonOrderItemCode", "MerchantOrderItemID", "MerchantFulfillmentItemID", "Quantity"}
    ),
}


def read_order_fulfillments(source: BinaryIO) -> Iterator[ShipmentConfirmation | RecordError]:
    """One ShipmentConfirmation or RecordError per Message, in document order.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    _check_envelope(source, _EnvelopeCheck("Order Fulfillment", MESSAGE_TYPE))
    source.seek(0)
    yield from _envelope_messages(source, new=_RawMessage, build=_confirmation)


# --- first pass: the file as a whole ---------------------------------------------------------


# --- second pass: one record per Message -----------------------------------------------------


@dataclass(slots=True)
class _RawMessage:
    """A Message's element texts as found, before any of them is judged."""

    position: int  # 1-based among the feed's Messages
    values: dict[str, str] = field(default_factory=dict)  # all leaves but the Items'
    items: list[dict[str, str]] = field(default_factory=list)
    has_fulfillment: bool = False
    has_data: bool = False  # FulfillmentData
    problem: str | None = None  # the first structural problem, in English
    _path: list[str] = field(default_factory=list)
    _item: dict[str, str] = field(default_factory=dict)

    def start(self, name: str, _attributes: Mapping[str, str]) -> None:
        parent = tuple(self._path)
        self._path.append(name)
        if name in _CONTAINERS.get(parent, ()):
            self._container_starts(parent, name)
        elif name not in _LEAVES.get(parent, ()):
            self._fail(f"Unexpected element <{name}> in <{_parent_name(parent)}>.")

    def end(self, name: str, text: str) -> None:
        self._path.pop()
        parent = tuple(self._path)
        if name not in _LEAVES.get(parent, ()):
            return
        values = self._item if parent == _ITEM else self.values
        if name in values:
            self._fail(f"<{name}> appears twice in <{_parent_name(parent)}>.")
        else:
            values[name] = text

    def _container_starts(self, parent: tuple[str, ...], name: str) -> None:
        if name == "Item":
            self._item = {}
            if len(self.items) < MAX_ITEMS_PER_MESSAGE:
                self.items.append(self._item)
            else:
                self._fail(f"The message has more than {MAX_ITEMS_PER_MESSAGE} Item elements.")
            return
        seen = self.has_fulfillment if name == "OrderFulfillment" else self.has_data
        if seen:
            self._fail(f"<{name}> appears twice in <{_parent_name(parent)}>.")
        if name == "OrderFulfillment":
            self.has_fulfillment = True
        else:
            self.has_data = True

    def _fail(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem


def _parent_name(parent: tuple[str, ...]) -> str:
    return parent[-1] if parent else "Message"


def _confirmation(message_id: int, raw: _RawMessage) -> ShipmentConfirmation:
    order_id, _merchant_order_id = _message_order(
        raw.values, raw.problem, "OrderFulfillment", has_body=raw.has_fulfillment
    )
    id_number("MerchantFulfillmentID", raw.values.get("MerchantFulfillmentID"))
    fulfillment_date = _fulfillment_date(raw.values.get("FulfillmentDate"))
    carrier, shipping_method, tracking_number = _fulfillment_data(raw)
    items = _items(raw.items)
    return ShipmentConfirmation(
        message_id,
        order_id,
        fulfillment_date,
        carrier,
        shipping_method,
        tracking_number,
        items,
    )


def _fulfillment_date(value: str | None) -> datetime.datetime:
    if value is None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, "FulfillmentDate is missing.")
    if not value:
        raise Invalid(MessageProblem.INVALID_MESSAGE, "FulfillmentDate is empty.")
    moment = parse_timestamp(value, XSD_DATE_TIME, datetime.UTC)
    if moment is None:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"FulfillmentDate {quoted(value)} is not a date and time like "
            "2024-05-03T14:30:00+02:00.",
        )
    if (problem := year_problem("FulfillmentDate", value, moment)) is not None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    return moment


def _fulfillment_data(raw: _RawMessage) -> tuple[str, str, str]:
    """Carrier, shipping method and tracking number."""
    if not raw.has_data:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "FulfillmentData is missing; it names the carrier and the ShipperTrackingNumber.",
        )
    code = raw.values.get("CarrierCode", "")
    name = raw.values.get("CarrierName", "")
    method = raw.values.get("ShippingMethod", "")
    problem = carrier_problem("CarrierCode", code, "CarrierName", name) or text_problem(
        "ShippingMethod", method
    )
    if problem is not None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    tracking = _tracking_number(raw.values.get("ShipperTrackingNumber"))
    return chosen_carrier(code, name), method, tracking


def _tracking_number(value: str | None) -> str:
    if value is None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, "ShipperTrackingNumber is missing.")
    if not value:
        raise Invalid(MessageProblem.INVALID_MESSAGE, "ShipperTrackingNumber is empty.")
    if (problem := text_problem("ShipperTrackingNumber", value)) is not None:
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    return value


def _items(raw_items: list[dict[str, str]]) -> tuple[ShippedItem, ...]:
    items: list[ShippedItem] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, start=1):
        item = _item(f"Item {number}", raw)
        if item.order_item_id in seen:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"Item {number}: AmazonOrderItemCode {item.order_item_id} appears in an "
                "earlier Item of this message.",
                item.order_item_id,
            )
        seen.add(item.order_item_id)
        items.append(item)
    return tuple(items)


def _item(where: str, raw: dict[str, str]) -> ShippedItem:
    code = raw.get("AmazonOrderItemCode")
    if code is None and raw.get("MerchantOrderItemID"):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{where}: the item is identified by MerchantOrderItemID only; Seller Desk "
            "identifies items by AmazonOrderItemCode.",
        )
    if code is None:
        raise Invalid(MessageProblem.INVALID_ITEM_CODE, f"{where}: AmazonOrderItemCode is missing.")
    if not is_order_item_id(code):
        raise Invalid(
            MessageProblem.INVALID_ITEM_CODE,
            f"{where}: {item_code_problem('AmazonOrderItemCode', code)}",
        )
    where = f"{where} ({code})"
    try:
        merchant_id("MerchantOrderItemID", raw.get("MerchantOrderItemID"))
        id_number("MerchantFulfillmentItemID", raw.get("MerchantFulfillmentItemID"))
        units = quantity("Quantity", raw.get("Quantity"))
    except Invalid as invalid:
        raise Invalid(invalid.code, f"{where}: {invalid.description}", code) from None
    return ShippedItem(code, units)
