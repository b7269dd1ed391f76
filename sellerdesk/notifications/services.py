"""The email outbox: queue in the change's transaction; `delivery` sends after commit, retries
and never loses a row. Buyers get an email for each cancellation and refund; a seller's users
get the cancellation rate alert."""

import logging
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.accounts.permissions import Area, Level
from sellerdesk.core.bulk import rows_insert
from sellerdesk.core.tasks import enqueue_on_commit
from sellerdesk.metrics.rates import CancellationRate
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.rendering import (
    Bodies,
    email_bodies,
    email_subject,
    rate_alert_message,
)
from sellerdesk.orders.models import OrderEvent

logger = logging.getLogger(__name__)


def outbound_emails_queue(*, events: list[OrderEvent], kind: str) -> list[OutboundEmail]:
    """Queue one email of kind per event (a cancellation, a refund), in the buyer's language.
    Call inside the change's transaction: the rows commit with it, and delivery runs after
    commit."""
    now = timezone.now()
    sender, domain = settings.DEFAULT_FROM_EMAIL, settings.EMAIL_MESSAGE_ID_DOMAIN
    seller_ids = {event.order.seller_id for event in events}
    seller_names = dict(Seller.objects.filter(pk__in=seller_ids).values_list("pk", "name"))
    emails = rows_insert(
        OutboundEmail,
        [
            OutboundEmail(
                order=event.order,
                event=event,
                kind=kind,
                language=event.order.buyer_language,
                to_address=event.order.buyer_email,
                from_address=sender,
                subject=email_subject(
                    kind=kind,
                    event=event,
                    seller_name=seller_names[event.order.seller_id],
                    language=event.order.buyer_language,
                ),
                message_id=f"<{_time_ordered_hex()}@{domain}>",
                next_attempt_at=now,
            )
            for event in events
        ],
    )
    _deliver_on_commit(emails)
    return emails


def rate_alert_emails_queue(*, seller: Seller, rate: CancellationRate) -> list[OutboundEmail]:
    """Queue the alert that the cancellation rate is above the target to the users who may
    view Customer metrics, where it sends them. Call inside the transaction that records the
    alert."""
    return seller_emails_queue(
        seller=seller,
        kind=OutboundEmail.Kind.RATE_ABOVE_TARGET,
        area=Area.METRICS,
        message=lambda language: rate_alert_message(seller=seller, rate=rate, language=language),
    )


def seller_emails_queue(
    *, seller: Seller, kind: str, area: Area, message: Callable[[str], tuple[str, Bodies]]
) -> list[OutboundEmail]:
    """Queue an email of `kind` to each of the seller's active users who may view `area` and
    have an email address, in the user's language: `message(language)` gives its subject and
    bodies, rendered now. Call inside the transaction of what it reports."""
    recipients = seller.users.filter(
        is_active=True, permissions__area=area, permissions__level__gte=Level.VIEW
    ).exclude(email="")
    emails = []
    for user in recipients.order_by("pk"):
        subject, bodies = message(user.language)
        emails.append(
            _seller_email(
                seller=seller,
                kind=kind,
                to_address=user.email,
                language=user.language,
                subject=subject,
                bodies=bodies,
            )
        )
    emails = rows_insert(OutboundEmail, emails)
    _deliver_on_commit(emails)
    return emails


def seller_email_queue(
    *, seller: Seller, kind: str, to_address: str, language: str, subject: str, bodies: Bodies
) -> OutboundEmail:
    """Queue an email of the seller's, rendered already (an invitation, a password reset), to
    one address. Call inside the transaction of the change it reports."""
    email = _seller_email(
        seller=seller,
        kind=kind,
        to_address=to_address,
        language=language,
        subject=subject,
        bodies=bodies,
    )
    emails = rows_insert(OutboundEmail, [email])
    _deliver_on_commit(emails)
    return emails[0]


def _seller_email(
    *, seller: Seller, kind: str, to_address: str, language: str, subject: str, bodies: Bodies
) -> OutboundEmail:
    return OutboundEmail(
        seller=seller,
        kind=kind,
        language=language,
        to_address=to_address,
        from_address=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        body_text=bodies.text,
        body_html=bodies.html,
        message_id=f"<{_time_ordered_hex()}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
        next_attempt_at=timezone.now(),
    )


def _deliver_on_commit(emails: list[OutboundEmail]) -> None:
    """One delivery task per transaction that queued emails: it sends whatever is due. Should
    it be lost (its worker killed before it was queued), a live worker's sweep queues another."""
    from sellerdesk.notifications.tasks import deliver_outbound_emails

    if emails:
        enqueue_on_commit(deliver_outbound_emails)


def _time_ordered_hex() -> str:
    """A UUIDv7 (RFC 9562) in 32 hex digits: Unix time in milliseconds, then 74 random bits.
    Unique as a random UUID is, and in time order, so that the unique index of Message-IDs takes
    new ones at its end: random ones land on a random page of an index that grows with the
    outbox, and a feed's batch of a thousand emails then writes hundreds of its pages."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant 10 (RFC 9562)
    return f"{value:032x}"


def outbound_email_bodies(email: OutboundEmail) -> Bodies:
    """What was sent, or for an email still queued, what will be sent."""
    if email.body_text:
        return Bodies(text=email.body_text, html=email.body_html)
    # Only a buyer's email waits to be rendered; a seller's is rendered when it is queued.
    assert email.order is not None and email.event is not None
    return email_bodies(
        kind=email.kind, order=email.order, event=email.event, language=email.language
    )
