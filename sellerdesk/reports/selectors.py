"""Reads on reports, always for the acting seller: another seller's report or document is the
same 404 as a missing one."""

from django.db.models import QuerySet

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ErrorCode, NotFound
from sellerdesk.core.listings import ProcessingFilter, processing_filter_apply
from sellerdesk.core.pages import KeysetPage, Position, keyset_page
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.reports.models import Report


def report_get(*, seller: Seller, report_id: str) -> Report:
    report = (
        Report.objects.filter(seller=seller, report_id=report_id).select_related("document").first()
    )
    if report is None:
        raise NotFound("Report not found.", code=ErrorCode.REPORT_NOT_FOUND)
    return report


def reports_recent(*, seller: Seller) -> QuerySet[Report]:
    return (
        Report.objects.filter(seller=seller)
        .select_related("document")
        .order_by("-created_at", "-pk")
    )


def report_list(
    *, seller: Seller, filters: ProcessingFilter, after: Position | None, page_size: int
) -> KeysetPage[Report]:
    """A page of the seller's reports, newest first, keyset-paged on the creation time."""
    reports = processing_filter_apply(
        reports_recent(seller=seller),
        filters,
        type_field="report_type",
        marketplace_id=seller.marketplace_id,
    )
    return keyset_page(reports, key="created_at", after=after, size=page_size, descending=True)


def report_document_get(*, seller: Seller, document_id: str) -> FeedDocument:
    document = FeedDocument.objects.filter(
        seller=seller, document_id=document_id, purpose=FeedDocument.Purpose.REPORT
    ).first()
    if document is None:
        raise NotFound("Report document not found.", code=ErrorCode.DOCUMENT_NOT_FOUND)
    return document
