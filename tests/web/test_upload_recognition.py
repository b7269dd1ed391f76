"""Upload order files: an XML feed is recognised as XML however it starts, as the Feeds API
reads it: after a UTF-16 byte-order mark, or with a comment before the envelope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.orders.models import Order, OrderEvent
from tests.conftest import run_tasks
from tests.factories import make_order

pytestmark = pytest.mark.django_db(transaction=True)


def acknowledgement(order: Order, *, prolog: str) -> str:
    return (
        f"{prolog}<AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>"
        "<MerchantIdentifier>M</MerchantIdentifier></Header>"
        "<MessageType>OrderAcknowledgement</MessageType>"
        "<Message><MessageID>1</MessageID><OrderAcknowledgement>"
        f"<AmazonOrderID>{order.amazon_order_id}</AmazonOrderID><StatusCode>Failure</StatusCode>"
        f"<Item><AmazonOrderItemCode>{order.items.get().order_item_id}</AmazonOrderItemCode>"
        "<CancelReason>NoInventory</CancelReason></Item>"
        "</OrderAcknowledgement></Message></AmazonEnvelope>"
    )


@pytest.mark.parametrize(
    ("prolog", "encoding"),
    [
        ('<?xml version="1.0" encoding="UTF-16"?>\n', "utf-16"),  # with its byte-order mark
        ("<!-- Exported from the order system -->\n", "utf-8"),
    ],
    ids=["utf-16-with-bom", "comment-first"],
)
def test_an_order_acknowledgement_is_recognised_as_the_xml_feed(
    seller, seller_client, prolog, encoding
):
    order = make_order(seller)
    content = acknowledgement(order, prolog=prolog).encode(encoding)

    response = seller_client.post(
        reverse("feeds:upload"),
        {
            "file_type": "cancellation",
            "file": SimpleUploadedFile("ack.xml", content, content_type="text/xml"),
        },
    )
    run_tasks()

    feed = Feed.objects.get()
    assert response["Location"] == reverse("feeds:detail", args=[feed.feed_id])
    assert feed.feed_type == FeedType.ORDER_ACKNOWLEDGEMENT
    assert (feed.processing_status, feed.fatal_code) == ("DONE", None)
    assert (feed.messages_successful, feed.messages_with_error) == (1, 0)
    assert feed.result_document is not None
    assert feed.result_document.content_type == "text/xml; charset=UTF-8"
    order.refresh_from_db()
    assert order.status == "Canceled"
    event = OrderEvent.objects.get(order=order, kind="cancelled")
    assert (event.source, event.reason) == ("file", "NoInventory")
