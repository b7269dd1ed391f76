"""Buyer cancellation requests on the seller's pages: the badge and the filter on Manage
Orders, the order's timeline, and the cancel page's preselected reason and notice."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.orders.models import Order
from sellerdesk.orders.selectors import OrderFilter, order_list
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order, make_user


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def requested(order: Order, reason: str = "Ordered by mistake") -> Order:
    return order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason=reason)


def listed(html: str) -> list[str]:
    return re.findall(r'data-order-id="([^"]+)"', html)


def manage(client: Client, **params: str) -> str:
    response = client.get(reverse("orders:manage"), params)
    assert response.status_code == 200
    return response.content.decode()


def selected_reason(html: str) -> list[str]:
    select = re.search(r'<select name="reason".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)" selected>', select.group(0))


def test_the_cancel_page_preselects_buyer_canceled_and_says_why(seller, english_client):
    order = requested(make_order(seller), "Found it cheaper <elsewhere>")

    html = english_client.get(reverse("orders:cancel", args=[order.amazon_order_id])).content
    content = html.decode()

    assert selected_reason(content) == ["BuyerCanceled"]
    assert 'data-notice="buyer-requested"' in content
    assert "The buyer asked to cancel this order" in content
    assert "Found it cheaper &lt;elsewhere&gt;" in content
    assert "does not count in your cancellation rate" in content


def test_the_cancel_page_of_an_order_without_a_request_preselects_nothing(seller, english_client):
    order = make_order(seller)

    content = english_client.get(
        reverse("orders:cancel", args=[order.amazon_order_id])
    ).content.decode()

    assert selected_reason(content) == [""]  # "Select a reason"
    assert 'data-notice="buyer-requested"' not in content


def test_a_posted_reason_overrides_the_preselection(seller, english_client):
    order = requested(make_order(seller))

    response = english_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]), {"reason": "NoInventory"}
    )

    assert response.status_code == 302
    event = order.events.get(kind="cancelled")
    assert (event.reason, event.data["counts_toward_rate"]) == ("NoInventory", True)


def test_manage_orders_badges_requested_orders_with_the_reason_as_title(seller, english_client):
    asked = requested(make_order(seller), 'Wrong "colour"')
    plain = make_order(seller)

    html = manage(english_client)

    rows = dict(re.findall(r'<tr data-order-id="([^"]+)">(.*?)</tr>', html, re.S))
    assert set(rows) == {asked.amazon_order_id, plain.amazon_order_id}
    assert (
        '<span class="buyer-request" title="Wrong &quot;colour&quot;">'
        "Buyer requested cancellation</span>"
    ) in rows[asked.amazon_order_id]
    assert "buyer-request" not in rows[plain.amazon_order_id]


def test_the_filter_lists_only_requested_orders_of_the_seller(seller, other_seller, english_client):
    listing = make_listing(seller, quantity=50)
    older = requested(make_order(seller, (listing, 1)))
    make_order(seller, (listing, 1))
    newer = requested(make_order(seller, (listing, 1)))
    requested(make_order(other_seller))

    html = manage(english_client, buyer_requested="1")

    assert listed(html) == [newer.amazon_order_id, older.amazon_order_id]
    assert 'name="buyer_requested" value="1" checked' in html
    # The status tabs and the selection keep the filter.
    assert "buyer_requested=1&amp;status=Unshipped" in html
    assert '<input type="hidden" name="buyer_requested" value="1">' in html


def test_the_filter_combines_with_a_status_tab_and_search(seller, english_client):
    listing = make_listing(seller, quantity=50)
    unshipped = requested(make_order(seller, (listing, 1), buyer_name="Märta Holm"))
    cancelled = requested(make_order(seller, (listing, 1), buyer_name="Olle Holm"))
    english_client.post(
        reverse("orders:cancel", args=[cancelled.amazon_order_id]), {"reason": "BuyerCanceled"}
    )
    make_order(seller, (listing, 1), buyer_name="Saga Holm")

    tab = manage(english_client, buyer_requested="1", status="Unshipped")
    search = manage(english_client, buyer_requested="1", q="Holm", sort="oldest")
    off = manage(english_client, buyer_requested="", q="Holm")

    assert listed(tab) == [unshipped.amazon_order_id]
    assert listed(search) == [unshipped.amazon_order_id, cancelled.amazon_order_id]
    assert len(listed(off)) == 3


def test_the_filter_pages_by_keyset(seller, english_client):
    listing = make_listing(seller, quantity=100)
    for _ in range(55):
        requested(make_order(seller, (listing, 1)))
    make_order(seller, (listing, 1))

    first = manage(english_client, buyer_requested="1")
    next_href = re.search(r'href="\?([^"]*cursor=[^"]+)" rel="next"', first)
    assert next_href is not None
    second = english_client.get(
        reverse("orders:manage") + "?" + next_href.group(1).replace("&amp;", "&")
    ).content.decode()

    assert (len(listed(first)), len(listed(second))) == (50, 5)
    assert not set(listed(first)) & set(listed(second))


def test_the_filtered_list_takes_two_queries(seller, django_assert_num_queries):
    listing = make_listing(seller, quantity=100)
    for _ in range(20):
        requested(make_order(seller, (listing, 1)))

    with django_assert_num_queries(2):
        page = order_list(seller=seller, filters=OrderFilter(buyer_requested=True))
        assert sum(len(order.items.all()) for order in page.orders) == 20


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, without statistics")
@pytest.mark.parametrize("status", ["", "Shipped"])
def test_the_filtered_list_reads_the_partial_index_of_requests(seller, status):
    requested(make_order(seller))

    with CaptureQueriesContext(connection) as queries:
        order_list(seller=seller, filters=OrderFilter(status=status, buyer_requested=True))

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {queries.captured_queries[0]['sql']}")
        plan = " ".join(row[3] for row in cursor.fetchall())
    index = "order_seller_status_requested" if status else "order_seller_buyer_requested"
    assert f"USING INDEX {index}" in plan
    assert "TEMP B-TREE" not in plan


@pytest.mark.django_db(transaction=True)
def test_selecting_all_requested_orders_cancels_only_those(seller, english_client):
    listing = make_listing(seller, quantity=50)
    asked = requested(make_order(seller, (listing, 1)))
    make_order(seller, (listing, 1))
    data = {"all": "1", "buyer_requested": "1"}

    confirm = english_client.post(reverse("orders:cancel_selected"), data)
    announced = re.search(r'name="announced" value="([^"]*)"', confirm.content.decode())
    assert announced is not None
    english_client.post(
        reverse("orders:cancel_selected"),
        {**data, "confirm": "1", "reason": "BuyerCanceled", "announced": announced.group(1)},
    )
    run_tasks()

    content = confirm.content.decode()
    assert re.search(r'class="selected-count">1<', content)
    assert '<input type="hidden" name="buyer_requested" value="1">' in content
    assert list(Order.objects.filter(status="Canceled").values_list("pk", flat=True)) == [asked.pk]
    asked.refresh_from_db()
    assert asked.rate_cancelled is False


def test_the_order_page_shows_the_request_on_its_timeline(seller, english_client):
    order = requested(make_order(seller), "Ordered twice")

    html = english_client.get(reverse("orders:detail", args=[order.amazon_order_id])).content
    content = html.decode()

    timeline = re.search(
        r'<li class="event event-buyer_cancel_requested">(.*?)</li>', content, re.S
    )
    assert timeline is not None
    assert "Buyer requested cancellation" in timeline.group(1)
    assert "Buyer" in timeline.group(1)
    assert '<q class="buyer-cancel-reason">Ordered twice</q>' in timeline.group(1)
    assert '<span class="buyer-request" title="Ordered twice">' in content


def test_another_sellers_requested_order_is_404_on_its_pages(seller, other_seller, english_client):
    theirs = requested(make_order(other_seller))

    for name in ("orders:detail", "orders:cancel"):
        response = english_client.get(reverse(name, args=[theirs.amazon_order_id]))
        assert response.status_code == 404
