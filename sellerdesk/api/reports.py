"""Selling Partner API, Reports 2021-06-30: the same paths, bodies and errors, so that an
integration written for the marketplace's Reports API can be pointed at Seller Desk.

Every lookup is scoped to the seller of the access token; another seller's report or document
is the same 404 as a missing one. A report's document is downloaded, as a feed's is, from a
signed URL that expires after five minutes (api/documents.py), GZIP-compressed."""

import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from sellerdesk.api.documents import download_url, is_compressed
from sellerdesk.api.errors import ERRORS, ErrorList
from sellerdesk.api.params import Moment, next_token, request_seller
from sellerdesk.api.processing import (
    CompressionAlgorithm,
    ProcessingListQuery,
    ProcessingStatus,
    TypesParameter,
    listing_read,
    utc,
)
from sellerdesk.api.text import Matching
from sellerdesk.core.errors import ErrorCode, InvalidInput, InvalidTransition
from sellerdesk.reports.models import Report as ReportModel
from sellerdesk.reports.models import ReportType
from sellerdesk.reports.selectors import report_document_get, report_get, report_list
from sellerdesk.reports.services import report_cancel, report_create

router = Router(tags=["reports"])

REPORT_TYPES = TypesParameter(
    name="reportTypes",
    required_code=ErrorCode.REPORT_TYPES_REQUIRED,
    list_kind="reports.getReports",
)
_REPORT_TYPE_NAME = "[A-Z][A-Z0-9_]*"
# getReports takes report types comma-separated or repeated. A name of SP-API's shape that Seller
# Desk does not make (GET_MERCHANT_LISTINGS_DATA) lists no reports; anything else is refused.
ReportTypeNames = Annotated[
    str,
    Matching(
        f"{_REPORT_TYPE_NAME}(?:,{_REPORT_TYPE_NAME})*",
        message="must be report types (capital letters, digits and _) separated by commas",
    ),
]
_SUPPORTED = ", ".join(ReportType.values)

# Schemas carry SP-API's model names, so the OpenAPI documents read alike.


class CreateReportSpecification(Schema):
    reportType: str = Field(min_length=1, max_length=64, description=f"One of {_SUPPORTED}.")
    marketplaceIds: list[str] = Field(min_length=1, max_length=25)
    dataStartTime: Moment | None = Field(
        None,
        description="Now by default. The all-orders reports list the orders purchased (or last"
        " updated) from dataStartTime to dataEndTime; the unshipped orders report lists what is"
        " unshipped now, whatever the range.",
    )
    dataEndTime: Moment | None = Field(None, description="Now by default.")
    reportOptions: dict[str, str] | None = Field(
        None, description="None of the report types takes options."
    )


class CreateReportResponse(Schema):
    reportId: str


class Report(Schema):
    reportId: str
    reportType: str
    dataStartTime: datetime.datetime
    dataEndTime: datetime.datetime
    marketplaceIds: list[str]
    processingStatus: ProcessingStatus
    createdTime: datetime.datetime
    processingStartTime: datetime.datetime | None = None
    processingEndTime: datetime.datetime | None = None
    reportDocumentId: str | None = None


class GetReportsResponse(Schema):
    reports: list[Report]
    nextToken: str | None = None


class ReportDocument(Schema):
    reportDocumentId: str
    url: str
    compressionAlgorithm: CompressionAlgorithm | None = None


class GetReportsQuery(ProcessingListQuery):
    reportTypes: list[ReportTypeNames] | None = Field(
        None,
        description="Required unless nextToken is given. Comma-separated or repeated:"
        " GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING,"
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL.",
    )


@router.post(
    "/reports",
    response={202: CreateReportResponse, **ERRORS},
    operation_id="createReport",
    summary="Request a report; it is made in the background",
)
def create_report(request: HttpRequest, body: CreateReportSpecification) -> Status:
    report = report_create(
        seller=request_seller(request),
        report_type=body.reportType,
        marketplace_ids=body.marketplaceIds,
        data_start_time=body.dataStartTime,
        data_end_time=body.dataEndTime,
        options=body.reportOptions,
    )
    return Status(202, CreateReportResponse(reportId=report.report_id))


@router.get(
    "/reports",
    response={200: GetReportsResponse, **ERRORS},
    operation_id="getReports",
    summary="List reports, newest first",
    exclude_none=True,
)
def get_reports(request: HttpRequest, query: Query[GetReportsQuery]) -> GetReportsResponse:
    seller = request_seller(request)
    listing, after = listing_read(query, query.reportTypes, parameter=REPORT_TYPES, seller=seller)
    page = report_list(
        seller=seller, filters=listing.filters, after=after, page_size=listing.page_size
    )
    return GetReportsResponse(
        reports=[_report_out(report) for report in page.rows],
        nextToken=next_token(
            kind=REPORT_TYPES.list_kind, seller=seller, listing=listing, after=page.next_after
        ),
    )


@router.get(
    "/reports/{reportId}",
    response={200: Report, **ERRORS, 404: ErrorList},
    operation_id="getReport",
    summary="One report's processing status and document",
    exclude_none=True,
)
def get_report(request: HttpRequest, reportId: str) -> Report:
    return _report_out(report_get(seller=request_seller(request), report_id=reportId))


@router.delete(
    "/reports/{reportId}",
    response={200: None, **ERRORS, 404: ErrorList},
    operation_id="cancelReport",
    summary="Cancel a report that is still in queue",
)
def cancel_report(request: HttpRequest, reportId: str) -> HttpResponse:
    try:
        report_cancel(seller=request_seller(request), report_id=reportId)
    except InvalidTransition as error:
        # SP-API answers a report past IN_QUEUE with 400, not 409.
        raise InvalidInput(error.message, code=error.code) from error
    return HttpResponse(status=200)


@router.get(
    "/documents/{reportDocumentId}",
    response={200: ReportDocument, **ERRORS, 404: ErrorList},
    operation_id="getReportDocument",
    summary="A URL to download a report document from (GZIP-compressed)",
    exclude_none=True,
)
def get_report_document(request: HttpRequest, reportDocumentId: str) -> ReportDocument:
    document = report_document_get(seller=request_seller(request), document_id=reportDocumentId)
    return ReportDocument(
        reportDocumentId=document.document_id,
        url=download_url(request, document),
        compressionAlgorithm=CompressionAlgorithm.GZIP if is_compressed(document) else None,
    )


def _report_out(report: ReportModel) -> Report:
    return Report(
        reportId=report.report_id,
        reportType=report.report_type,
        dataStartTime=report.data_start_time.astimezone(datetime.UTC),
        dataEndTime=report.data_end_time.astimezone(datetime.UTC),
        marketplaceIds=list(report.marketplace_ids),
        processingStatus=ProcessingStatus(report.processing_status),
        createdTime=report.created_at.astimezone(datetime.UTC),
        processingStartTime=utc(report.processing_start_time),
        processingEndTime=utc(report.processing_end_time),
        reportDocumentId=report.document.document_id if report.document is not None else None,
    )
