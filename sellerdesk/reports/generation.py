"""Make a report: read its rows as a stream (reports/kinds.py), write them to a temporary file
and store that as the report's document; memory stays the same whatever the report's size.

A report is owned by the task that claimed it (core/claims.py). A worker that dies mid-report
leaves it IN_PROGRESS; a live worker's sweep queues it again (`reports_recover`) and the new
task makes it from the start: nothing of a half-written report is kept. The document is stored
only while the task still owns the report, so a task given up for dead changes nothing."""

import logging
import tempfile

from django.db import transaction
from django.utils import timezone

from sellerdesk.core.claims import MAX_RUNS, claim_open, orphans_requeue
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.feeds.services import feed_result_document_create
from sellerdesk.reports.flat import DataRange, write_flat_report
from sellerdesk.reports.kinds import report_kind
from sellerdesk.reports.models import Report
from sellerdesk.webhooks.processing_finished import report_finished_queue

logger = logging.getLogger(__name__)

CONTENT_TYPE = "text/tab-separated-values; charset=UTF-8"


def report_generate(*, report_pk: int, task_id: str) -> str:
    """Make the report as the task `task_id`; what the task did, for its result."""
    report = _claim(report_pk=report_pk, task_id=task_id)
    if report is None:
        return "skipped"
    if report.runs > MAX_RUNS:
        # It killed its worker or failed its task every time: given up, without a document.
        _finish(report=report, status=Report.Status.FATAL)
        return "fatal"
    kind = report_kind(report.report_type)
    data = DataRange(
        seller=report.seller,
        start=report.data_start_time,
        end=report.data_end_time,
        now=timezone.now(),
    )
    with tempfile.TemporaryFile() as content:
        rows = write_flat_report(content, columns=kind.columns, rows=kind.rows(data))
        content.seek(0)
        with transaction.atomic():
            if not _held(report):
                logger.warning("Report %s was taken over; %s stops.", report.report_id, task_id)
                return "taken_over"
            document = feed_result_document_create(
                seller=report.seller,
                content_type=CONTENT_TYPE,
                content=content,
                purpose=FeedDocument.Purpose.REPORT,
            )
            _finish(report=report, status=Report.Status.DONE, document=document, rows=rows)
    return "done"


def _claim(*, report_pk: int, task_id: str) -> Report | None:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("seller")
            .filter(pk=report_pk)
            .first()
        )
        if report is None or not claim_open(
            status=report.processing_status, claimed_by=report.claimed_by, task_id=task_id
        ):
            return None
        report.processing_status = Report.Status.IN_PROGRESS
        report.processing_start_time = report.processing_start_time or timezone.now()
        report.claimed_by = task_id
        report.runs += 1
        report.save(
            update_fields=["processing_status", "processing_start_time", "claimed_by", "runs"]
        )
    return report


def _held(report: Report) -> bool:
    """Inside a transaction: lock the report and check that this task still owns it."""
    owned = Report.objects.select_for_update().filter(
        pk=report.pk, claimed_by=report.claimed_by, processing_status=Report.Status.IN_PROGRESS
    )
    return bool(list(owned.values_list("pk", flat=True)))


def _finish(
    *,
    report: Report,
    status: str,
    document: FeedDocument | None = None,
    rows: int | None = None,
) -> None:
    report.processing_status = status
    report.processing_end_time = timezone.now()
    report.document = document
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            processing_status=status,
            processing_end_time=report.processing_end_time,
            document=document,
            rows=rows,
        )
        report_finished_queue(report=report, seller=report.seller)


def reports_recover() -> int:
    """Queue a task for every report that has none to run it. Run by every live worker's
    sweep; returns how many reports were queued."""
    from sellerdesk.reports.tasks import generate_report

    return orphans_requeue(rows=Report.objects.all(), task=generate_report, argument="report_pk")
