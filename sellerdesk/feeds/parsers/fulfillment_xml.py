"""POST_ORDER_FULFILLMENT_DATA: the Order Fulfillment (shipment confirmation) XML feed, read by
envelope.py.

A FulfillmentDate without an offset is taken as UTC, as Amazon reads feed dates; it is not
refused, so feeds Amazon accepts are accepted here."""

import datetime
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.envelope import Message, Raw, Shape, read_envelope
from sellerdesk.feeds.parsers.fields import (
    Invalid,
    about_item,
    id_number,
    item_code,
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
from sellerdesk.feeds.parsers.records import MAX_ITEMS_PER_MESSAGE, RecordError

BODY = Shape(
    "AmazonOrderID MerchantOrderID MerchantFulfillmentID FulfillmentDate",
    {
        "FulfillmentData": Shape("CarrierCode CarrierName ShippingMethod ShipperTrackingNumber"),
        "Item": Shape(
            "AmazonOrderItemCode MerchantOrderItemID MerchantFulfillmentItemID Quantity",
            at_most=MAX_ITEMS_PER_MESSAGE,
        ),
    },
)


def read_order_fulfillments(source: BinaryIO) -> Iterator[ShipmentConfirmation | RecordError]:
    """One ShipmentConfirmation or RecordError per Message; see read_envelope."""
    return read_envelope(source, "OrderFulfillment", BODY, _confirmation)


def shipped_item(where: str, values: Mapping[str, str]) -> ShippedItem:
    """An Item's rules, which an Order Adjustment's AdjustedItem shares: an AmazonOrderItemCode
    (a MerchantOrderItemID alone is refused), optional merchant ids, a positive Quantity."""
    if "AmazonOrderItemCode" not in values and values.get("MerchantOrderItemID"):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{where}: the item is identified by MerchantOrderItemID only; Seller Desk "
            "identifies items by AmazonOrderItemCode.",
        )
    code = item_code(where, values.get("AmazonOrderItemCode"))
    with about_item(where, code):
        merchant_id("MerchantOrderItemID", values.get("MerchantOrderItemID"))
        id_number("MerchantFulfillmentItemID", values.get("MerchantFulfillmentItemID"))
        units = quantity("Quantity", values.get("Quantity"))
    return ShippedItem(code, units)


def _confirmation(message: Message) -> ShipmentConfirmation:
    body = message.body
    id_number("MerchantFulfillmentID", body.values.get("MerchantFulfillmentID"))
    fulfillment_date = _fulfillment_date(_given(body, "FulfillmentDate"))
    data = body.one("FulfillmentData")
    if data is None:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            "FulfillmentData is missing; it names the carrier and the ShipperTrackingNumber.",
        )
    code = data.values.get("CarrierCode", "")
    name = data.values.get("CarrierName", "")
    method = data.values.get("ShippingMethod", "")
    if problem := carrier_problem("CarrierCode", code, "CarrierName", name) or text_problem(
        "ShippingMethod", method
    ):
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    tracking = _given(data, "ShipperTrackingNumber")
    if problem := text_problem("ShipperTrackingNumber", tracking):
        raise Invalid(MessageProblem.INVALID_MESSAGE, problem)
    items = body.items("Item", lambda where, raw: shipped_item(where, raw.values))
    return ShipmentConfirmation(
        message.message_id,
        message.order_id,
        fulfillment_date,
        chosen_carrier(code, name),
        method,
        tracking,
        tuple(item for _, item in items),
    )


def _given(raw: Raw, name: str) -> str:
    if not (value := raw.required(name)):
        raise Invalid(MessageProblem.INVALID_MESSAGE, f"{name} is empty.")
    return value


def _fulfillment_date(value: str) -> datetime.datetime:
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
