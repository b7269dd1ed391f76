"""What the cancellation-feed parsers produce: typed records or per-record errors, and the
whole-file rejection. ORM-free: the processor decides what a record means for the database."""

from dataclasses import dataclass

from sellerdesk.feeds.codes import FileProblem, MessageProblem

SUCCESS = "Success"
FAILURE = "Failure"

# Bounds that keep hostile input from growing what a parser holds for one message.
MAX_ITEMS_PER_MESSAGE = 1000


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
