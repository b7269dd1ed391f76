"""The batches of a feed, applied by any number of tasks at once, each exactly once.

A batch's claim is its transaction: the task locks the batch's row (FOR UPDATE SKIP LOCKED on
PostgreSQL), finds it not done, applies the batch's messages, writes their results, marks the
batch done and adds to the feed's counts, and commits. A batch locked by another task is
skipped; a task that dies rolls its batch back and releases it for whoever passes it next. On
SQLite, whose writers take turns (BEGIN IMMEDIATE), the done flag read inside the transaction
is enough.

Batches of one feed apply in the feed's order where the order matters: a batch waits for the
batches before it that carry messages of the same key (order or SKU), and a barrier batch (one
that changes stock in a way that does not commute: kinds.py) for every batch before it, as every
batch after it waits for it. A task waits only for batches of lower numbers, so no two tasks
wait for each other."""

import enum
import logging
from collections.abc import Collection, Sequence
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import F

from sellerdesk.feeds.kinds import FeedKind
from sellerdesk.feeds.models import Feed, FeedBatch, FeedResult
from sellerdesk.feeds.parsers.records import RecordError
from sellerdesk.feeds.results import feed_result
from sellerdesk.metrics.rates import first_cancellations_in_window

logger = logging.getLogger(__name__)

# Attempts of a batch that PostgreSQL aborted as the loser of a deadlock or a serialization
# conflict (with other writers of the same orders or listings: a page, another feed).
ATTEMPTS = 3
_RETRYABLE = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


class Claim(enum.Enum):
    APPLIED = "applied"  # by this task, now
    DONE = "done"  # before
    HELD = "held"  # by another task, in its transaction
    WAITING = "waiting"  # a batch it follows is not done: left for a later pass


class FeedEnded(Exception):
    """The feed ended (FATAL) while the batch was being applied: nothing more applies."""


class BatchOrder:
    """Which earlier batches each batch of a pass must follow, from the messages streamed so
    far: the latest batch of each of its keys, and the latest barrier (every batch since the
    latest barrier, for a barrier)."""

    def __init__(self, *, feed: Feed, kind: FeedKind[Any]) -> None:
        self.feed, self.kind = feed, kind
        self.latest: dict[str, int] = {}
        self.barrier: int | None = None

    def follows(self, number: int, records: Sequence[object]) -> set[int]:
        after: set[int] = set()
        barrier = False
        for record in records:
            if isinstance(record, RecordError):
                continue  # changes nothing
            key = self.kind.key(record)
            latest = self.latest.get(key)
            if latest is not None and latest != number:
                after.add(latest)
            self.latest[key] = number
            if self.kind.barrier is not None and not barrier:
                barrier = self.kind.barrier(self.feed, record)
        since = self.barrier if self.barrier is not None else 0
        if barrier:
            after = set(range(since, number))
            self.barrier = number
        elif self.barrier is not None:
            after.add(self.barrier)
        return after


def batch_apply(
    *,
    feed: Feed,
    kind: FeedKind[Any],
    number: int,
    records: Sequence[object],
    follows: Collection[int],
) -> Claim:
    """Apply batch `number` of the feed unless it is done or another task holds it, after the
    batches it follows; retried when the database aborts it as a deadlock's loser."""
    # Its row first, committed on its own: a row inserted in the batch's transaction would
    # make every other task that passes it wait for that transaction instead of skipping it.
    FeedBatch.objects.bulk_create(
        [FeedBatch(feed=feed, number=number, records=len(records))], ignore_conflicts=True
    )
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _claim_and_apply(
                feed=feed, kind=kind, number=number, records=records, follows=follows
            )
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) not in _RETRYABLE or attempt == ATTEMPTS:
                raise
            logger.warning("Feed %s batch %d: %s; again.", feed.feed_id, number, error)
    raise AssertionError("unreachable")


def _claim_and_apply(
    *,
    feed: Feed,
    kind: FeedKind[Any],
    number: int,
    records: Sequence[object],
    follows: Collection[int],
) -> Claim:
    first_position = number * feed.batch_size
    with transaction.atomic():
        claimed = list(
            FeedBatch.objects.select_for_update(skip_locked=True)
            .filter(feed=feed, number=number)
            .values_list("pk", "done")
        )
        if not claimed:
            return Claim.HELD
        ((pk, done),) = claimed
        if done:
            return Claim.DONE
        if follows and not batches_done(feed=feed, numbers=follows):
            return Claim.WAITING
        results: list[FeedResult] = []
        messages = []
        for position, record in enumerate(records, first_position):
            if isinstance(record, RecordError):
                results.append(
                    feed_result(
                        feed,
                        position,
                        record.message_id,
                        record.code,
                        record.description,
                        record.amazon_order_id,
                        record.order_item_id,
                        record.sku,
                    )
                )
            else:
                messages.append((position, record))
        with transaction.atomic():
            applied = kind.apply(feed=feed, messages=messages)
            projected = 0
            if feed.dry_run:
                projected = first_cancellations_in_window(
                    seller=feed.seller, events=applied.cancellations
                )
                transaction.set_rollback(True)
        results.extend(applied.results)
        FeedResult.objects.bulk_create(results)
        FeedBatch.objects.filter(pk=pk).update(done=True)
        errors = {r.position for r in results if r.result_code == "Error"}
        warned = {r.position for r in results if r.result_code == "Warning"} - errors
        count = len(records)
        counted = Feed.objects.filter(pk=feed.pk, processing_status=Feed.Status.IN_PROGRESS).update(
            records_done=F("records_done") + count,
            messages_processed=F("messages_processed") + count,
            messages_successful=F("messages_successful") + count - len(errors),
            messages_with_error=F("messages_with_error") + len(errors),
            messages_with_warning=F("messages_with_warning") + len(warned),
            projected_cancellations=F("projected_cancellations") + projected,
        )
        if not counted:
            raise FeedEnded(feed.feed_id)
    return Claim.APPLIED


def batches_done(*, feed: Feed, numbers: Collection[int]) -> bool:
    """Wait until no task holds the feed's batches `numbers` in its transaction; whether they
    are all done then. Shared locks: tasks waiting for the same batch do not wait for each
    other, and a task applying it passes them by."""
    rows = FeedBatch.objects.filter(feed=feed, number__in=list(numbers)).values_list("done")
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} FOR SHARE", params)
            found = cursor.fetchall()
    else:
        found = list(rows)
    return len(found) == len(numbers) and all(done for (done,) in found)


def done_batches(feed: Feed) -> set[int]:
    return set(FeedBatch.objects.filter(feed=feed, done=True).values_list("number", flat=True))
