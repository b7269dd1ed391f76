"""Process a feed: read its document as a stream, apply the messages in batches through the
applier of its kind (feeds/kinds.py), record a result per failed or warned message, and write
the report.

Each batch commits its cancellations together with its results and the feed's progress, so a
worker that dies mid-feed leaves a consistent state: the next run resumes after the last
committed batch, and nothing is applied twice.

A feed is owned by the task that claimed it (`core.claims`). When that task's worker dies, a live
worker's sweep fails the task (`core.workers`) and queues the feed again (`feeds_recover`); the
new task takes it over. Every batch checks, under the feed's lock, that its task still owns the
feed and that the feed is where the batch starts, so a task that was given up for dead changes
nothing."""

import itertools
import logging
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, cast

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from sellerdesk.core.claims import MAX_RUNS, claim_open, orphans_requeue
from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.kinds import FeedKind, MessageKey, ReportFormat, feed_kind
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError
from sellerdesk.feeds.reports import (
    MessageResult,
    ReportSummary,
    write_processing_report_tsv,
    write_processing_report_xml,
)
from sellerdesk.feeds.results import feed_result
from sellerdesk.feeds.services import feed_result_document_create
from sellerdesk.metrics.rates import (
    cancellation_rate,
    cancellation_rate_after,
    crosses_target,
    first_cancellations_in_window,
)

logger = logging.getLogger(__name__)

# Messages per transaction. Larger batches cost less per message (fewer statements and commits,
# and far fewer pages written again by the next batch) but hold their orders' locks longer and
# take more memory; see docs/benchmarks.md, "Feeds".
BATCH_SIZE = 1000


class FeedTakenOver(Exception):
    """Another task owns the feed now: this one was given up for dead."""


def feed_process(*, feed_pk: int, task_id: str) -> str:
    """Process a feed as the task `task_id`, or resume it after the last committed batch."""
    # Reports are in English, as the marketplace's are, whoever submitted the feed.
    with translation.override("en"):
        try:
            return _process(feed_pk=feed_pk, task_id=task_id)
        except FeedTakenOver:
            logger.warning("Feed %s was taken over by another task; %s stops.", feed_pk, task_id)
            return "taken_over"


def _process(*, feed_pk: int, task_id: str) -> str:
    feed = _claim(feed_pk=feed_pk, task_id=task_id)
    if feed is None:
        return "skipped"
    if feed.runs > MAX_RUNS:
        _finish_fatal(
            feed=feed,
            rejected=FeedRejected(
                FileProblem.PROCESSING_INTERRUPTED,
                f"Processing stopped {MAX_RUNS} times before the end of the file (the worker "
                f"died or failed); the first {feed.records_done} messages were applied and are "
                "reported; the rest were not.",
            ),
        )
        return "fatal"
    kind = feed_kind(feed.feed_type)
    with feed.input_document.file.open("rb") as source:
        records = kind.read(cast(BinaryIO, source))
        try:
            # The parser checks the whole file before it yields the first record.
            first = next(records, None)
        except FeedRejected as rejected:
            _finish_fatal(feed=feed, rejected=rejected)
            return "fatal"
        stream = itertools.chain([] if first is None else [first], records)
        remaining = itertools.islice(stream, feed.records_done, None)
        position = feed.records_done
        for batch in itertools.batched(remaining, BATCH_SIZE, strict=False):
            _apply_batch(feed=feed, kind=kind, records=batch, first_position=position)
            position += len(batch)
    _finish(feed=feed)
    return "done"


def _claim(*, feed_pk: int, task_id: str) -> Feed | None:
    now = timezone.now()
    with transaction.atomic():
        feed = (
            Feed.objects.select_for_update(of=("self",))
            .select_related("seller", "input_document", "created_by")
            .filter(pk=feed_pk)
            .first()
        )
        if feed is None:
            return None
        if not claim_open(
            status=feed.processing_status, claimed_by=feed.claimed_by, task_id=task_id
        ):
            return None  # done, or its task is alive and on it
        feed.processing_status = Feed.Status.IN_PROGRESS
        feed.processing_start_time = feed.processing_start_time or now
        feed.claimed_by = task_id
        feed.runs += 1
        feed.save(
            update_fields=["processing_status", "processing_start_time", "claimed_by", "runs"]
        )
    return feed


def _hold(*, feed: Feed, position: int | None = None) -> None:
    """Inside a transaction: lock the feed and check that this task still owns it (and, for a
    batch, that the feed is where the batch starts)."""
    owned = Feed.objects.select_for_update().filter(pk=feed.pk, claimed_by=feed.claimed_by)
    if position is not None:
        owned = owned.filter(records_done=position)
    if not list(owned.values_list("pk", flat=True)):
        raise FeedTakenOver(feed.feed_id)


def _apply_batch(
    *, feed: Feed, kind: FeedKind[Any], records: Iterable[object], first_position: int
) -> None:
    """Apply one batch through its kind's applier, in one transaction with its results and
    the feed's progress; a dry run rolls the changes back and keeps what it forecasts."""
    results: list[FeedResult] = []
    messages = []
    count = 0
    for position, record in enumerate(records, first_position):
        count += 1
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
        _hold(feed=feed, position=first_position)
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
        errors = {r.position for r in results if r.result_code == "Error"}
        warned = {r.position for r in results if r.result_code == "Warning"} - errors
        Feed.objects.filter(pk=feed.pk).update(
            records_done=F("records_done") + count,
            messages_processed=F("messages_processed") + count,
            messages_successful=F("messages_successful") + count - len(errors),
            messages_with_error=F("messages_with_error") + len(errors),
            messages_with_warning=F("messages_with_warning") + len(warned),
            projected_cancellations=F("projected_cancellations") + projected,
        )


def _finish(*, feed: Feed) -> None:
    feed.refresh_from_db()
    forecast = [_forecast(feed)] if feed.dry_run else []
    _store_report(
        feed=feed,
        summary=_summary(feed, status_code="Complete"),
        results=itertools.chain(forecast, _message_results(feed)),
        status=Feed.Status.DONE,
    )


def _summary(feed: Feed, *, status_code: str) -> ReportSummary:
    return ReportSummary(
        document_transaction_id=feed.feed_id,
        status_code=status_code,
        processed=feed.messages_processed,
        successful=feed.messages_successful,
        with_error=feed.messages_with_error,
        with_warning=feed.messages_with_warning,
    )


def _message_results(feed: Feed) -> Iterator[MessageResult]:
    for row in feed.results.order_by("position", "message_code").iterator(chunk_size=2000):
        yield MessageResult(
            message_id=int(row.message_id),
            result_code=row.result_code,
            message_code=row.message_code,
            description=row.description,
            amazon_order_id=row.amazon_order_id or None,
            order_item_id=row.order_item_id or None,
            sku=row.sku or None,
        )


def _forecast(feed: Feed) -> MessageResult:
    rate = cancellation_rate(seller=feed.seller)
    after = cancellation_rate_after(rate=rate, more_cancelled=feed.projected_cancellations)
    warning = ""
    if crosses_target(before=rate, after=after):
        warning = " Applied, it would take the rate from under the target to at or above it."
    elif after.above_target:
        warning = " The rate is at or above the target, and would stay there if applied."
    return MessageResult(
        message_id=0,
        result_code="Warning",
        message_code=int(MessageProblem.DRY_RUN_FORECAST),
        description=(
            f"Dry run: nothing was applied. Cancellation rate over the last 7 days: "
            f"{rate.percent} % ({rate.cancelled}/{rate.orders}) now, {after.percent} % "
            f"({after.cancelled}/{after.orders}) if applied; target under 2.5 %.{warning}"
        ),
    )


def _finish_fatal(*, feed: Feed, rejected: FeedRejected) -> None:
    """End the feed FATAL. A whole-file problem is found before anything is applied; a feed
    given up after MAX_RUNS reports the messages its committed batches applied."""
    fatal = MessageResult(
        message_id=0,
        result_code="Error",
        message_code=int(rejected.code),
        description=rejected.description,
    )
    Feed.objects.filter(pk=feed.pk).update(
        fatal_code=int(rejected.code), fatal_description=rejected.description
    )
    feed.refresh_from_db()
    _store_report(
        feed=feed,
        summary=_summary(feed, status_code="Rejected"),
        results=itertools.chain([fatal], _message_results(feed)),
        status=Feed.Status.FATAL,
    )


def _store_report(
    *, feed: Feed, summary: ReportSummary, results: Iterable[MessageResult], status: str
) -> None:
    kind = feed_kind(feed.feed_type)
    with tempfile.TemporaryFile() as report:
        if kind.report is ReportFormat.XML:
            write_processing_report_xml(
                report,
                merchant_identifier=feed.seller.merchant_token,
                summary=summary,
                results=results,
            )
            content_type = "text/xml; charset=UTF-8"
        else:
            write_processing_report_tsv(
                report,
                summary=summary,
                results=results,
                by_sku=kind.keyed_by is MessageKey.SKU,
            )
            content_type = "text/tab-separated-values; charset=UTF-8"
        report.seek(0)
        with transaction.atomic():
            _hold(feed=feed)
            document = feed_result_document_create(
                seller=feed.seller, content_type=content_type, content=report
            )
            Feed.objects.filter(pk=feed.pk).update(
                result_document=document,
                processing_status=status,
                processing_end_time=timezone.now(),
            )


def feeds_recover() -> int:
    """Queue a task for every feed that has none to run it. Run by every live worker's sweep;
    returns how many feeds were queued."""
    from sellerdesk.feeds.tasks import process_feed

    return orphans_requeue(rows=Feed.objects.all(), task=process_feed, argument="feed_pk")
