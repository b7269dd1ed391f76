"""Process a feed: read its document as a stream, apply the messages in batches through the
applier of its kind (feeds/kinds.py), record a result per failed or warned message, and write
the report.

A feed gets FEED_WORKERS tasks (settings), and each of them streams the document and applies
the batches that are neither done nor held by another task (feeds/batches.py: a batch commits
its changes with its results, its done flag and the feed's progress, exactly once). At the end
of its pass a task waits for the batches that others hold; if one is still not done (its task
died, or it waited for one that did), it passes again. The task that finds every batch done
writes the report, in message order, and ends the feed.

The workers are shared between sellers a batch at a time: between two batches a task applies a
batch of whichever feed's turn it is (feeds/turns.py), keeping its place in each feed it has
opened, and goes back to its own feed's batches when that feed's turn comes again. It ends when
its own feed has ended; what it leaves of another feed, that feed's own tasks finish.

When every task of a feed has died with its worker, a live worker's sweep fails the tasks
(`core.workers`) and queues the feed again (`feeds_recover`): the new task resumes it, skipping
what is done."""

import itertools
import logging
import tempfile
from collections.abc import Generator, Iterable, Iterator
from typing import Any, BinaryIO, cast

from django.db import transaction
from django.utils import timezone, translation

from sellerdesk.accounts.acting import acting_application
from sellerdesk.accounts.permissions import PermissionRefused
from sellerdesk.core.claims import MAX_RUNS, orphans_requeue
from sellerdesk.feeds.batches import (
    BatchOrder,
    Claim,
    FeedEnded,
    batch_apply,
    batches_done,
    done_batches,
)
from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.kinds import FeedKind, MessageKey, ReportFormat, feed_kind
from sellerdesk.feeds.models import Feed
from sellerdesk.feeds.parsers.records import FeedRejected
from sellerdesk.feeds.reports import (
    MessageResult,
    ReportSummary,
    write_processing_report_tsv,
    write_processing_report_xml,
)
from sellerdesk.feeds.services import feed_permission_check, feed_result_document_create
from sellerdesk.feeds.turns import ACTIVE, feed_next, feed_turn_take
from sellerdesk.metrics.rates import (
    cancellation_rate,
    cancellation_rate_after,
    crosses_target,
)
from sellerdesk.webhooks.processing_finished import feed_finished_queue

logger = logging.getLogger(__name__)

# Messages per transaction. Larger batches cost less per message (fewer statements and commits,
# and far fewer pages written again by the next batch) but hold their orders' locks longer and
# take more memory; see docs/benchmarks.md, "Feeds". A feed keeps the size it started with.
BATCH_SIZE = 1000
# Feeds one task has open at once (its own and others' whose turns came): each keeps its document
# open and its place in it. With more, the task serves only those until one ends.
OPEN_RUNS = 8


def feed_process(*, feed_pk: int, resumed: bool = False) -> str:
    """Apply the feed's batches that are left, with the feed's other tasks, and finish it;
    between two batches, apply a batch of whichever feed's turn it is (feeds/turns.py), another
    seller's as well. `resumed`: queued again because the feed had no task left (a new run)."""
    # Reports are in English, as the marketplace's are, whoever submitted the feed.
    with translation.override("en"):
        feed = _claim(feed_pk=feed_pk, resumed=resumed)
        if feed is None:
            return "skipped"
        runs: dict[int, Generator[None, None, str]] = {}
        try:
            return _share(own=feed, runs=runs)
        finally:
            for run in runs.values():
                run.close()


def _share(*, own: Feed, runs: dict[int, Generator[None, None, str]]) -> str:
    """Step the runs (`_run`), a batch a step, in the order of the sellers' turns, opening runs
    of other feeds as their turns come, until the task's own feed has ended; its outcome.
    Between two steps the task holds no batch: a run left open costs nothing to drop."""
    passed: set[int] = set()  # feeds this task is done with
    while True:
        among = {*runs, own.pk} if len(runs) >= OPEN_RUNS else None
        pk = feed_next(excluded=passed, among=among)
        if pk is None:
            return _outcome(own.pk)  # ended by another task
        steps = 1
        if pk not in runs:
            feed = own if pk == own.pk else _claim(feed_pk=pk, resumed=False)
            if feed is None:
                passed.add(pk)
                continue
            runs[pk] = _run(feed)
            steps = 2  # to its first batch, then that batch
        try:
            for _step in range(steps):
                next(runs[pk])
        except StopIteration as stop:
            runs.pop(pk).close()
            passed.add(pk)
            if pk == own.pk:
                return str(stop.value)
            continue
        except FeedEnded:
            logger.warning("Feed %s ended while a batch was applied; it was rolled back.", pk)
            runs.pop(pk).close()
            passed.add(pk)
            if pk == own.pk:
                return "ended"
            continue
        except Exception:
            if pk == own.pk:
                raise
            # Another feed's failure is left to that feed's own tasks and their recovery; it
            # neither fails this task nor counts as a run of this task's feed.
            logger.exception("Feed %s failed in a task of feed %s; left to its tasks.", pk, own.pk)
            runs.pop(pk).close()
            passed.add(pk)
            continue
        if (
            pk != own.pk
            and not Feed.objects.filter(pk=own.pk, processing_status__in=ACTIVE).exists()
        ):
            return _outcome(own.pk)


def _outcome(feed_pk: int) -> str:
    status = Feed.objects.values_list("processing_status", flat=True).get(pk=feed_pk)
    return "done" if status == Feed.Status.DONE else "ended"


def _run(feed: Feed) -> Generator[None, None, str]:
    """A task's work on one feed: passes over its document until every batch is done, then the
    report; its outcome. It pauses (yields) before each batch it applies: a step applies that
    batch and reads on to the next one, or to the end of the feed."""
    if feed.runs > MAX_RUNS:
        _finish_fatal(
            feed=feed,
            rejected=FeedRejected(
                FileProblem.PROCESSING_INTERRUPTED,
                f"Processing stopped {MAX_RUNS} times before the end of the file (the worker "
                f"died or failed); {feed.records_done} of the messages were applied and are "
                "reported; the rest were not.",
            ),
        )
        return "fatal"
    try:
        # Its submitter may have lost the permission since (or been removed): nothing applies.
        feed_permission_check(feed_type=feed.feed_type, source=feed.source, user=feed.created_by)
    except PermissionRefused as refused:
        _finish_fatal(
            feed=feed,
            rejected=FeedRejected(
                FileProblem.PERMISSION_WITHDRAWN,
                "The user who submitted the feed may no longer apply it; the messages not"
                f" applied yet were not. {refused.message}",
            ),
        )
        return "fatal"
    kind = feed_kind(feed.feed_type)
    while True:
        try:
            held = yield from _pass(feed=feed, kind=kind)
        except FeedRejected as rejected:
            # The parser checks the whole file before it yields the first record.
            _finish_fatal(feed=feed, rejected=rejected)
            return "fatal"
        if held:
            batches_done(feed=feed, numbers=held)  # until their tasks commit or die
        status, done, total = Feed.objects.values_list(
            "processing_status", "records_done", "records_total"
        ).get(pk=feed.pk)
        if status != Feed.Status.IN_PROGRESS:
            return "done" if status == Feed.Status.DONE else "ended"  # by another task
        if done == total:
            break
    _finish(feed=feed)
    return "done"


def _claim(*, feed_pk: int, resumed: bool) -> Feed | None:
    """The feed, in progress, if it is in queue or in progress; a first start or a resumption
    counts as a run."""
    with transaction.atomic():
        feed = (
            Feed.objects.select_for_update(of=("self",))
            .select_related("seller", "input_document", "created_by")
            .filter(pk=feed_pk)
            .first()
        )
        if feed is None:
            return None
        if feed.processing_status not in {Feed.Status.IN_QUEUE, Feed.Status.IN_PROGRESS}:
            return None
        if feed.processing_status == Feed.Status.IN_QUEUE or resumed:
            feed.runs += 1
        feed.processing_status = Feed.Status.IN_PROGRESS
        feed.processing_start_time = feed.processing_start_time or timezone.now()
        feed.batch_size = feed.batch_size or BATCH_SIZE
        feed.save(
            update_fields=["processing_status", "processing_start_time", "runs", "batch_size"]
        )
    return feed


def _pass(*, feed: Feed, kind: FeedKind[Any]) -> Generator[None, None, list[int]]:
    """Stream the document once and apply every batch that is not done and that no other
    task holds, a step each; the numbers of those that others held."""
    done = done_batches(feed)
    order = BatchOrder(feed=feed, kind=kind)
    held: list[int] = []
    total = 0
    with feed.input_document.file.open("rb") as source:
        records = kind.read(cast(BinaryIO, source))
        for number, batch in enumerate(itertools.batched(records, feed.batch_size, strict=False)):
            total += len(batch)
            follows = order.follows(number, batch) - done
            if number in done:
                continue
            yield  # until the feed's turn
            feed_turn_take(feed_pk=feed.pk)
            with acting_application(feed.application_id):
                claim = batch_apply(
                    feed=feed, kind=kind, number=number, records=batch, follows=follows
                )
            if claim in {Claim.APPLIED, Claim.DONE}:
                done.add(number)
            elif claim is Claim.HELD:
                held.append(number)
    if feed.records_total is None:
        Feed.objects.filter(pk=feed.pk).update(records_total=total)
        feed.records_total = total
    return held


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
    feed.refresh_from_db()
    feed.fatal_code, feed.fatal_description = int(rejected.code), rejected.description
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
            # Every task of the feed may come to write the report: the first one ends it.
            ended = not list(
                Feed.objects.select_for_update()
                .filter(pk=feed.pk, processing_status=Feed.Status.IN_PROGRESS)
                .values_list("pk", flat=True)
            )
            if ended:
                return
            document = feed_result_document_create(
                seller=feed.seller, content_type=content_type, content=report
            )
            feed.result_document = document
            feed.processing_status = status
            feed.processing_end_time = timezone.now()
            Feed.objects.filter(pk=feed.pk).update(
                result_document=document,
                processing_status=status,
                processing_end_time=feed.processing_end_time,
                fatal_code=feed.fatal_code,
                fatal_description=feed.fatal_description,
            )
            feed_finished_queue(feed=feed, seller=feed.seller)


def feeds_recover() -> int:
    """Queue a task for every feed that has none to run it: in progress when its tasks died with
    their workers or failed (the task resumes it: a new run), or in queue when its tasks were
    never queued. Run by every live worker's sweep; returns how many feeds were queued."""
    from sellerdesk.feeds.tasks import process_feed

    return orphans_requeue(
        rows=Feed.objects.all(), task=process_feed, argument="feed_pk", resumed_keyword="resumed"
    )
