"""Reading a report back: its document's rows, as dicts by column."""

import csv
import io
from typing import Any

from sellerdesk.reports.generation import report_generate
from sellerdesk.reports.models import Report


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def report_rows(report: Report) -> list[dict[str, str]]:
    report.refresh_from_db()
    assert report.document is not None, f"report {report.report_id} is {report.processing_status}"
    with report.document.file.open("rb") as stored:
        return table(stored.read().decode())


def column(rows: list[dict[str, str]], name: str) -> list[Any]:
    return [row[name] for row in rows]


def generate_queued() -> None:
    """Make every queued report, as the worker's task would (within a test's transaction,
    whose commit never comes, no task is queued)."""
    for pk in Report.objects.filter(processing_status="IN_QUEUE").values_list("pk", flat=True):
        report_generate(report_pk=pk, task_id="test")
