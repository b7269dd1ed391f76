"""What the cancellation-feed parsers produce: typed records or per-record errors, and the
whole-file rejection. ORM-free: the processor decides what a record means for the database."""

from dataclasses import dataclass

from sellerdesk.cancellations.reasons import ALL_REASONS
from sellerdesk.core.ids import ORDER_ID_RE, ORDER_ITEM_ID_RE
from sellerdesk.feeds.codes import FileProblem, MessageProblem

SUCCESS = "Success"
FAILURE = "Failure"

# Bounds that keep hostile input from growing what a parser holds for one message.
MAX_ITEMS_PER_MESSAGE = 1000
MAX_MERCHANT_ID_LENGTH = 100  # MerchantOrderID and MerchantOrderItemID
MAX_QUANTITY = 2_147_483_647  # fits a 32-bit integer column; unshipped units are checked later
QUOTE_LIMIT = 40  # characters of a bad value repeated in a description


@dataclass(frozen=True, slots=True)
class CancelLine:
    order_item_id: str  # 14 digits
    reason: str | None  # CancelReason code, validated against ALL_REASONS
    quantity: int | None  # None = all that is unshipped of that item


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    message_id: int  # XML: MessageID; flat file: physical line number of the message's first row
    amazon_order_id: str
    status: str  # "Success" | "Failure"
    merchant_order_id: str | None
    reason: str | None  # flat file: reason of a whole-order row (empty item code); XML: None
    items: tuple[CancelLine, ...]


@dataclass(frozen=True, slots=True)
class RecordError:
    message_id: int
    code: MessageProblem
    description: str  # English, specific: what is wrong and where (element/column, value)
    amazon_order_id: str | None = None
    order_item_id: str | None = None
    sku: str | None = None  # of the inventory file's rows


class FeedRejected(Exception):
    """A whole-file problem: the feed is FATAL and nothing in it is applied."""

    def __init__(self, code: FileProblem, description: str) -> None:
        # Both go to args so the exception survives pickling (e.g. into a task result).
        super().__init__(code, description)
        self.code = code
        self.description = description

    def __str__(self) -> str:
        return f"{self.code.name} ({int(self.code)}): {self.description}"


def is_order_id(value: str) -> bool:
    # ORDER_ID_RE's \d also matches non-ASCII digits and its $ a trailing newline.
    return value.isascii() and ORDER_ID_RE.fullmatch(value) is not None


def is_order_item_id(value: str) -> bool:
    return value.isascii() and ORDER_ITEM_ID_RE.fullmatch(value) is not None


def quoted(value: str) -> str:
    """A user's value for a description: quoted, and cut short if long."""
    if len(value) > QUOTE_LIMIT:
        value = value[:QUOTE_LIMIT] + "…"
    return f"'{value}'"


def order_id_problem(what: str, value: str) -> str:
    if not value:
        return f"{what} is empty."
    return f"{what} {quoted(value)} is not an order id like 123-1234567-1234567."


def item_code_problem(what: str, value: str) -> str:
    if not value:
        return f"{what} is empty."
    return f"{what} {quoted(value)} is not an order item id of 14 digits."


def reason_problem(what: str, value: str) -> str | None:
    """Why value is not a CancelReason code, or None if it is one."""
    if value in ALL_REASONS:
        return None
    if not value:
        return f"{what} is empty."
    for reason in ALL_REASONS:
        if reason.casefold() == value.casefold():
            return f"{what} {quoted(value)} is not a cancellation reason; did you mean {reason}?"
    return (
        f"{what} {quoted(value)} is not a cancellation reason; "
        f"use one of {', '.join(sorted(ALL_REASONS))}."
    )
