"""The Price and Quantity inventory file through the Feeds API: createFeed accepts its type, a
worker applies it, getFeed names the report."""

import pytest

from sellerdesk.catalog.models import Listing
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_document_create, feed_document_upload
from tests.conftest import run_tasks
from tests.factories import make_listing

pytestmark = pytest.mark.django_db(transaction=True)

FEEDS = "/feeds/2021-06-30/feeds"
FEED = "/feeds/2021-06-30/feeds/{feedId}"


def test_create_feed_takes_the_inventory_file_and_it_sets_stock(seller, sp):
    make_listing(seller, sku="MUGG", quantity=10, price="199.00")
    document = feed_document_create(seller=seller, content_type="text/tab-separated-values")
    feed_document_upload(document=document, chunks=[b"sku\tprice\tquantity\nMUGG\t179\t40\n"])

    created = sp.call(
        "POST",
        FEEDS,
        body={
            "feedType": "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
            "marketplaceIds": ["A2NODRKZP88ZB9"],
            "inputFeedDocumentId": document.document_id,
        },
    )
    run_tasks()
    feed = Feed.objects.get()
    got = sp.call("GET", FEED, feedId=feed.feed_id)

    assert created.status_code == 202
    assert (feed.feed_type, feed.source) == (FeedType.INVENTORY_FILE, Feed.Source.API)
    assert got.json()["processingStatus"] == "DONE"
    assert feed.result_document is not None
    assert got.json()["resultFeedDocumentId"] == feed.result_document.document_id
    listing = Listing.objects.get(sku="MUGG")
    assert (listing.quantity, str(listing.price)) == (40, "179.00")
