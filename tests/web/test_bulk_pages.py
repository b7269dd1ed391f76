"""Upload order-related files, read their reports, and cancel a selection from Manage Orders."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sellerdesk.feeds.models import Feed
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order
from sellerdesk.orders.services import order_confirm_shipment
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "order-id\tcancellation-reason-code\tamazon-order-item-code\n"


def upload(client, content: bytes, name: str = "cancel.txt", validate_only: bool = False):
    data: dict[str, object] = {"file": SimpleUploadedFile(name, content, content_type="text/plain")}
    if validate_only:
        data["validate_only"] = "on"
    return client.post(reverse("feeds:upload"), data)


def test_uploading_a_file_cancels_and_the_report_page_shows_each_problem(seller, seller_client):
    order = make_order(seller)
    content = f"{HEADER}{order.amazon_order_id}\tPricingError\t\n123-0000000-0000000\tNope\t\n"

    response = upload(seller_client, content.encode("cp1252"))
    run_tasks()

    feed = Feed.objects.get()
    assert response["Location"] == reverse("feeds:detail", args=[feed.feed_id])
    page = seller_client.get(response["Location"]).content.decode()
    assert "Klar" in page
    assert "18003" in page and "Nope" in page
    history = seller_client.get(reverse("feeds:history")).content.decode()
    assert "cancel.txt" in history and feed.feed_id in history
    download = seller_client.get(reverse("feeds:report", args=[feed.feed_id]))
    assert download.status_code == 200
    assert b"Number of records processed\t2" in b"".join(download.streaming_content)
    order.refresh_from_db()
    assert order.status == "Canceled"


def test_validate_only_changes_nothing(seller, seller_client):
    order = make_order(seller)

    upload(
        seller_client,
        f"{HEADER}{order.amazon_order_id}\tPricingError\t\n".encode(),
        validate_only=True,
    )
    run_tasks()

    feed = Feed.objects.get()
    assert (feed.dry_run, feed.processing_status, feed.messages_successful) == (True, "DONE", 1)
    page = seller_client.get(reverse("feeds:detail", args=[feed.feed_id])).content.decode()
    assert re.search(r'class="rate-now">0,00 %', page)
    assert re.search(r'class="rate-after danger-text">100,00 %', page)
    order.refresh_from_db()
    assert order.status == "Unshipped"
    assert not OutboundEmail.objects.exists()


def test_an_empty_or_oversized_file_is_refused_at_upload(seller, seller_client, settings):
    settings.FEED_MAX_BYTES = 10

    empty = upload(seller_client, b"")
    large = upload(seller_client, b"x" * 11)

    assert (empty.status_code, large.status_code) == (422, 422)
    assert "Filen är större än gränsen" in large.content.decode()
    assert not Feed.objects.exists()


def test_the_template_downloads(seller_client):
    response = seller_client.get(reverse("feeds:template", args=["cancellation"]))

    assert response.status_code == 200
    assert "order-id\tcancellation-reason-code\tamazon-order-item-code" in response.content.decode()


def test_another_sellers_feed_is_404(seller, other_seller, seller_client):
    from tests.factories import make_user

    other = make_user(other_seller)
    from django.test import Client

    client = Client()
    client.force_login(other)
    upload(client, f"{HEADER}{make_order(other_seller).amazon_order_id}\tPricingError\t\n".encode())
    feed = Feed.objects.get()

    for name in ["feeds:detail", "feeds:report"]:
        assert seller_client.get(reverse(name, args=[feed.feed_id])).status_code == 404
    assert feed.feed_id not in seller_client.get(reverse("feeds:history")).content.decode()


def test_selection_confirmation_shows_what_will_happen_then_cancels(seller, seller_client):
    listing = make_listing(seller, sku="MUG-1", quantity=50)
    unshipped = [make_order(seller, (listing, 2)) for _ in range(3)]
    shipped = make_order(seller, (listing, 1))
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=shipped.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
    )
    selected = [o.amazon_order_id for o in [*unshipped, shipped]]

    confirm = seller_client.post(reverse("orders:cancel_selected"), {"order": selected})
    page = confirm.content.decode()

    assert confirm.status_code == 200
    assert re.search(r'class="eligible-count">3<', page)
    assert re.search(r'class="selected-count">4<', page)
    assert "Skickad" in page and "MUG-1" in page
    assert re.search(r'class="rate-now">0,00 %', page)
    assert re.search(r'class="rate-after danger-text">75,00 %', page)
    assert Order.objects.filter(status="Canceled").count() == 0

    done = seller_client.post(
        reverse("orders:cancel_selected"),
        {
            "order": selected,
            "confirm": "1",
            "reason": "NoInventory",
            "memo": "Slut",
            "announced": announced(page),
        },
    )
    run_tasks()

    feed = Feed.objects.get()
    assert done["Location"] == reverse("feeds:detail", args=[feed.feed_id])
    feed.refresh_from_db()
    assert (feed.source, feed.messages_processed, feed.messages_with_error) == ("selection", 3, 0)
    assert Order.objects.filter(status="Canceled").count() == 3
    event = unshipped[0].events.get(kind="cancelled")
    assert (event.source, event.reason, event.memo) == ("bulk", "NoInventory", "Slut")


def announced(page: str) -> str:
    match = re.search(r'name="announced" value="([^"]*)"', page)
    assert match, "the confirmation carries what it announced"
    return match.group(1)


def test_selecting_all_matching_a_filter(seller, seller_client):
    listing = make_listing(seller, quantity=50)
    kept = make_order(seller, (listing, 1), buyer_name="Olle Holm")
    make_order(seller, (listing, 1), buyer_name="Saga Berg")

    confirm = seller_client.post(reverse("orders:cancel_selected"), {"all": "1", "q": "Holm"})

    page = confirm.content.decode()
    assert re.search(r'class="selected-count">1<', page)
    seller_client.post(
        reverse("orders:cancel_selected"),
        {
            "all": "1",
            "q": "Holm",
            "confirm": "1",
            "reason": "PricingError",
            "announced": announced(page),
        },
    )
    run_tasks()
    assert list(Order.objects.filter(status="Canceled").values_list("pk", flat=True)) == [kept.pk]


def test_an_unreadable_filter_never_selects_all_orders(seller, seller_client):
    listing = make_listing(seller, quantity=50)
    make_order(seller, (listing, 1))

    response = seller_client.post(
        reverse("orders:cancel_selected"),
        {"all": "1", "date_from": "not-a-date", "confirm": "1", "reason": "PricingError"},
    )
    run_tasks()

    assert response["Location"] == reverse("orders:manage")
    assert not Order.objects.filter(status="Canceled").exists()
    assert not Feed.objects.exists()


def test_an_empty_selection_goes_back_with_a_message(seller_client):
    response = seller_client.post(reverse("orders:cancel_selected"), {})

    assert response["Location"] == reverse("orders:manage")


def test_confirming_without_a_reason_changes_nothing(seller, seller_client):
    order = make_order(seller)

    response = seller_client.post(
        reverse("orders:cancel_selected"), {"order": [order.amazon_order_id], "confirm": "1"}
    )

    assert response.status_code == 422
    assert "Välj en orsak till annulleringen." in response.content.decode()
    assert not Feed.objects.exists()
