"""ORM-free parsers of order-cancellation feeds: bytes in, typed records or errors out."""

from sellerdesk.feeds.parsers.acknowledgement_xml import read_order_acknowledgements
from sellerdesk.feeds.parsers.cancellation_file import (
    ORDER_CANCELLATION_TEMPLATE,
    read_order_cancellations,
)
from sellerdesk.feeds.parsers.records import (
    Acknowledgement,
    CancelLine,
    FeedRejected,
    RecordError,
)

__all__ = [
    "ORDER_CANCELLATION_TEMPLATE",
    "Acknowledgement",
    "CancelLine",
    "FeedRejected",
    "RecordError",
    "read_order_acknowledgements",
    "read_order_cancellations",
]
