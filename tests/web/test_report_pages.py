"""The Reports page: requesting a report, refusals that create nothing, and downloads that are
only ever the seller's own."""

import pytest
from django.test import Client

from sellerdesk.reports.generation import report_generate
from sellerdesk.reports.models import Report, ReportType
from sellerdesk.reports.services import report_create
from tests.factories import make_order, make_user

UNSHIPPED = ReportType.UNSHIPPED_ORDERS.value


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_requesting_a_report_queues_it_for_the_seller(seller, seller_user, seller_client):
    response = seller_client.post(
        "/reports/",
        {"report_type": UNSHIPPED, "date_from": "2026-01-01", "date_to": "2026-01-31"},
    )

    report = Report.objects.get()
    assert (response.status_code, response["Location"]) == (302, "/reports/")
    assert (report.seller, report.report_type, report.processing_status) == (
        seller,
        UNSHIPPED,
        "IN_QUEUE",
    )
    assert report.created_by == seller_user


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            {
                "report_type": "GET_XML_BROWSE_TREE_DATA",
                "date_from": "2026-01-01",
                "date_to": "2026-01-02",
            },
            id="unknown-type",
        ),
        pytest.param(
            {"report_type": UNSHIPPED, "date_from": "2026-02-01", "date_to": "2026-01-01"},
            id="end-before-start",
        ),
        pytest.param({"report_type": UNSHIPPED, "date_from": "x", "date_to": ""}, id="not-dates"),
        pytest.param(
            {"report_type": UNSHIPPED, "date_from": "2999-01-01", "date_to": "2999-01-02"},
            id="future",
        ),
    ],
)
def test_bad_requests_are_refused_and_create_nothing(seller_client, data):
    response = seller_client.post("/reports/", data)

    assert response.status_code == 422
    assert not Report.objects.exists()


def test_the_page_lists_only_the_sellers_reports(seller, other_seller, seller_client):
    mine = report_create(seller=seller, report_type=UNSHIPPED)
    theirs = report_create(seller=other_seller, report_type=UNSHIPPED)

    page = seller_client.get("/reports/").content.decode()

    assert mine.report_id in page
    assert theirs.report_id not in page
    assert 'hx-trigger="every 2s"' in page  # a report in queue: the list follows it


def test_downloads_are_the_sellers_own_and_plain_text(seller, other_seller, seller_client):
    make_order(seller)
    mine = report_create(seller=seller, report_type=UNSHIPPED)
    theirs = report_create(seller=other_seller, report_type=UNSHIPPED)
    queued = report_create(seller=seller, report_type=UNSHIPPED)
    for report in (mine, theirs):
        report_generate(report_pk=report.pk, task_id="test")
    other_client = Client()
    other_client.force_login(make_user(other_seller))

    own = seller_client.get(f"/reports/{mine.report_id}/download/")
    others = seller_client.get(f"/reports/{theirs.report_id}/download/")
    not_ready = seller_client.get(f"/reports/{queued.report_id}/download/")
    signed_out = Client().get(f"/reports/{mine.report_id}/download/")

    text = b"".join(own.streaming_content).decode()
    assert own.status_code == 200
    assert text.startswith("order-id\torder-item-id\t")
    assert len(text.splitlines()) == 2
    assert others.status_code == 404
    assert not_ready.status_code == 404
    assert signed_out.status_code == 302
    assert other_client.get(f"/reports/{theirs.report_id}/download/").status_code == 200
