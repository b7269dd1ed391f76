"""Delivering the outbox: a task claims due emails a batch at a time, sends them over one
connection and records each outcome on its row. The rows are the record of what must be sent:
a task that is lost costs nothing, since every sweep of a live worker queues a delivery task
whenever an email is due and none would run (`outbox_recover`).

Failures are of two kinds, and each is recorded on the row it stopped.
- The server cannot be used: the connection is refused or times out, TLS or the sign-in fails,
  the server answers 421 or drops the connection. The server is marked down and the emails keep
  their place, with the error, due as soon as it is back. While it is down no email is tried: one
  probe connection is made at a time, 5 s after the failure, then after 10, 20 and every 30 s.
  The first connection that works makes every waiting email due at once.
- The server refuses one email: a 4xx reply is retried with that email's own backoff (30 s,
  60 s, 120 s, … at most 6 h) until EMAIL_MAX_ATTEMPTS; a 5xx reply, or an address that cannot be
  sent to, is final and the email is failed.
"""

import datetime
import logging
import smtplib
import time
from contextlib import suppress
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from sellerdesk.core.outboxes import outbox_claim, outbox_release_orphans, task_idle
from sellerdesk.core.workers import current_worker_id
from sellerdesk.notifications.models import MailServerStatus, OutboundEmail
from sellerdesk.notifications.rendering import Bodies
from sellerdesk.notifications.services import outbound_email_bodies
from sellerdesk.orders.models import OrderEvent
from sellerdesk.orders.services import order_event_record

logger = logging.getLogger(__name__)

MAILER = "default"
# Emails claimed at once and sent over one connection.
DELIVERY_BATCH = 100
# After this long a delivery task hands the rest of a backlog over to a new task at the back of
# the queue, so that a worker never holds other work (a feed to take over) behind a long one.
TASK_SECONDS = 2.0
# A worker that hangs while sending (it still beats) gives its claimed emails up after this.
SEND_LEASE = datetime.timedelta(minutes=2)
PROBE_DELAYS = (5, 10, 20, 30)  # seconds between probes of a server that is down
MAX_RETRY_DELAY = datetime.timedelta(hours=6)

Sent, Retry, Failed, Skipped = "sent", "retry", "failed", "skipped"


class ServerUnavailable(Exception):
    def __init__(self, error: BaseException):
        super().__init__(_describe(error))


def outbound_emails_deliver() -> dict[str, int]:
    """Send what is due, a batch at a time; hand over to a new task after TASK_SECONDS."""
    counts = {Sent: 0, Retry: 0, Failed: 0, Skipped: 0}
    started = time.monotonic()
    while time.monotonic() - started < TASK_SECONDS:
        if not _mail_server_ready():
            return counts
        emails = _claim_due()
        if not emails:
            return counts
        try:
            _send_batch(emails, counts)
        except ServerUnavailable:
            return counts
    if _due(timezone.now()).exists():
        _delivery_queue()
    return counts


def outbox_recover() -> int:
    """Release emails claimed by dead workers, and queue a delivery task if anything is due
    and no task would run. Run by every live worker's sweep; returns the emails released."""
    released = outbox_release_orphans(OutboundEmail, rows_name="email(s)")
    if _delivery_due(timezone.now()) and task_idle(_delivery_task()):
        _delivery_queue()
    return released


def outbound_emails_retry_failed() -> int:
    """Give the emails that used all their attempts (or were refused for good) a new start."""
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).update(
        status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def _due(now: datetime.datetime) -> QuerySet[OutboundEmail]:
    return (
        OutboundEmail.objects.filter(
            status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING],
            next_attempt_at__lte=now,
        )
        .exclude(status=OutboundEmail.Status.SENDING, lease_expires_at__gt=now)
        .order_by("next_attempt_at", "pk")
    )


def _delivery_due(now: datetime.datetime) -> bool:
    server = MailServerStatus.objects.filter(mailer=MAILER).first()
    if server is not None and server.down_since is not None:
        waiting = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).exists()
        return waiting and server.next_probe_at is not None and server.next_probe_at <= now
    return _due(now).exists()


def _delivery_task() -> Any:
    from sellerdesk.notifications.tasks import (
        deliver_outbound_emails,  # the tasks module imports this one
    )

    return deliver_outbound_emails


def _delivery_queue() -> None:
    _delivery_task().enqueue()


def _claim_due() -> list[OutboundEmail]:
    due = _due(timezone.now())
    ids = outbox_claim(due, batch=DELIVERY_BATCH, lease=SEND_LEASE, attempts=F("attempts") + 1)
    return list(
        OutboundEmail.objects.filter(pk__in=ids)
        .select_related("order__seller", "event")
        .order_by("next_attempt_at", "pk")
    )


def _send_batch(emails: list[OutboundEmail], counts: dict[str, int]) -> None:
    connection = mailers[MAILER]
    try:
        connection.open()
    except OSError as error:
        _server_down(error)
        _wait_for_server(emails, error)
        raise ServerUnavailable(error) from error
    _server_up()
    try:
        for index, email in enumerate(emails):
            if not _still_claimed(email):
                counts[Skipped] += 1  # given up as ours while we were slow; another sends it
                continue
            counts[_deliver(email, connection, emails[index:])] += 1
    finally:
        with suppress(Exception):
            connection.close()


def _deliver(
    email: OutboundEmail, connection: BaseEmailBackend, unsent: list[OutboundEmail]
) -> str:
    """Send one claimed email; on a server failure the rest of the batch waits for the
    server with it."""
    bodies = None
    try:
        if not email.body_text:
            bodies = outbound_email_bodies(email)
            email.body_text, email.body_html = bodies.text, bodies.html
        _send(email, connection)
    except Exception as error:
        if _is_server_failure(error):
            _server_down(error)
            _wait_for_server(unsent, error)
            raise ServerUnavailable(error) from error
        about = f"order {email.order_id}" if email.order_id else f"seller {email.seller_id}"
        logger.warning("Email %s about %s was refused: %s", email.pk, about, _describe(error))
        return _record_failure(email=email, error=error, bodies=bodies)
    _record_success(email=email, bodies=bodies)
    return Sent


def _send(email: OutboundEmail, connection: BaseEmailBackend) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_address,
        to=[email.to_address],
        headers={"Message-ID": email.message_id, "Content-Language": email.language},
    )
    message.attach_alternative(email.body_html, "text/html")
    connection.send_messages([message])


def _still_claimed(email: OutboundEmail) -> bool:
    return OutboundEmail.objects.filter(
        pk=email.pk, status=OutboundEmail.Status.SENDING, claimed_by=current_worker_id()
    ).exists()


def _reply_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return max(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


def _is_server_failure(error: BaseException) -> bool:
    """The server, not this email: no usable connection, or 421 (the server is closing)."""
    code = _reply_code(error)
    if code is not None:
        return code == 421
    return isinstance(error, OSError)  # refused, reset, timed out, TLS, disconnected


def _is_final(error: BaseException) -> bool:
    """A 5xx reply, or an address that cannot be written: sending again gives the same."""
    code = _reply_code(error)
    return (code is not None and code >= 500) or isinstance(error, ValueError)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _record_success(*, email: OutboundEmail, bodies: Bodies | None) -> None:
    with transaction.atomic():
        locked = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("order")
            .get(pk=email.pk)
        )
        if locked.status == OutboundEmail.Status.SENT:
            return
        locked.status = OutboundEmail.Status.SENT
        locked.sent_at = timezone.now()
        locked.lease_expires_at = None
        locked.claimed_by = ""
        locked.last_error = ""
        fields = ["status", "sent_at", "lease_expires_at", "claimed_by", "last_error"]
        if bodies is not None:
            locked.body_text, locked.body_html = bodies.text, bodies.html
            fields += ["body_text", "body_html"]
        locked.save(update_fields=fields)
        if locked.order is None:
            return  # a seller's email: no order timeline to record it on
        order_event_record(
            order=locked.order,
            kind=OrderEvent.Kind.EMAIL_SENT,
            source=OrderEvent.Source.SYSTEM,
            data={"email_id": locked.pk, "to": locked.to_address, "subject": locked.subject},
        )


def _record_failure(*, email: OutboundEmail, error: Exception, bodies: Bodies | None) -> str:
    """Back off exponentially; a final refusal, or the last attempt, waits for an operator."""
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if locked.status == OutboundEmail.Status.SENT:
            return Skipped
        locked.last_error = _describe(error)
        locked.lease_expires_at = None
        locked.claimed_by = ""
        fields = ["last_error", "lease_expires_at", "claimed_by", "status", "next_attempt_at"]
        if _is_final(error) or locked.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            locked.status = OutboundEmail.Status.FAILED
            outcome = Failed
        else:
            locked.status = OutboundEmail.Status.PENDING
            delay = datetime.timedelta(
                seconds=settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (locked.attempts - 1)
            )
            locked.next_attempt_at = timezone.now() + min(delay, MAX_RETRY_DELAY)
            outcome = Retry
        if bodies is not None:
            locked.body_text, locked.body_html = bodies.text, bodies.html
            fields += ["body_text", "body_html"]
        locked.save(update_fields=fields)
    return outcome


def _wait_for_server(emails: list[OutboundEmail], error: BaseException) -> None:
    """The server could not take these: they keep their place, with the error, due as soon as
    it is back (the probe decides when)."""
    OutboundEmail.objects.filter(
        pk__in=[email.pk for email in emails],
        status=OutboundEmail.Status.SENDING,
        claimed_by=current_worker_id(),
    ).update(
        status=OutboundEmail.Status.PENDING,
        last_error=_describe(error),
        lease_expires_at=None,
        claimed_by="",
        next_attempt_at=timezone.now(),
    )


def _mail_server_ready() -> bool:
    """Whether to send now: the server is up, or it is down and this task makes the probe."""
    server = MailServerStatus.objects.filter(mailer=MAILER).first()
    if server is None or server.down_since is None:
        return True
    now = timezone.now()
    with transaction.atomic():
        server = MailServerStatus.objects.select_for_update().get(pk=server.pk)
        if server.down_since is None:
            return True
        if server.next_probe_at is not None and server.next_probe_at > now:
            return False
        # Taken: until this probe has an answer, no other task probes.
        server.next_probe_at = now + datetime.timedelta(seconds=PROBE_DELAYS[-1])
        server.save(update_fields=["next_probe_at"])
    connection = mailers[MAILER]
    try:
        connection.open()
    except OSError as error:
        _server_down(error)
        return False
    finally:
        with suppress(Exception):
            connection.close()
    _server_up()
    return True


def _server_down(error: BaseException) -> None:
    now = timezone.now()
    with transaction.atomic():
        server, _created = MailServerStatus.objects.select_for_update().get_or_create(mailer=MAILER)
        if server.down_since is None:
            logger.warning("The mail server is down: %s", _describe(error))
            server.down_since = now
            server.failures = 0
        delay = PROBE_DELAYS[min(server.failures, len(PROBE_DELAYS) - 1)]
        server.failures += 1
        server.next_probe_at = now + datetime.timedelta(seconds=delay)
        server.last_error = _describe(error)
        server.save()


def _server_up() -> None:
    """A connection worked: if the server was down, every waiting email is due now."""
    if not MailServerStatus.objects.filter(mailer=MAILER, down_since__isnull=False).exists():
        return
    now = timezone.now()
    with transaction.atomic():
        server = MailServerStatus.objects.select_for_update().get(mailer=MAILER)
        if server.down_since is None:
            return
        logger.warning("The mail server is back after %s.", now - server.down_since)
        server.down_since = None
        server.failures = 0
        server.next_probe_at = None
        server.save(update_fields=["down_since", "failures", "next_probe_at"])
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, next_attempt_at__gt=now
        ).update(next_attempt_at=now)
