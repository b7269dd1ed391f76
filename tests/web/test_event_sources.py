"""The order timeline names what made each change: the kind of file or feed, linked to its
page, the selection on Manage Orders, or the page, API or system that made it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sellerdesk.feeds.models import Feed
from sellerdesk.orders.models import OrderEvent
from sellerdesk.orders.services import order_event_record
from tests.conftest import run_tasks
from tests.factories import make_order, make_two_item_order, ship_item

pytestmark = pytest.mark.django_db(transaction=True)

ADJUSTMENT_HEADER = (
    "order-id\torder-item-id\tadjustment-reason-code\tcurrency\titem-price-adj\titem-tax-adj\t"
    "shipping-price-adj\tshipping-tax-adj\tquantity-cancelled\n"
)


def upload(client, content: str, file_type: str) -> Feed:
    client.post(
        reverse("feeds:upload"),
        {
            "file": SimpleUploadedFile("batch.txt", content.encode(), content_type="text/plain"),
            "file_type": file_type,
        },
    )
    run_tasks()
    return Feed.objects.latest("pk")


def timeline_sources(client, order) -> dict[str, str]:
    """Each event kind on the order's page with what the timeline says made it (the user who
    made it follows)."""
    page = client.get(reverse("orders:detail", args=[order.amazon_order_id])).content.decode()
    events = re.findall(
        r'<li class="event event-(\w+)">.*?<span class="muted">· (.*?)</span>', page, re.S
    )
    return {kind: made.split(" · ")[0] for kind, made in events}


def test_an_order_adjustment_file_is_named_on_the_timeline_and_linked(seller, seller_client):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    content = (
        f"{ADJUSTMENT_HEADER}{order.amazon_order_id}\t{second.order_item_id}\tNoInventory\tSEK\t"
        "300.00\t75.00\t\t\t1\n"
    )

    feed = upload(seller_client, content, "adjustment")

    assert (feed.processing_status, feed.messages_with_error) == ("DONE", 0)
    made = order.events.filter(kind__in=["refunded", "cancelled"])
    assert sorted(made.values_list("kind", "source", "feed")) == [
        ("cancelled", "file", feed.pk),
        ("refunded", "file", feed.pk),
    ]
    sources = timeline_sources(seller_client, order)
    link = f'<a class="event-feed" href="{reverse("feeds:detail", args=[feed.feed_id])}">'
    assert sources["refunded"] == f"{link}Orderjusteringsfil</a>"
    assert sources["cancelled"] == f"{link}Orderjusteringsfil</a>"
    assert sources["shipment_confirmed"] == "Seller Desk"


def test_a_shipment_confirmation_file_is_named_on_the_timeline(seller, seller_client):
    order = make_order(seller)
    content = (
        "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\t"
        f"tracking-number\tship-method\n{order.amazon_order_id}\t\t\t2026-01-05\tPostNord\t\t"
        "UA1SE\t\n"
    )

    feed = upload(seller_client, content, "shipment")

    assert (feed.processing_status, feed.messages_with_error) == ("DONE", 0)
    assert order.events.get(kind="shipment_confirmed").feed_id == feed.pk
    assert (
        "Leveransbekräftelsefil</a>" in timeline_sources(seller_client, order)["shipment_confirmed"]
    )


def test_a_selection_is_named_as_the_selection_not_as_a_file(seller, seller_client):
    order = make_order(seller)
    confirm = seller_client.post(
        reverse("orders:cancel_selected"), {"order": [order.amazon_order_id]}
    ).content.decode()
    announced = re.search(r'name="announced" value="([^"]*)"', confirm)
    assert announced is not None
    seller_client.post(
        reverse("orders:cancel_selected"),
        {
            "order": [order.amazon_order_id],
            "confirm": "1",
            "reason": "PricingError",
            "announced": announced.group(1),
        },
    )
    run_tasks()

    feed = Feed.objects.get()
    event = order.events.get(kind="cancelled")
    assert (event.source, event.feed_id) == ("bulk", feed.pk)
    assert timeline_sources(seller_client, order)["cancelled"].endswith(
        ">Urval i Hantera beställningar</a>"
    )


def test_an_upload_event_without_its_feed_is_named_an_uploaded_file(seller, seller_client):
    order = make_order(seller)
    order_event_record(order=order, kind=OrderEvent.Kind.ACKNOWLEDGED, source="file")

    assert timeline_sources(seller_client, order)["acknowledged"] == "Uppladdad fil"
