"""Sending the notifications outbox: a task claims due deliveries a batch at a time, POSTs each
to its destination's webhook, signed, and records the outcome on the row. The rows are the
record of what must be sent: a lost task costs nothing, since every sweep of a live worker
queues one whenever a delivery is due and none would run (`deliveries_recover`).

- At least once: a delivery is done when its receiver answers 2xx; anything else (another
  status, a redirect, which is never followed, a refused or timed-out connection, an address
  that is no longer allowed) is tried again after WEBHOOKS_RETRY_BASE_SECONDS * 2**(n-1)
  seconds, at most an hour. Every attempt sends the same body, with the same notificationId.
- In order: a delivery waits while an earlier one with the same destination and ordering key
  (the order, the feed, the report) is not yet delivered.
- Bounded: 3 s to connect, 5 s for each read, 16 KiB of the answer read; the worker connects
  to the address that webhook_target() checked, so the name cannot resolve elsewhere between
  the check and the connection.
- A destination whose deliveries have failed for WEBHOOKS_DISABLE_AFTER_HOURS is disabled and
  the seller's users are emailed; its deliveries wait until the seller enables it again."""

import datetime
import http.client
import logging
import socket
import threading
import time
from contextlib import suppress
from typing import Any

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation

from sellerdesk.core.outboxes import outbox_claim, outbox_release_orphans, task_idle
from sellerdesk.core.workers import current_worker_id
from sellerdesk.webhooks.addresses import Target, WebhookUrlRefused, webhook_target
from sellerdesk.webhooks.models import Delivery, Destination
from sellerdesk.webhooks.services import destination_disable
from sellerdesk.webhooks.signing import SIGNATURE_HEADER, signature_header

logger = logging.getLogger(__name__)

DELIVERY_BATCH = 20
# After this long a task hands the rest over to a new task at the back of the queue.
TASK_SECONDS = 2.0
# A worker that hangs while sending (it still beats) gives its claimed deliveries up after this.
SEND_LEASE = datetime.timedelta(seconds=60)
MAX_RETRY_DELAY = datetime.timedelta(hours=1)
# Each connect and each read (seconds).
TIMEOUT = 5.0
# The longest one delivery may hold a worker, reads included (seconds).
DEADLINE = 10.0
RESPONSE_LIMIT = 16 * 1024
USER_AGENT = "SellerDesk-Webhooks/1"
NOTIFICATION_ID_HEADER = "X-SellerDesk-Notification-Id"

Delivered, Retry, Deferred, Skipped = "delivered", "retry", "deferred", "skipped"
SENDING = (Delivery.Status.PENDING, Delivery.Status.SENDING)


def deliveries_send() -> dict[str, int]:
    """Send what is due, a batch at a time; hand over to a new task after TASK_SECONDS."""
    counts = {Delivered: 0, Retry: 0, Deferred: 0, Skipped: 0}
    started = time.monotonic()
    while time.monotonic() - started < TASK_SECONDS:
        deliveries = _claim_due()
        if not deliveries:
            return counts
        failing: dict[int, datetime.datetime] = {}
        for delivery in deliveries:
            next_attempt = failing.get(delivery.destination_id)
            if next_attempt is None and time.monotonic() - started >= TASK_SECONDS:
                next_attempt = timezone.now()
            if next_attempt is not None:
                # Its destination just failed (or time is up): it waits without an attempt.
                _release(delivery, next_attempt_at=next_attempt)
                counts[Deferred] += 1
                continue
            outcome, next_attempt = _deliver(delivery)
            counts[outcome] += 1
            if outcome == Retry and next_attempt is not None:
                failing[delivery.destination_id] = next_attempt
    if _due(timezone.now()).exists():
        _delivery_queue()
    return counts


def deliveries_recover() -> int:
    """Release deliveries claimed by dead workers, and queue a delivery task if anything is due
    and no task would run. Run by every live worker's sweep; returns the deliveries released."""
    released = outbox_release_orphans(Delivery, rows_name="notification(s)")
    if _due(timezone.now()).exists() and task_idle(_delivery_task()):
        _delivery_queue()
    return released


def _due(now: datetime.datetime) -> QuerySet[Delivery]:
    earlier = Delivery.objects.filter(
        destination_id=OuterRef("destination_id"),
        ordering_key=OuterRef("ordering_key"),
        pk__lt=OuterRef("pk"),
        status__in=SENDING,
    )
    return (
        Delivery.objects.filter(
            status__in=SENDING,
            next_attempt_at__lte=now,
            destination__disabled_at__isnull=True,
            destination__deleted_at__isnull=True,
        )
        .exclude(status=Delivery.Status.SENDING, lease_expires_at__gt=now)
        .exclude(Exists(earlier))
        .order_by("next_attempt_at", "pk")
    )


def _delivery_task() -> Any:
    from sellerdesk.webhooks.tasks import deliver_notifications  # the tasks module imports this one

    return deliver_notifications


def _delivery_queue() -> None:
    _delivery_task().enqueue()


def _claim_due() -> list[Delivery]:
    ids = outbox_claim(_due(timezone.now()), batch=DELIVERY_BATCH, lease=SEND_LEASE)
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("destination")
        .order_by("next_attempt_at", "pk")
    )


def _deliver(delivery: Delivery) -> tuple[str, datetime.datetime | None]:
    """POST one claimed delivery; its outcome, and when it is due again if it failed."""
    destination = delivery.destination
    body = delivery.body.encode()
    status: int | None = None
    try:
        # The error recorded on the row reads the same whatever language the worker runs in.
        with translation.override("en"):
            target = webhook_target(destination.url)
        status = _post(
            target,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                NOTIFICATION_ID_HEADER: delivery.notification_id,
                SIGNATURE_HEADER: signature_header(
                    secret=destination.signing_secret, body=body, timestamp=int(time.time())
                ),
            },
        )
    except WebhookUrlRefused as error:
        problem = error.message
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as error:
        problem = f"{type(error).__name__}: {error}"[:2000]
    else:
        if 200 <= status < 300:
            return _record_success(delivery, status=status), None
        problem = f"The receiver answered {status}."
    return _record_failure(delivery, problem=problem, status=status)


def _post(target: Target, *, body: bytes, headers: dict[str, str]) -> int:
    """POST to the address that was checked, never following a redirect. A receiver that
    answers slowly, a byte at a time, is cut off at DEADLINE whatever each read waits."""
    connection = _connection(target)
    watchdog = threading.Timer(DEADLINE, _cut, args=(connection,))
    watchdog.start()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            preload_content=False,
        )
        response = connection.getresponse()
        try:
            response.read(RESPONSE_LIMIT)  # what is past it is dropped with the connection
        finally:
            response.close()
        return int(response.status)
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as error:
        if not watchdog.is_alive():
            raise TimeoutError(f"The receiver took longer than {DEADLINE:g} s.") from error
        raise
    finally:
        watchdog.cancel()
        connection.close()


def _connection(target: Target) -> urllib3.connection.HTTPConnection:
    if target.scheme == "https":
        return urllib3.connection.HTTPSConnection(
            target.address,
            target.port,
            timeout=TIMEOUT,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.connection.HTTPConnection(target.address, target.port, timeout=TIMEOUT)


def _cut(connection: urllib3.connection.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _release(delivery: Delivery, *, next_attempt_at: datetime.datetime) -> None:
    Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.SENDING, claimed_by=current_worker_id()
    ).update(
        status=Delivery.Status.PENDING,
        next_attempt_at=next_attempt_at,
        lease_expires_at=None,
        claimed_by="",
    )


def _record_success(delivery: Delivery, *, status: int) -> str:
    now = timezone.now()
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status == Delivery.Status.DELIVERED:
            return Skipped
        locked.status = Delivery.Status.DELIVERED
        locked.attempts += 1
        locked.delivered_at = now
        locked.last_status_code = status
        locked.last_error = ""
        locked.lease_expires_at = None
        locked.claimed_by = ""
        locked.save(
            update_fields=[
                "status",
                "attempts",
                "delivered_at",
                "last_status_code",
                "last_error",
                "lease_expires_at",
                "claimed_by",
            ]
        )
        Destination.objects.filter(pk=delivery.destination_id, failing_since__isnull=False).update(
            failing_since=None
        )
    return Delivered


def _record_failure(
    delivery: Delivery, *, problem: str, status: int | None
) -> tuple[str, datetime.datetime | None]:
    """Back off exponentially; a destination failing for long enough is disabled."""
    now = timezone.now()
    with transaction.atomic():
        # The destination first, as the seller's changes to it lock it first.
        destination = Destination.objects.select_for_update().get(pk=delivery.destination_id)
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.status == Delivery.Status.DELIVERED:
            return Skipped, None
        locked.attempts += 1
        delay = datetime.timedelta(
            seconds=settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** min(locked.attempts - 1, 20)
        )
        locked.status = Delivery.Status.PENDING
        locked.next_attempt_at = now + min(delay, MAX_RETRY_DELAY)
        locked.last_error = problem
        locked.last_status_code = status
        locked.lease_expires_at = None
        locked.claimed_by = ""
        locked.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "last_error",
                "last_status_code",
                "lease_expires_at",
                "claimed_by",
            ]
        )
        if destination.failing_since is None:
            destination.failing_since = now
            destination.save(update_fields=["failing_since"])
        elif destination.disabled_at is None and now - destination.failing_since >= (
            datetime.timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS)
        ):
            destination_disable(destination=destination, problem=problem)
    logger.info("Notification %s was not delivered: %s", delivery.notification_id, problem)
    return Retry, locked.next_attempt_at
