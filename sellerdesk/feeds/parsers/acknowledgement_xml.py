"""POST_ORDER_ACKNOWLEDGEMENT_DATA: the Order Acknowledgement XML feed, read by envelope.py.

StatusCode Failure cancels the order, or the Items named, each with its CancelReason and
Quantity; Success acknowledges the order and carries no reason."""

from collections.abc import Iterator
from functools import partial
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.envelope import Message, Raw, Shape, read_envelope
from sellerdesk.feeds.parsers.fields import (
    Invalid,
    about_item,
    item_code,
    merchant_id,
    quantity,
    quoted,
    reason_problem,
)
from sellerdesk.feeds.parsers.records import (
    FAILURE,
    MAX_ITEMS_PER_MESSAGE,
    SUCCESS,
    Acknowledgement,
    CancelLine,
    RecordError,
)

BODY = Shape(
    "AmazonOrderID MerchantOrderID StatusCode",
    {
        "Item": Shape(
            "AmazonOrderItemCode MerchantOrderItemID CancelReason Quantity",
            at_most=MAX_ITEMS_PER_MESSAGE,
        )
    },
)


def read_order_acknowledgements(source: BinaryIO) -> Iterator[Acknowledgement | RecordError]:
    """One Acknowledgement or RecordError per Message; see read_envelope."""
    return read_envelope(source, "OrderAcknowledgement", BODY, _acknowledgement)


def _acknowledgement(message: Message) -> Acknowledgement:
    status = message.body.required("StatusCode")
    if status not in (SUCCESS, FAILURE):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"StatusCode {quoted(status)} is neither {SUCCESS} nor {FAILURE}.",
        )
    items = tuple(line for _, line in message.body.items("Item", partial(_item, status=status)))
    return Acknowledgement(
        message.message_id, message.order_id, status, message.merchant_order_id, None, items
    )


def _item(where: str, raw: Raw, status: str) -> CancelLine:
    code = item_code(where, raw.values.get("AmazonOrderItemCode"))
    with about_item(where, code):
        merchant_id("MerchantOrderItemID", raw.values.get("MerchantOrderItemID"))
        reason = _reason(raw.values.get("CancelReason"), status)
        units = quantity("Quantity", raw.values.get("Quantity"))
    return CancelLine(code, reason, units)


def _reason(value: str | None, status: str) -> str | None:
    if value is None:
        return None
    if (problem := reason_problem("CancelReason", value)) is not None:
        raise Invalid(MessageProblem.INVALID_REASON, problem)
    if status != FAILURE:
        raise Invalid(
            MessageProblem.REASON_WITHOUT_FAILURE,
            f"CancelReason {value} is given but StatusCode is {status}; "
            f"a reason goes only with {FAILURE}.",
        )
    return value
