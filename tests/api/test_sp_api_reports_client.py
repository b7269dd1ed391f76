"""Existing SP-API clients against a running Seller Desk's Reports API: python-amazon-sp-api's
Reports client for every report type, and Amazon's own SDK (amzn-sp-api) for one.

sellerdesk_reports() and sellerdesk_reports_sdk() are the worked examples of docs/api.md."""

import csv
import datetime
import gzip
import inspect
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sp_api.api import Reports
from sp_api.auth import AccessTokenClient
from sp_api.base import Marketplaces
from sp_api.base.exceptions import SellingApiBadRequestException, SellingApiNotFoundException
from spapi.api.reports_v2021_06_30.reports_api import ReportsApi
from spapi.auth.credentials import SPAPIConfig
from spapi.client import SPAPIClient
from spapi.models.reports_v2021_06_30.create_report_specification import (
    CreateReportSpecification,
)
from spapi.rest import ApiException

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.reports.models import ReportType
from tests.api.test_sp_api_client import _live_server_on_plain_http, credentials  # noqa: F401
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order

pytestmark = pytest.mark.django_db(transaction=True)


def sellerdesk_reports(
    base_url: str, *, client_id: str, client_secret: str, refresh_token: str
) -> Reports:
    """python-amazon-sp-api's Reports client, pointed at Seller Desk instead of Amazon."""
    server = urlsplit(base_url)

    class SellerDeskToken(AccessTokenClient):
        scheme = f"{server.scheme}://"
        host = server.netloc

    class SellerDeskReports(Reports):
        @property
        def headers(self) -> dict[str, str]:
            return {**super().headers, "host": server.netloc}

    client = SellerDeskReports(
        Marketplaces.SE,
        credentials={
            "lwa_app_id": client_id,
            "lwa_client_secret": client_secret,
            "refresh_token": refresh_token,
        },
        auth_token_client_class=SellerDeskToken,
    )
    client.endpoint = base_url
    return client


def sellerdesk_reports_sdk(
    base_url: str, *, client_id: str, client_secret: str, refresh_token: str
) -> ReportsApi:
    """Amazon's SDK (amzn-sp-api): its client takes the token endpoint and the API endpoint."""
    client = SPAPIClient(
        SPAPIConfig(client_id=client_id, client_secret=client_secret, refresh_token=refresh_token),
        oauth_endpoint=f"{base_url}/auth/o2/token",
        endpoint=base_url,
    )
    return ReportsApi(client.api_client)


@pytest.fixture
def reports(live_server: Any, credentials: dict[str, str]) -> Iterator[Reports]:  # noqa: F811
    client = sellerdesk_reports(live_server.url, **credentials)
    yield client
    client.close()
    client._auth._transport.close()  # see tests/api/test_sp_api_client.py


def rows(document: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(document), delimiter="\t", quoting=csv.QUOTE_NONE))


def made(reports: Reports, report_type: str, **times: str) -> dict[str, Any]:
    """createReport, polled with getReport until the worker is done, then the document."""
    report_id = reports.create_report(
        reportType=report_type, marketplaceIds=["A2NODRKZP88ZB9"], **times
    ).payload["reportId"]
    assert reports.get_report(report_id).payload["processingStatus"] == "IN_QUEUE"
    run_tasks()
    done = reports.get_report(report_id).payload
    assert done["processingStatus"] == "DONE"
    return reports.get_report_document(done["reportDocumentId"], download=True).payload


def test_the_unshipped_orders_report_lists_a_buyer_cancellation_request(seller, reports):
    listing = make_listing(seller, sku="LAMPA-1", quantity=20)
    requested = make_order(seller, (listing, 1), buyer_name="Örjan Åkesson")
    order_buyer_cancel_request(amazon_order_id=requested.amazon_order_id, reason="Kom för sent")
    plain = make_order(seller, (listing, 3))

    document = made(reports, ReportType.UNSHIPPED_ORDERS.value)
    table = rows(document["document"])

    assert document["compressionAlgorithm"] == "GZIP"
    assert [
        (
            row["order-id"],
            row["buyer-name"],
            row["quantity-to-ship"],
            row["is-buyer-requested-cancellation"],
            row["buyer-requested-cancel-reason"],
        )
        for row in table
    ] == [
        (requested.amazon_order_id, "Örjan Åkesson", "1", "true", "Kom för sent"),
        (plain.amazon_order_id, plain.buyer_name, "3", "false", ""),
    ]


@pytest.mark.parametrize(
    "report_type",
    [ReportType.ALL_ORDERS_BY_ORDER_DATE.value, ReportType.ALL_ORDERS_BY_LAST_UPDATE.value],
)
def test_the_all_orders_reports_list_the_days_orders(seller, reports, report_type):
    orders = [make_order(seller) for _ in range(2)]
    since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)

    document = made(reports, report_type, dataStartTime=since.isoformat())
    listed = reports.get_reports(reportTypes=[report_type]).payload

    assert [row["amazon-order-id"] for row in rows(document["document"])] == [
        order.amazon_order_id for order in orders
    ]
    assert [report["reportType"] for report in listed["reports"]] == [report_type]


def test_errors_come_back_as_the_librarys_exceptions(seller, reports):
    with pytest.raises(SellingApiBadRequestException) as unknown:
        reports.create_report(
            reportType="GET_XML_BROWSE_TREE_DATA", marketplaceIds=["A2NODRKZP88ZB9"]
        )
    with pytest.raises(SellingApiNotFoundException) as missing:
        reports.get_report("60000000001")

    assert unknown.value.error[0]["code"] == "unsupported_report_type"
    assert missing.value.error[0]["code"] == "report_not_found"


def test_amazons_sdk_creates_polls_and_downloads_a_report(
    live_server,
    seller,
    credentials,  # noqa: F811
):
    order = make_order(seller)
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Dubbelbeställt")
    sdk = sellerdesk_reports_sdk(live_server.url, **credentials)

    created = sdk.create_report(
        CreateReportSpecification(
            report_type=ReportType.UNSHIPPED_ORDERS.value, marketplace_ids=["A2NODRKZP88ZB9"]
        )
    )
    run_tasks()
    report = sdk.get_report(created.report_id)
    document = sdk.get_report_document(report.report_document_id)
    with urllib.request.urlopen(document.url) as response:  # noqa: S310 (the test server)
        content = response.read()
    with pytest.raises(ApiException) as missing:
        sdk.get_report("60000000001")

    assert report.processing_status == "DONE"
    assert document.compression_algorithm == "GZIP"
    table = rows(gzip.decompress(content).decode())
    assert [
        (
            row["order-id"],
            row["is-buyer-requested-cancellation"],
            row["buyer-requested-cancel-reason"],
        )
        for row in table
    ] == [(order.amazon_order_id, "true", "Dubbelbeställt")]
    assert missing.value.status == 404


def test_docs_show_the_client_code_these_tests_run():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()

    assert inspect.getsource(sellerdesk_reports) in docs
    assert inspect.getsource(sellerdesk_reports_sdk) in docs
