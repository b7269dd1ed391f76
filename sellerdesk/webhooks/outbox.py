"""Writing notifications: inside the transaction of the change they report, one delivery row
per matching subscription, with the body that will be sent; a delivery task is queued on
commit. Nothing is built, and nothing but one indexed query runs, when no subscription wants
the type."""

import datetime
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sellerdesk.core.bulk import rows_insert
from sellerdesk.core.tasks import enqueue_on_commit
from sellerdesk.webhooks.kinds import KINDS, NotificationKind, NotificationType
from sellerdesk.webhooks.models import Delivery, Subscription, new_id


@dataclass(frozen=True)
class Notice:
    """One event of a type, for the seller's subscriptions to it."""

    seller_id: int
    ordering_key: str
    event_time: datetime.datetime
    payload: dict[str, Any]
    # ORDER_CHANGE's OrderChangeType, which a subscription's eventFilter may leave out.
    order_change_type: str = field(default="")


def notifications_queue(
    *,
    notification_type: NotificationType,
    seller_ids: Collection[int],
    notices: Callable[[], Iterable[Notice]],
) -> list[Delivery]:
    """Queue `notices()` for the sellers' subscriptions to the type. Call inside the change's
    transaction: the rows commit with it."""
    if not seller_ids:
        return []
    subscriptions: dict[int, list[Subscription]] = {}
    for subscription in (
        Subscription.objects.filter(seller_id__in=seller_ids, notification_type=notification_type)
        .select_related("application")
        .order_by("pk")
    ):
        subscriptions.setdefault(subscription.seller_id, []).append(subscription)
    if not subscriptions:
        return []
    kind = KINDS[notification_type]
    now = timezone.now()
    deliveries = [
        _delivery(kind=kind, notice=notice, subscription=subscription, now=now)
        for notice in notices()
        for subscription in subscriptions.get(notice.seller_id, [])
        if _wanted(subscription, notice)
    ]
    deliveries = rows_insert(Delivery, deliveries)
    if deliveries:
        deliveries_send_on_commit()
    return deliveries


def deliveries_send_on_commit() -> None:
    from sellerdesk.webhooks.tasks import deliver_notifications

    enqueue_on_commit(deliver_notifications)


def _wanted(subscription: Subscription, notice: Notice) -> bool:
    wanted = subscription.order_change_types
    return not wanted or notice.order_change_type in wanted


def _delivery(
    *, kind: NotificationKind, notice: Notice, subscription: Subscription, now: datetime.datetime
) -> Delivery:
    notification_id = new_id()
    body = envelope(
        kind=kind,
        event_time=notice.event_time,
        payload=notice.payload,
        metadata={
            "applicationId": subscription.application.client_id,
            "subscriptionId": subscription.subscription_id,
            "publishTime": sp_time(now),
            "notificationId": notification_id,
        },
    )
    return Delivery(
        notification_id=notification_id,
        seller_id=notice.seller_id,
        destination_id=subscription.destination_id,
        subscription_id=subscription.subscription_id,
        notification_type=kind.notification_type,
        ordering_key=notice.ordering_key,
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        next_attempt_at=now,
    )


def envelope(
    *,
    kind: NotificationKind,
    event_time: datetime.datetime,
    payload: dict[str, Any],
    metadata: dict[str, str],
) -> dict[str, Any]:
    """The notification as SP-API sends it, its keys spelled as SP-API spells them for the
    type."""
    spell = _pascal if kind.pascal_case else str
    return {
        spell("notificationVersion"): kind.notification_version,
        spell("notificationType"): kind.notification_type.value,
        spell("payloadVersion"): kind.payload_version,
        spell("eventTime"): sp_time(event_time),
        spell("payload"): payload,
        spell("notificationMetadata"): {spell(key): value for key, value in metadata.items()},
    }


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def sp_time(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as SP-API writes its times: 2026-12-07T23:11:53.109Z."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
