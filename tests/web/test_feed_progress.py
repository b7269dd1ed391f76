"""A feed's page follows its processing: the fragment it polls brings the results in as soon as
the feed is done, and the page without JavaScript shows the same from the server."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sellerdesk.feeds.models import Feed
from tests.conftest import run_tasks
from tests.factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
UNKNOWN = "123-0000000-0000000"


def submit(client, seller):
    """A file that cancels one order and names a pending order and an unknown one."""
    unshipped = make_order(seller)
    pending = make_order(seller, payment_authorized=False)
    content = (
        f"{HEADER}{unshipped.amazon_order_id}\tPricingError\t\n"
        f"{pending.amazon_order_id}\tPricingError\t\n{UNKNOWN}\tPricingError\t\n"
    )
    client.post(
        reverse("feeds:upload"),
        {"file": SimpleUploadedFile("cancel.txt", content.encode(), content_type="text/plain")},
    )
    return Feed.objects.get(), pending


def poll(client, feed):
    return client.get(
        reverse("feeds:detail", args=[feed.feed_id]), {"page": "1"}, headers={"HX-Request": "true"}
    ).content.decode()


def result_rows(html):
    return re.findall(r'<tr class="result-(\w+)">(.*?)</tr>', html, re.S)


def test_the_polled_fragment_keeps_polling_while_the_feed_waits(seller, seller_client):
    feed, _ = submit(seller_client, seller)

    fragment = poll(seller_client, feed)

    assert 'hx-trigger="every 1s"' in fragment
    assert result_rows(fragment) == []


def test_the_fragment_of_a_done_feed_brings_every_error_with_its_order_linked(
    seller, seller_client
):
    feed, pending = submit(seller_client, seller)
    run_tasks()

    fragment = poll(seller_client, feed)

    assert "hx-trigger" not in fragment
    assert '<dd class="errors">2</dd>' in fragment
    (pending_row, unknown_row) = result_rows(fragment)
    order_url = reverse("orders:detail", args=[pending.amazon_order_id])
    assert pending_row[0] == "error"
    assert f'<a href="{order_url}">{pending.amazon_order_id}</a>' in pending_row[1]
    assert "18009" in pending_row[1] and "Pending" in pending_row[1]
    assert unknown_row[0] == "error"
    assert UNKNOWN in unknown_row[1] and "<a " not in unknown_row[1]
    assert "18002" in unknown_row[1]


def test_the_page_without_javascript_shows_the_same_results(seller, seller_client):
    feed, pending = submit(seller_client, seller)
    run_tasks()

    page = seller_client.get(reverse("feeds:detail", args=[feed.feed_id])).content.decode()

    assert 'http-equiv="refresh"' not in page
    assert [row[1] for row in result_rows(page)] == [
        row[1] for row in result_rows(poll(seller_client, feed))
    ]
    assert f'href="{reverse("orders:detail", args=[pending.amazon_order_id])}"' in page


def test_a_running_feed_page_refreshes_itself_without_javascript(seller, seller_client):
    feed, _ = submit(seller_client, seller)

    page = seller_client.get(reverse("feeds:detail", args=[feed.feed_id])).content.decode()

    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
