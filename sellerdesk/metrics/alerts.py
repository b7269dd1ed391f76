"""The email to a seller's users when the cancellation rate rises above the target, once per
crossing.

Checked by a task queued when a cancellation that counts commits. The seller row holds the
state: `rate_alert_sent_at` is set with the alert and cleared by a check that finds the rate
under the target. The rate also falls as the window moves on and new orders come in, which no
check sees; so a check also alerts when the rate is above the target only because of its own
cancellations, made after the last alert: the rate must have been under the target in between.
"""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.core.tasks import enqueue_on_commit
from sellerdesk.metrics.rates import (
    CancellationRate,
    cancellation_rate,
    cancellation_rate_after,
    crosses_target,
    first_cancellations_in_window,
)
from sellerdesk.notifications.services import rate_alert_emails_queue
from sellerdesk.orders.models import OrderEvent


def rate_alert_check_queue(*, events: Sequence[OrderEvent]) -> None:
    """Check the rate once these cancellation events commit, if any of them counts. Call in
    the cancellation's transaction, after the events are written."""
    from sellerdesk.metrics.tasks import check_rate_alert

    by_seller: dict[int, list[int]] = {}
    for event in events:
        if event.data.get("counts_toward_rate", True):
            by_seller.setdefault(event.order.seller_id, []).append(event.pk)
    for seller_id, event_ids in by_seller.items():
        enqueue_on_commit(check_rate_alert, seller_id, event_ids)


def rate_alert_check(
    *, seller_id: int, event_ids: Sequence[int], now: datetime.datetime | None = None
) -> str:
    """Alert the seller's users if the rate has risen above the target since the last alert.
    Safe to run twice and concurrently: the seller row is locked, and an alert made after these
    events already covers them."""
    now = now or timezone.now()
    with transaction.atomic():
        seller = Seller.objects.select_for_update().filter(pk=seller_id).first()
        if seller is None:
            return "no_seller"
        rate = cancellation_rate(seller=seller, now=now)
        if not rate.above_target:
            if seller.rate_alert_sent_at is not None:
                seller.rate_alert_sent_at = None
                seller.save(update_fields=["rate_alert_sent_at"])
            return "under_target"
        if seller.rate_alert_sent_at is not None and not _crossed_again(
            seller=seller, rate=rate, event_ids=event_ids, now=now
        ):
            return "already_alerted"
        seller.rate_alert_sent_at = now
        seller.save(update_fields=["rate_alert_sent_at"])
        rate_alert_emails_queue(seller=seller, rate=rate)
        return "alerted"


def _crossed_again(
    *, seller: Seller, rate: CancellationRate, event_ids: Sequence[int], now: datetime.datetime
) -> bool:
    """Whether these events, made after the last alert, took the rate from under the target
    (without them) to above it."""
    events = list(
        OrderEvent.objects.filter(
            pk__in=event_ids, order__seller=seller, created_at__gt=seller.rate_alert_sent_at
        )
    )
    if not events:
        return False
    added = first_cancellations_in_window(seller=seller, events=events, now=now)
    before = cancellation_rate_after(rate=rate, more_cancelled=-added)
    return crosses_target(before=before, after=rate)
