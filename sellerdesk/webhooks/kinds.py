"""The notification types Seller Desk sends: one declarative entry each. What a type's payload
holds, and when it is written, is its own module (order_change.py, processing_finished.py);
the envelope, the outbox rows and their delivery are shared (outbox.py, delivery.py)."""

from dataclasses import dataclass
from enum import StrEnum


class NotificationType(StrEnum):
    ORDER_CHANGE = "ORDER_CHANGE"
    FEED_PROCESSING_FINISHED = "FEED_PROCESSING_FINISHED"
    REPORT_PROCESSING_FINISHED = "REPORT_PROCESSING_FINISHED"


class OrderChangeType(StrEnum):
    ORDER_STATUS_CHANGE = "OrderStatusChange"
    BUYER_REQUESTED_CHANGE = "BuyerRequestedChange"


@dataclass(frozen=True)
class NotificationKind:
    notification_type: NotificationType
    # notificationVersion and payloadVersion, as SP-API sends them for this type; a
    # subscription names the payload version.
    notification_version: str
    payload_version: str
    # SP-API spells the envelope of ORDER_CHANGE in PascalCase (NotificationVersion, ...) and
    # that of the feed and report types in camelCase (notificationVersion, ...).
    pascal_case: bool
    # The eventFilterType that processingDirective.eventFilter takes, if the type has one.
    event_filter_type: str | None = None


KINDS: dict[NotificationType, NotificationKind] = {
    kind.notification_type: kind
    for kind in (
        NotificationKind(
            NotificationType.ORDER_CHANGE,
            notification_version="1.0",
            payload_version="1.0",
            pascal_case=True,
            event_filter_type="ORDER_CHANGE",
        ),
        NotificationKind(
            NotificationType.FEED_PROCESSING_FINISHED,
            notification_version="2020-09-04",
            payload_version="2020-09-04",
            pascal_case=False,
        ),
        NotificationKind(
            NotificationType.REPORT_PROCESSING_FINISHED,
            notification_version="2020-09-04",
            payload_version="2020-09-04",
            pascal_case=False,
        ),
    )
}
