"""Reports API 2021-06-30: every operation, its errors, and the seller scoping of every lookup.

Every response goes through SpApi.call, which checks it against the operation's OpenAPI schema."""

import datetime
import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from sellerdesk.api.urls import reportsapi
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.orders.models import Order
from sellerdesk.reports.models import Report, ReportType
from sellerdesk.reports.services import report_create
from tests.api.conftest import SpApi
from tests.api.test_feeds_api import sp_time
from tests.factories import make_listing, make_order
from tests.reports.helpers import column, generate_queued, table

REPORTS = "/reports/2021-06-30/reports"
REPORT = "/reports/2021-06-30/reports/{reportId}"
DOCUMENT = "/reports/2021-06-30/documents/{reportDocumentId}"
MARKETPLACE = "A2NODRKZP88ZB9"
UNSHIPPED = ReportType.UNSHIPPED_ORDERS.value
BY_ORDER_DATE = ReportType.ALL_ORDERS_BY_ORDER_DATE.value
BY_LAST_UPDATE = ReportType.ALL_ORDERS_BY_LAST_UPDATE.value
SCHEMA_SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi-reports.json"


@pytest.fixture
def sp(token: str) -> SpApi:
    return SpApi(token, section=reportsapi)


def error(response) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def spec(report_type: str = UNSHIPPED, **changes: object) -> dict[str, object]:
    return {"reportType": report_type, "marketplaceIds": [MARKETPLACE]} | changes


def download(sp: SpApi, document_id: str) -> str:
    """getReportDocument, then the URL it gives, decompressed as its compressionAlgorithm says."""
    document = sp.call("GET", DOCUMENT, reportDocumentId=document_id).json()
    assert document["compressionAlgorithm"] == "GZIP"
    response = Client().get(urlsplit(document["url"]).path)
    assert response.status_code == 200
    return gzip.decompress(response.getvalue()).decode()


def made(sp: SpApi, body: dict[str, object]) -> dict[str, str]:
    """createReport, the worker, then getReport."""
    created = sp.call("POST", REPORTS, body=body)
    assert created.status_code == 202, created.json()
    generate_queued()
    return sp.call("GET", REPORT, reportId=created.json()["reportId"]).json()


# createReport, getReport, getReportDocument


def test_the_unshipped_orders_report_lists_items_to_ship_with_buyer_cancellation_requests(
    seller, sp
):
    listing = make_listing(seller, sku="MUGG-1", quantity=50)
    requested = make_order(seller, (listing, 2), buyer_name="Åsa Öberg")
    order_buyer_cancel_request(amazon_order_id=requested.amazon_order_id, reason="Ångrat köpet")
    waiting = make_order(seller, (listing, 1))
    pending = make_order(seller, (listing, 1), payment_authorized=False)
    created = sp.call("POST", REPORTS, body=spec())
    queued = sp.call("GET", REPORT, reportId=created.json()["reportId"]).json()

    generate_queued()
    done = sp.call("GET", REPORT, reportId=created.json()["reportId"]).json()
    rows = table(download(sp, done["reportDocumentId"]))

    assert created.status_code == 202
    assert created.json().keys() == {"reportId"}
    assert queued["processingStatus"] == "IN_QUEUE"
    assert "reportDocumentId" not in queued
    assert done.keys() == {
        "reportId",
        "reportType",
        "dataStartTime",
        "dataEndTime",
        "marketplaceIds",
        "processingStatus",
        "createdTime",
        "processingStartTime",
        "processingEndTime",
        "reportDocumentId",
    }
    assert (done["processingStatus"], done["reportType"], done["marketplaceIds"]) == (
        "DONE",
        UNSHIPPED,
        [MARKETPLACE],
    )
    assert column(rows, "order-id") == [requested.amazon_order_id, waiting.amazon_order_id]
    assert pending.amazon_order_id not in column(rows, "order-id")
    first = rows[0]
    assert (first["buyer-name"], first["sku"], first["quantity-purchased"]) == (
        "Åsa Öberg",
        "MUGG-1",
        "2",
    )
    assert (first["quantity-shipped"], first["quantity-to-ship"]) == ("0", "2")
    assert (first["is-buyer-requested-cancellation"], first["buyer-requested-cancel-reason"]) == (
        "true",
        "Ångrat köpet",
    )
    assert (
        rows[1]["is-buyer-requested-cancellation"],
        rows[1]["buyer-requested-cancel-reason"],
    ) == (
        "false",
        "",
    )
    assert first["purchase-date"] == requested.purchase_date.astimezone(datetime.UTC).isoformat(
        timespec="seconds"
    )


def test_the_all_orders_report_by_order_date_lists_the_orders_purchased_in_the_range(seller, sp):
    listing = make_listing(seller, sku="KANNA", quantity=50, price="120.00")
    before, inside, after = (make_order(seller, (listing, 1)) for _ in range(3))
    start = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    for order, day in ((before, 31), (inside, 2), (after, 10)):
        moment = datetime.datetime(2026, 1 if day == 31 else 2, day, 12, tzinfo=datetime.UTC)
        Order.objects.filter(pk=order.pk).update(purchase_date=moment)

    done = made(
        sp,
        spec(
            BY_ORDER_DATE,
            dataStartTime=sp_time(start),
            dataEndTime=sp_time(start + datetime.timedelta(days=7)),
        ),
    )
    rows = table(download(sp, done["reportDocumentId"]))

    assert (done["dataStartTime"], done["dataEndTime"]) == (
        "2026-02-01T00:00:00Z",
        "2026-02-08T00:00:00Z",
    )
    assert column(rows, "amazon-order-id") == [inside.amazon_order_id]
    assert {
        name: rows[0][name]
        for name in (
            "purchase-date",
            "order-status",
            "fulfillment-channel",
            "sku",
            "item-status",
            "quantity",
            "currency",
            "item-price",
            "asin",
        )
    } == {
        "purchase-date": "2026-02-02T12:00:00+00:00",
        "order-status": "Unshipped",
        "fulfillment-channel": "Merchant",
        "sku": "KANNA",
        "item-status": "Unshipped",
        "quantity": "1",
        "currency": "SEK",
        "item-price": "120.00",
        "asin": "",
    }


def test_the_all_orders_report_by_last_update_lists_the_orders_updated_in_the_range(seller, sp):
    listing = make_listing(seller, quantity=50)
    old, updated = make_order(seller, (listing, 1)), make_order(seller, (listing, 1))
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Order.objects.filter(pk__in=[old.pk, updated.pk]).update(
        purchase_date=long_ago, last_update_date=long_ago
    )
    order_buyer_cancel_request(amazon_order_id=updated.amazon_order_id, reason="Fel storlek")

    done = made(
        sp,
        spec(
            BY_LAST_UPDATE,
            dataStartTime=sp_time(timezone.now() - datetime.timedelta(days=1)),
        ),
    )
    rows = table(download(sp, done["reportDocumentId"]))

    assert column(rows, "amazon-order-id") == [updated.amazon_order_id]


def test_get_report_document_of_a_report_in_queue_has_no_document_yet(seller, sp):
    created = sp.call("POST", REPORTS, body=spec())

    report = sp.call("GET", REPORT, reportId=created.json()["reportId"]).json()

    assert report["processingStatus"] == "IN_QUEUE"
    assert "processingStartTime" not in report


# Bad input: the SP-API error list, 400 or 404, and nothing created


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(spec("GET_MERCHANT_LISTINGS_DATA"), "unsupported_report_type", id="type"),
        pytest.param(spec(reportType=""), "InvalidInput", id="empty-type"),
        pytest.param(spec(marketplaceIds=[]), "InvalidInput", id="no-marketplace"),
        pytest.param(spec(marketplaceIds=["ATVPDKIKX0DER"]), "invalid_marketplace", id="other"),
        pytest.param(
            spec(
                BY_ORDER_DATE,
                dataStartTime="2026-02-02T00:00:00Z",
                dataEndTime="2026-02-01T00:00:00Z",
            ),
            "invalid_date_range",
            id="end-before-start",
        ),
        pytest.param(
            spec(BY_ORDER_DATE, dataStartTime="2999-01-01T00:00:00Z"),
            "invalid_date_range",
            id="start-in-future",
        ),
        pytest.param(spec(dataStartTime="yesterday"), "InvalidInput", id="not-a-date"),
        pytest.param(spec(dataStartTime="0001-01-01T00:00:00Z"), "InvalidInput", id="year-1"),
        pytest.param(spec(reportOptions={"x": "y"}), "invalid_report_options", id="options"),
        pytest.param(spec(reportOptions="x"), "InvalidInput", id="options-not-an-object"),
    ],
)
def test_create_report_refuses_bad_input_and_creates_nothing(seller, sp, body, code):
    response = sp.call("POST", REPORTS, body=body)

    assert error(response) == (400, code)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        pytest.param({}, "report_types_required", id="no-types"),
        pytest.param({"reportTypes": "lower_case"}, "InvalidInput", id="bad-type-name"),
        pytest.param({"reportTypes": UNSHIPPED, "pageSize": 0}, "InvalidInput", id="size-0"),
        pytest.param({"reportTypes": UNSHIPPED, "pageSize": 101}, "InvalidInput", id="size-101"),
        pytest.param(
            {"reportTypes": UNSHIPPED, "processingStatuses": "WAITING"},
            "invalid_processing_status",
            id="status",
        ),
        pytest.param(
            {
                "reportTypes": UNSHIPPED,
                "createdSince": "2026-02-02T00:00:00Z",
                "createdUntil": "2026-02-01T00:00:00Z",
            },
            "invalid_date_range",
            id="since-after-until",
        ),
        pytest.param({"nextToken": "tampered"}, "invalid_next_token", id="tampered-token"),
        pytest.param(
            {"nextToken": signing.dumps({"kind": "feeds.getFeeds"}, salt="x")},
            "invalid_next_token",
            id="foreign-token",
        ),
        pytest.param(
            {"nextToken": "x", "reportTypes": UNSHIPPED}, "next_token_with_filters", id="both"
        ),
    ],
)
def test_get_reports_refuses_bad_parameters(seller, sp, query, code):
    assert error(sp.call("GET", REPORTS, query=query)) == (400, code)


def test_another_sellers_report_and_document_are_not_found(seller, other_seller, sp, other_token):
    theirs = report_create(seller=other_seller, report_type=UNSHIPPED)
    generate_queued()
    theirs.refresh_from_db()
    assert theirs.document is not None
    other = SpApi(other_token, section=reportsapi)

    looked_up = sp.call("GET", REPORT, reportId=theirs.report_id)
    cancelled = sp.call("DELETE", REPORT, reportId=theirs.report_id)
    document = sp.call("GET", DOCUMENT, reportDocumentId=theirs.document.document_id)
    listed = sp.call("GET", REPORTS, query={"reportTypes": UNSHIPPED})
    their_list = other.call("GET", REPORTS, query={"reportTypes": UNSHIPPED})

    assert error(looked_up) == (404, "report_not_found")
    assert error(cancelled) == (404, "report_not_found")
    assert error(document) == (404, "document_not_found")
    assert listed.json() == {"reports": []}
    assert [report["reportId"] for report in their_list.json()["reports"]] == [theirs.report_id]


def test_feed_documents_and_report_documents_are_not_each_others(seller, sp, token):
    report = report_create(seller=seller, report_type=UNSHIPPED)
    generate_queued()
    report.refresh_from_db()
    assert report.document is not None
    feed_document = FeedDocument.objects.create(
        seller=seller, purpose=FeedDocument.Purpose.INPUT, content_type="text/xml"
    )
    feeds = SpApi(token)

    as_report = sp.call("GET", DOCUMENT, reportDocumentId=feed_document.document_id)
    as_feed = feeds.call(
        "GET",
        "/feeds/2021-06-30/documents/{feedDocumentId}",
        feedDocumentId=report.document.document_id,
    )

    assert error(as_report) == (404, "document_not_found")
    assert error(as_feed) == (404, "document_not_found")


# cancelReport


def test_cancel_a_report_in_queue_and_the_worker_leaves_it(seller, sp):
    report_id = sp.call("POST", REPORTS, body=spec()).json()["reportId"]

    cancelled = sp.call("DELETE", REPORT, reportId=report_id)
    generate_queued()
    again = sp.call("DELETE", REPORT, reportId=report_id)
    report = sp.call("GET", REPORT, reportId=report_id).json()

    assert cancelled.status_code == 200
    assert error(again) == (400, "report_not_in_queue")
    assert report["processingStatus"] == "CANCELLED"
    assert "reportDocumentId" not in report
    assert not FeedDocument.objects.exists()


def test_a_done_report_cannot_be_cancelled(seller, sp):
    done = made(sp, spec())

    response = sp.call("DELETE", REPORT, reportId=done["reportId"])

    assert error(response) == (400, "report_not_in_queue")
    assert Report.objects.get().processing_status == "DONE"


# getReports


def test_get_reports_pages_newest_first_with_a_next_token(seller, sp):
    reports = [report_create(seller=seller, report_type=UNSHIPPED) for _ in range(3)]
    report_create(seller=seller, report_type=BY_ORDER_DATE)
    for index, report in enumerate(reports):
        Report.objects.filter(pk=report.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=3 - index)
        )

    first = sp.call("GET", REPORTS, query={"reportTypes": UNSHIPPED, "pageSize": 2})
    second = sp.call("GET", REPORTS, query={"nextToken": first.json()["nextToken"]})
    filtered = sp.call(
        "GET",
        REPORTS,
        query={"reportTypes": f"{UNSHIPPED},{BY_ORDER_DATE}", "processingStatuses": "DONE"},
    )

    assert [r["reportId"] for page in (first, second) for r in page.json()["reports"]] == [
        report.report_id for report in reversed(reports)
    ]
    assert "nextToken" not in second.json()
    assert filtered.json() == {"reports": []}


# The schema


def test_openapi_schema_matches_the_committed_snapshot():
    schema = json.loads(json.dumps(reportsapi.get_openapi_schema()))

    assert json.loads(SCHEMA_SNAPSHOT.read_text()) == schema, (
        "Refresh docs/openapi-reports.json after an intended change: make openapi"
    )
