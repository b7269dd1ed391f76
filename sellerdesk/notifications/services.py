"""The email outbox: queue in the change's transaction, deliver after commit, retry with
backoff, and never lose a row. Buyers get an email for each cancellation and refund; a seller's
users get the cancellation rate alert."""

import datetime
import logging
import os
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from sellerdesk.accounts.models import Seller
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
from sellerdesk.orders.services import order_event_record

logger = logging.getLogger(__name__)

# A worker that claimed an email and died releases it when the lease runs out.
SEND_LEASE = datetime.timedelta(minutes=2)
# Emails per delivery task: one SMTP connection serves a batch.
DELIVERY_BATCH = 100


def outbound_emails_queue(*, events: list[OrderEvent], kind: str) -> list[OutboundEmail]:
    """Queue one email of kind per event (a cancellation, a refund), in the buyer's language.
    Call inside the change's transaction: the rows commit with it, and delivery runs after
    commit."""
    now = timezone.now()
    sender, domain = settings.DEFAULT_FROM_EMAIL, settings.EMAIL_MESSAGE_ID_DOMAIN
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
                subject=email_subject(kind=kind, event=event, language=event.order.buyer_language),
                message_id=f"<{_time_ordered_hex()}@{domain}>",
                next_attempt_at=now,
            )
            for event in events
        ],
    )
    _deliver_on_commit(emails)
    return emails


def rate_alert_emails_queue(*, seller: Seller, rate: CancellationRate) -> list[OutboundEmail]:
    """Queue the alert that the cancellation rate is above the target to each of the seller's
    active users with an email address, in the user's language. Call inside the transaction
    that records the alert."""
    now = timezone.now()
    sender, domain = settings.DEFAULT_FROM_EMAIL, settings.EMAIL_MESSAGE_ID_DOMAIN
    emails = []
    for user in seller.users.filter(is_active=True).exclude(email="").order_by("pk"):
        subject, bodies = rate_alert_message(seller=seller, rate=rate, language=user.language)
        emails.append(
            OutboundEmail(
                seller=seller,
                kind=OutboundEmail.Kind.RATE_ABOVE_TARGET,
                language=user.language,
                to_address=user.email,
                from_address=sender,
                subject=subject,
                body_text=bodies.text,
                body_html=bodies.html,
                message_id=f"<{_time_ordered_hex()}@{domain}>",
                next_attempt_at=now,
            )
        )
    emails = rows_insert(OutboundEmail, emails)
    _deliver_on_commit(emails)
    return emails


def _deliver_on_commit(emails: list[OutboundEmail]) -> None:
    from sellerdesk.notifications.tasks import deliver_outbound_emails

    ids = [email.pk for email in emails]
    for start in range(0, len(ids), DELIVERY_BATCH):
        enqueue_on_commit(deliver_outbound_emails, ids[start : start + DELIVERY_BATCH])


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


def outbound_emails_deliver(*, email_ids: list[int]) -> dict[str, int]:
    """Deliver a batch of queued emails over one SMTP connection."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    connection = mailers.default
    with connection:
        for email_id in email_ids:
            counts[outbound_email_deliver(email_id=email_id, connection=connection)] += 1
    return counts


def outbound_email_deliver(*, email_id: int, connection: BaseEmailBackend | None = None) -> str:
    """Send one queued email. Safe to run twice and concurrently: a lease lets only one worker
    send; success is recorded with an event on the order; failure schedules a retry."""
    email = _claim(email_id=email_id)
    if email is None:
        return "skipped"
    try:
        _send(email, connection=connection or mailers.default)
    except Exception as error:
        about = f"order {email.order_id}" if email.order_id else f"seller {email.seller_id}"
        logger.warning("Email %s about %s failed: %s", email.pk, about, error)
        retry_at = _record_failure(email=email, error=error)
        if retry_at is not None:
            from sellerdesk.notifications.tasks import deliver_outbound_emails

            deliver_outbound_emails.using(run_after=retry_at).enqueue([email.pk])
        return "failed"
    _record_success(email=email)
    return "sent"


def outbound_emails_requeue(*, include_failed: bool = False) -> int:
    """Queue a delivery task for every email that is due: pending ones whose task was lost with
    a dead worker, sends whose lease ran out, and (when asked) those that used all attempts."""
    from sellerdesk.notifications.tasks import deliver_outbound_emails

    now = timezone.now()
    statuses = [OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING]
    if include_failed:
        OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).update(
            status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=now
        )
    due = OutboundEmail.objects.filter(status__in=statuses, next_attempt_at__lte=now).exclude(
        lease_expires_at__gt=now
    )
    ids = list(due.values_list("pk", flat=True))
    for start in range(0, len(ids), DELIVERY_BATCH):
        deliver_outbound_emails.enqueue(ids[start : start + DELIVERY_BATCH])
    return len(ids)


def _claim(*, email_id: int) -> OutboundEmail | None:
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("order", "event")
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.status in {
            OutboundEmail.Status.SENT,
            OutboundEmail.Status.FAILED,
        }:
            return None
        if email.next_attempt_at > now:
            return None  # an earlier task; the retry task is queued for later
        if (
            email.status == OutboundEmail.Status.SENDING
            and email.lease_expires_at
            and (email.lease_expires_at > now)
        ):
            return None  # another worker is sending it right now
        email.status = OutboundEmail.Status.SENDING
        email.attempts += 1
        email.lease_expires_at = now + SEND_LEASE
        fields = ["status", "attempts", "lease_expires_at"]
        if not email.body_text:
            bodies = outbound_email_bodies(email)
            email.body_text, email.body_html = bodies.text, bodies.html
            fields += ["body_text", "body_html"]
        email.save(update_fields=fields)
    return email


def _send(email: OutboundEmail, *, connection: BaseEmailBackend) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_address,
        to=[email.to_address],
        headers={"Message-ID": email.message_id, "Content-Language": email.language},
    )
    message.attach_alternative(email.body_html, "text/html")
    connection.send_messages([message])


def _record_success(*, email: OutboundEmail) -> None:
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status == OutboundEmail.Status.SENT:
            return
        locked.status = OutboundEmail.Status.SENT
        locked.sent_at = timezone.now()
        locked.lease_expires_at = None
        locked.last_error = ""
        locked.save(update_fields=["status", "sent_at", "lease_expires_at", "last_error"])
        order = locked.order
        if order is None:
            return  # a seller's email: no order timeline to record it on
        order_event_record(
            order=order,
            kind=OrderEvent.Kind.EMAIL_SENT,
            source=OrderEvent.Source.SYSTEM,
            data={"email_id": locked.pk, "to": locked.to_address, "subject": locked.subject},
        )


def _record_failure(*, email: OutboundEmail, error: Exception) -> datetime.datetime | None:
    """Back off exponentially; after the last attempt the email waits for an operator."""
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        locked.last_error = f"{type(error).__name__}: {error}"[:2000]
        locked.lease_expires_at = None
        if locked.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            locked.status = OutboundEmail.Status.FAILED
            retry_at = None
        else:
            locked.status = OutboundEmail.Status.PENDING
            delay = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (locked.attempts - 1)
            retry_at = timezone.now() + datetime.timedelta(seconds=min(delay, 6 * 3600))
            locked.next_attempt_at = retry_at
        locked.save(update_fields=["last_error", "lease_expires_at", "status", "next_attempt_at"])
    return retry_at
