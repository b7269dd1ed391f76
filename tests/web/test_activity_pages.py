"""The Activity page: who did what for the seller, its filters, pages and CSV export."""

import csv
import datetime
import io
import json
import re
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from sellerdesk.accounts.acting import acting_application
from sellerdesk.accounts.activity import ActivityFilter, seller_activity, seller_activity_all
from sellerdesk.accounts.models import AccountEvent
from sellerdesk.accounts.permissions import Area
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.processing import feed_process
from sellerdesk.feeds.services import feed_submit
from sellerdesk.orders.models import OrderEvent
from sellerdesk.reports.models import ReportType
from sellerdesk.reports.services import report_create
from sellerdesk.web import activity_views
from tests.api.conftest import CANCELLATION_FILE, access_token, register
from tests.factories import make_order, make_seller, make_user, ship_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(seller):
    return {
        "anna": make_user(seller, language="en", username="anna"),
        "bo": make_user(seller, language="en", username="bo"),
    }


@pytest.fixture
def client(staff):
    client = Client()
    client.force_login(staff["anna"])
    return client


def rows(page: str) -> list[tuple[str, str]]:
    """(kind, the row's text) of each row of the activity table."""
    body = re.search(r'<table class="activity">(.*?)</table>', page, re.S)
    assert body is not None
    found = re.findall(r'<tr data-kind="([^"]+)">(.*?)</tr>', body[1], re.S)
    return [(kind, re.sub(r"<[^>]+>|\s+", " ", cells)) for kind, cells in found]


def cancel(order, user, reason="NoInventory"):
    order_cancel(
        seller=order.seller, amazon_order_id=order.amazon_order_id, actor=user, reason=reason
    )


def upload(seller, user) -> Feed:
    return feed_submit(
        seller=seller,
        feed_type=FeedType.ORDER_CANCELLATION_FILE,
        chunks=[b"order-id\tcancel-reason\n"],
        content_type="text/tab-separated-values",
        filename="cancel.txt",
        source=Feed.Source.UPLOAD,
        created_by=user,
    )


def test_the_page_names_who_did_each_change_newest_first_with_links(seller, staff, client):
    # Given an order cancelled by Anna, a file uploaded by Bo, a buyer's request and a report
    cancelled = make_order(seller)
    cancel(cancelled, staff["anna"])
    feed = upload(seller, staff["bo"])
    requested = make_order(seller)
    order_buyer_cancel_request(amazon_order_id=requested.amazon_order_id, reason="Billigare")
    report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS, created_by=staff["bo"])

    # When Anna opens Activity
    response = client.get("/activity/")

    # Then each change is a row, newest first, naming who did it and linking to what it changed
    assert response.status_code == 200
    page = response.content.decode()
    listed = rows(page)
    assert [kind for kind, _text in listed] == ["report", "buyer_request", "file", "cancellation"]
    report_row, request_row, file_row, cancel_row = (text for _kind, text in listed)
    assert "bo" in report_row and "Unshipped orders requested" in report_row
    assert "Buyer" in request_row and requested.amazon_order_id in request_row
    assert "bo" in file_row and "Order cancellation file submitted" in file_row
    assert "anna" in cancel_row and "Order cancelled" in cancel_row and "No inventory" in cancel_row
    assert f'href="/orders/{cancelled.amazon_order_id}/"' in page
    assert f'href="/files/{feed.feed_id}/"' in page
    assert '<a href="/activity/">Activity</a>' in page


def test_filters_by_user_kind_and_dates(seller, staff, client):
    # Given changes by Anna and Bo, one of them shipped, and one from ten days ago
    first, second, third = make_order(seller), make_order(seller), make_order(seller)
    cancel(first, staff["anna"])
    cancel(second, staff["bo"])
    ship_item(third, third.items.get())
    old = OrderEvent.objects.get(order=first, kind=OrderEvent.Kind.CANCELLED)
    OrderEvent.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    bo = staff["bo"].pk

    # Then each filter keeps only its rows
    by_bo = rows(client.get(f"/activity/?user={bo}").content.decode())
    assert [(kind, second.amazon_order_id in text) for kind, text in by_bo] == [
        ("cancellation", True)
    ]
    shipments = rows(client.get("/activity/?kind=shipment").content.decode())
    assert [kind for kind, _text in shipments] == ["shipment"]
    today = timezone.localdate().isoformat()
    recent = rows(client.get(f"/activity/?since={today}&until={today}").content.decode())
    assert sorted(kind for kind, _text in recent) == ["cancellation", "shipment"]
    assert all(first.amazon_order_id not in text for _kind, text in recent)


def test_another_sellers_activity_and_users_are_never_shown(seller, staff, client):
    # Given another seller whose user cancelled an order
    other = make_seller("Fjällbutiken")
    outsider = make_user(other, username="outsider")
    cancel(make_order(other), outsider)

    # Then it is not on this seller's page, and the outsider cannot be chosen as a filter
    assert rows(client.get("/activity/").content.decode()) == []
    response = client.get(f"/activity/?user={outsider.pk}")
    assert response.status_code == 400
    assert "Choose one of the seller&#x27;s users." in response.content.decode()
    assert b"outsider" not in client.get("/activity/export.csv").getvalue()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=everything", "Unknown kind “everything”."),
        ("since=2026-13-01", "Enter the date as YYYY-MM-DD."),
        ("since=2026-12-02&until=2026-12-01", "The start date is after the end date."),
        ("after=not-a-token", "This page link is not valid: start again from the first page."),
    ],
)
def test_a_bad_filter_is_refused_with_its_reason(client, query, message):
    response = client.get(f"/activity/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert client.get(f"/activity/export.csv?{query}").status_code == 400


def test_pages_walk_every_row_once_in_order_even_within_one_instant(
    seller, staff, client, monkeypatch
):
    # Given seven changes of three kinds, four of them at the very same instant
    orders = [make_order(seller) for _ in range(5)]
    for order in orders:
        cancel(order, staff["anna"])
    feeds = [upload(seller, staff["bo"]) for _ in range(2)]
    instant = timezone.now() - datetime.timedelta(hours=1)
    OrderEvent.objects.filter(order__in=orders[:3], kind=OrderEvent.Kind.CANCELLED).update(
        created_at=instant
    )
    Feed.objects.filter(pk=feeds[0].pk).update(created_at=instant)
    expected = [
        row.position
        for row in seller_activity_all(seller=seller, filters=ActivityFilter(), chunk=2)
    ]
    assert len(expected) == 7 and expected == sorted(expected, reverse=True)
    assert [row.position for row in _whole(seller)] == expected
    whole = [text for _kind, text in rows(client.get("/activity/").content.decode())]

    # When the page shows two rows at a time and the seller follows "Older" to the end
    monkeypatch.setattr(activity_views, "ROWS_PER_PAGE", 2)
    seen, url = [], "/activity/"
    while url:
        page = client.get(url).content.decode()
        seen += [text for _kind, text in rows(page)]
        older = re.search(r'<a href="\?([^"]+)" rel="next">', page)
        url = f"/activity/?{older[1].replace('&amp;', '&')}" if older else ""

    # Then every row came once, in the order of the whole list
    assert len(whole) == 7
    assert seen == whole


def _whole(seller):
    return seller_activity(seller=seller, filters=ActivityFilter(), after=None, size=100).rows


def test_the_export_is_the_filtered_list_as_csv(seller, staff, client):
    # Given two cancellations by Anna and one by Bo
    orders = [make_order(seller) for _ in range(3)]
    cancel(orders[0], staff["anna"])
    cancel(orders[1], staff["anna"], reason="BuyerCanceled")
    cancel(orders[2], staff["bo"])

    # When Anna exports her own activity
    response = client.get(f"/activity/export.csv?user={staff['anna'].pk}")

    # Then the file has a header and her two cancellations, newest first
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="activity-')
    table = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert table[0] == ["Time", "Who", "Source", "What", "Order, file or report", "Reason"]
    assert [(row[1], row[4], row[5]) for row in table[1:]] == [
        ("anna", orders[1].amazon_order_id, "Buyer canceled"),
        ("anna", orders[0].amazon_order_id, "No inventory"),
    ]


def test_dates_at_the_ends_of_the_calendar_bound_nothing(seller, staff, client):
    cancel(make_order(seller), staff["anna"])

    response = client.get("/activity/?since=0001-01-01&until=9999-12-31")

    assert response.status_code == 200
    assert [kind for kind, _text in rows(response.content.decode())] == ["cancellation"]


def test_who_changed_whose_permissions_is_listed_and_filtered(seller, staff, client):
    # Given Anna invites an address, changes Bo's permissions and removes him, through the pages
    client.post(
        "/users/invite/",
        {"email": "kalle@example.se", "language": "sv", **{area: "1" for area in Area.values}},
    )
    levels = {area: "2" for area in Area.values} | {Area.CANCELLATIONS: "0"}
    client.post(f"/users/{staff['bo'].pk}/", levels)
    client.post(f"/users/{staff['bo'].pk}/remove/")

    # When she lists what was done to users and permissions
    response = client.get("/activity/?kind=users")

    # Then each change is there, newest first, by her, naming whose permissions changed
    listed = rows(response.content.decode())
    assert [kind for kind, _text in listed] == ["users"] * 3
    texts = [text for _kind, text in listed]
    assert "User removed" in texts[0] and " bo " in texts[0]
    assert "Permissions changed" in texts[1] and " bo " in texts[1]
    assert "User invited" in texts[2] and "kalle@example.se" in texts[2]
    assert all(text.split()[2] == "anna" for text in texts)
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.PERMISSIONS_SET)
    assert event.data["before"][Area.CANCELLATIONS] == 2
    assert event.data["after"][Area.CANCELLATIONS] == 0

    # When she then requires two-step sign-in of every user
    client.post("/users/two-step/", {"required": "1"})

    # Then the seller requires it, and that is the newest change, hers
    seller.refresh_from_db()
    assert seller.two_step_required
    newest = _whole(seller)[0]
    assert (newest.kind, newest.actor, newest.row.kind) == (
        "users",
        staff["anna"],
        AccountEvent.Kind.TWO_STEP_REQUIRED,
    )


def test_requiring_two_steps_needs_a_token_from_the_page_and_changes_nothing_without(seller, staff):
    # Given an administrator whose request comes from another site (no CSRF token)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["anna"])

    # When it asks to require two-step sign-in
    response = client.post("/users/two-step/", {"required": "1"})

    # Then it is refused and nothing changed
    assert response.status_code == 403
    seller.refresh_from_db()
    assert not seller.two_step_required
    assert not AccountEvent.objects.exists()


def test_a_change_through_the_api_names_its_developer_application(seller, staff, client):
    # Given an application registered by Bo that cancels an order through the Orders API
    order = make_order(seller)
    credentials = register(seller, name="Lagersystemet", created_by=staff["bo"])
    api = Client(headers={"x-amz-access-token": access_token(credentials)})
    response = api.put(
        f"/orders/v0/orders/{order.amazon_order_id}/cancellation",
        json.dumps({"cancelReasonCode": "NO_INVENTORY"}),
        "application/json",
    )
    assert response.status_code == 200
    # And a later request of the same thread, from a person, names no application
    cancel(make_order(seller), staff["anna"])

    # When Anna opens Activity
    listed = rows(client.get("/activity/").content.decode())

    # Then the API's cancellation is the application's, and hers is hers
    assert [text.split()[2] for _kind, text in listed] == ["anna", "Lagersystemet"]
    event = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.CANCELLED)
    assert event.application_id == credentials.application.pk


@pytest.mark.django_db(transaction=True)
def test_a_feed_an_application_sent_names_it_on_its_changes(seller, staff, client):
    # Given a cancellation file sent through the Feeds API by Bo's application
    order = make_order(seller)
    credentials = register(seller, name="Lagersystemet", created_by=staff["bo"])
    content = f"{CANCELLATION_FILE}{order.amazon_order_id}\tNoInventory\t\n"
    with (
        acting_application(credentials.application.pk),
        mock.patch("sellerdesk.feeds.services.enqueue_on_commit"),
    ):
        feed = feed_submit(
            seller=seller,
            feed_type=FeedType.ORDER_CANCELLATION_FILE,
            chunks=[content.encode()],
            content_type="text/tab-separated-values",
            filename="cancel.txt",
            source=Feed.Source.API,
            created_by=staff["bo"],
        )

    # When a worker applies it, outside any request
    feed_process(feed_pk=feed.pk)

    # Then the feed and the cancellation it made are the application's
    feed.refresh_from_db()
    assert (feed.processing_status, feed.fatal_description) == (Feed.Status.DONE, "")
    assert feed.application_id == credentials.application.pk
    event = OrderEvent.objects.get(order=order, kind=OrderEvent.Kind.CANCELLED)
    assert event.application_id == credentials.application.pk
    listed = rows(client.get("/activity/").content.decode())
    assert [(kind, text.split()[2]) for kind, text in listed] == [
        ("cancellation", "Lagersystemet"),
        ("file", "Lagersystemet"),
    ]
