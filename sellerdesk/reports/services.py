"""Writes on reports: request one, cancel one still in queue."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.selectors import seller_marketplaces
from sellerdesk.core.errors import ErrorCode, InvalidInput, InvalidTransition, NotFound
from sellerdesk.core.tasks import enqueue_on_commit
from sellerdesk.reports.kinds import REPORT_KINDS
from sellerdesk.reports.models import Report
from sellerdesk.webhooks.processing_finished import report_finished_queue


def report_create(
    *,
    seller: Seller,
    report_type: str,
    marketplace_ids: list[str] | None = None,
    data_start_time: datetime.datetime | None = None,
    data_end_time: datetime.datetime | None = None,
    options: dict[str, str] | None = None,
    created_by: User | None = None,
) -> Report:
    """Queue a report. The data range defaults to now at both ends, as on SP-API."""
    if report_type not in REPORT_KINDS:
        raise InvalidInput(
            _("Report type %(type)s is not supported.") % {"type": report_type},
            code=ErrorCode.UNSUPPORTED_REPORT_TYPE,
        )
    marketplace_ids = seller_marketplaces(seller=seller, marketplace_ids=marketplace_ids)
    if options:
        raise InvalidInput(
            _("Report type %(type)s takes no report options.") % {"type": report_type},
            code=ErrorCode.INVALID_REPORT_OPTIONS,
        )
    now = timezone.now()
    start = data_start_time or now
    end = data_end_time or now
    if start > now:
        raise InvalidInput(
            _("The start of the data range is in the future."),
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    if end < start:
        raise InvalidInput(
            _("The end of the data range is before its start."),
            code=ErrorCode.INVALID_DATE_RANGE,
        )
    with transaction.atomic():
        report = Report.objects.create(
            seller=seller,
            report_type=report_type,
            marketplace_ids=marketplace_ids,
            data_start_time=start,
            data_end_time=end,
            created_by=created_by,
        )
        from sellerdesk.reports.tasks import generate_report

        enqueue_on_commit(generate_report, report.pk)
    return report


def report_cancel(*, seller: Seller, report_id: str) -> Report:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().filter(seller=seller, report_id=report_id).first()
        )
        if report is None:
            raise NotFound(_("Report not found."), code=ErrorCode.REPORT_NOT_FOUND)
        if report.processing_status != Report.Status.IN_QUEUE:
            raise InvalidTransition(
                _("Only a report in queue can be cancelled; this one is %(status)s.")
                % {"status": report.processing_status},
                code=ErrorCode.REPORT_NOT_IN_QUEUE,
            )
        report.processing_status = Report.Status.CANCELLED
        report.processing_end_time = timezone.now()
        report.save(update_fields=["processing_status", "processing_end_time"])
        report_finished_queue(report=report, seller=seller)
    return report
