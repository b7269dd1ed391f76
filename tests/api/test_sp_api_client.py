"""An existing SP-API client, python-amazon-sp-api, against a running Seller Desk: token exchange,
createFeedDocument, the upload, createFeed, getFeed, getFeeds and the processing report.

sellerdesk_feeds() is the worked example of docs/api.md."""

import importlib
import inspect
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from sp_api.api.feeds.feeds_2021_06_30 import FeedsV20210630
from sp_api.api.orders.orders_v0 import OrdersV0
from sp_api.auth import AccessTokenClient
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import Marketplaces
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiForbiddenException,
    SellingApiNotFoundException,
    SellingApiRequestThrottledException,
)
from sp_api.util import load_all_pages, throttle_retry

from sellerdesk.accounts.credentials import application_register, application_revoke
from sellerdesk.feeds.models import Feed, FeedDocument
from tests.api.ratelimits import QUOTA_EXCEEDED, Clock
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session", autouse=True)
def _live_server_on_plain_http(request: pytest.FixtureRequest) -> None:
    """SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the live server builds its
    handler: start the server with the redirect to https off (as tests/e2e does)."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        request.getfixturevalue("live_server")


def sellerdesk_feeds(
    base_url: str, *, client_id: str, client_secret: str, refresh_token: str
) -> FeedsV20210630:
    """python-amazon-sp-api's Feeds client, pointed at Seller Desk instead of Amazon."""
    server = urlsplit(base_url)

    class SellerDeskToken(AccessTokenClient):
        # Where the library exchanges the refresh token: Seller Desk's /auth/o2/token.
        scheme = f"{server.scheme}://"
        host = server.netloc

    class SellerDeskFeeds(FeedsV20210630):
        @property
        def headers(self) -> dict[str, str]:
            # The library derives Host by cutting "https://" off the endpoint; say it outright,
            # so that a plain-http URL (a test server, a LAN install) works too.
            return {**super().headers, "host": server.netloc}

    client = SellerDeskFeeds(
        Marketplaces.SE,  # A2NODRKZP88ZB9, Seller Desk's marketplace
        credentials={
            "lwa_app_id": client_id,
            "lwa_client_secret": client_secret,
            "refresh_token": refresh_token,
        },
        auth_token_client_class=SellerDeskToken,
    )
    client.endpoint = base_url
    return client


@pytest.fixture
def connect(live_server: Any) -> Iterator[Callable[..., FeedsV20210630]]:
    """sellerdesk_feeds() against the live server; its connections are closed after the test."""
    clients: list[FeedsV20210630] = []

    def connect(**credentials: str) -> FeedsV20210630:
        clients.append(sellerdesk_feeds(live_server.url, **credentials))
        return clients[-1]

    yield connect
    for client in clients:
        client.close()
        # The library's token client keeps an HTTP connection of its own open: a live-server
        # thread would wait on it, holding a database connection that blocks dropping the test
        # database on PostgreSQL.
        client._auth._transport.close()


@pytest.fixture
def credentials(seller: Any) -> dict[str, str]:
    application, client_secret, refresh_token = application_register(
        seller=seller, name="python-amazon-sp-api", created_by=make_user(seller)
    )
    return {
        "client_id": application.client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
    }


def test_submit_a_cancellation_file_poll_and_read_the_report(connect, seller, credentials):
    order = make_order(seller, (make_listing(seller, quantity=5), 1))
    cancellation_file = (
        "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
        f"{order.amazon_order_id}\tNoInventory\t\n"
    ).encode()
    feeds = connect(**credentials)

    document, created = feeds.submit_feed(
        "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
        io.BytesIO(cancellation_file),
        content_type="text/tab-separated-values; charset=UTF-8",
    )
    feed_id = created.payload["feedId"]
    queued = feeds.get_feed(feed_id).payload
    listed = feeds.get_feeds(feedTypes=["POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"]).payload
    run_tasks()
    done = feeds.get_feed(feed_id).payload
    report = feeds.get_feed_document(done["resultFeedDocumentId"])

    stored = FeedDocument.objects.get(document_id=document.payload["feedDocumentId"])
    with stored.file.open("rb") as upload:
        assert upload.read() == cancellation_file
    assert queued["processingStatus"] == "IN_QUEUE"
    assert [feed["feedId"] for feed in listed["feeds"]] == [feed_id]
    assert done["processingStatus"] == "DONE"
    assert done.keys() == {
        "feedId",
        "feedType",
        "marketplaceIds",
        "createdTime",
        "processingStatus",
        "processingStartTime",
        "processingEndTime",
        "resultFeedDocumentId",
    }
    assert "Number of records processed\t1" in report
    assert "Number of records successful\t1" in report
    order.refresh_from_db()
    assert order.status == "Canceled"


def test_cancel_a_queued_feed_and_read_back_the_input_document(connect, seller, credentials):
    feeds = connect(**credentials)
    content = "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
    document, created = feeds.submit_feed(
        "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
        io.BytesIO(content.encode()),
        content_type="text/tab-separated-values; charset=UTF-8",
    )

    feeds.cancel_feed(created.payload["feedId"])
    with pytest.raises(SellingApiBadRequestException) as again:
        feeds.cancel_feed(created.payload["feedId"])
    echoed = feeds.get_feed_document(document.payload["feedDocumentId"])

    assert Feed.objects.get().processing_status == "CANCELLED"
    assert again.value.error[0]["code"] == "feed_not_in_queue"
    assert echoed == content


def test_a_wrong_secret_gets_no_token(connect, seller, credentials):
    feeds = connect(**(credentials | {"client_secret": "wrong"}))

    with pytest.raises(AuthorizationError) as refused:
        feeds.get_feeds(feedTypes=["X"])

    assert (refused.value.status_code, refused.value.error_code) == (400, "invalid_client")


def test_a_revoked_applications_cached_token_is_refused(connect, seller, credentials):
    feeds = connect(**credentials)
    feed_types = ["POST_ORDER_ACKNOWLEDGEMENT_DATA"]
    feeds.get_feeds(feedTypes=feed_types)  # the library keeps this token for later calls
    application_revoke(seller=seller, application_id=seller.developer_applications.get().pk)

    with pytest.raises(SellingApiForbiddenException) as denied:
        feeds.get_feeds(feedTypes=feed_types)

    assert denied.value.error == [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "",
        }
    ]


def test_docs_show_the_client_code_these_tests_run():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()

    assert inspect.getsource(sellerdesk_feeds) in docs


# The Orders API, with the library's Orders (v0) client


def sellerdesk_orders(
    base_url: str, *, client_id: str, client_secret: str, refresh_token: str
) -> OrdersV0:
    """python-amazon-sp-api's Orders client (v0), pointed at Seller Desk instead of Amazon."""
    server = urlsplit(base_url)

    class SellerDeskToken(AccessTokenClient):
        scheme = f"{server.scheme}://"
        host = server.netloc

    class SellerDeskOrders(OrdersV0):
        @property
        def headers(self) -> dict[str, str]:
            return {**super().headers, "host": server.netloc}

    client = SellerDeskOrders(
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


def test_read_orders_and_items_and_confirm_a_shipment_with_the_orders_client(
    live_server, seller, credentials
):
    listing = make_listing(seller, sku="MUG-1", quantity=10, price="199.00")
    made = [make_order(seller, (listing, 2)).amazon_order_id for _ in range(3)]
    orders = sellerdesk_orders(live_server.url, **credentials)

    @load_all_pages(throttle_by_seconds=0)
    def every_page(**query: Any) -> Any:
        # The library sends the first page's parameters again with each NextToken.
        return orders.get_orders(**query)

    try:
        pages = [
            page.payload
            for page in every_page(CreatedAfter="2026-01-01T00:00:00Z", MaxResultsPerPage=2)
        ]
        order = orders.get_order(made[0]).payload
        items = orders.get_order_items(made[0]).payload
        orders.confirm_shipment(
            made[0],
            marketplaceId="A2NODRKZP88ZB9",
            packageDetail={
                "packageReferenceId": "1",
                "carrierCode": "PostNord",
                "trackingNumber": "UA123456789SE",
                "shipDate": "2026-03-03T08:00:00Z",
                "orderItems": [
                    {"orderItemId": items["OrderItems"][0]["OrderItemId"], "quantity": 2}
                ],
            },
        )
        shipped = orders.get_order(made[0]).payload
        with pytest.raises(SellingApiNotFoundException) as missing:
            orders.get_order("999-9999999-9999999")
    finally:
        orders.close()
        orders._auth._transport.close()

    assert [[o["AmazonOrderId"] for o in page["Orders"]] for page in pages] == [made[:2], made[2:]]
    assert (order["AmazonOrderId"], order["OrderStatus"], order["OrderTotal"]) == (
        made[0],
        "Unshipped",
        {"CurrencyCode": "SEK", "Amount": "398.00"},
    )
    assert [
        (item["SellerSKU"], item["QuantityOrdered"], item["ItemPrice"]["Amount"])
        for item in items["OrderItems"]
    ] == [("MUG-1", 2, "398.00")]
    assert (shipped["OrderStatus"], shipped["NumberOfItemsShipped"]) == ("Shipped", 2)
    assert missing.value.error[0]["code"] == "order_not_found"


def test_docs_show_the_orders_client_code_these_tests_run():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()

    assert inspect.getsource(sellerdesk_orders) in docs


def test_over_get_orders_plan_the_librarys_throttle_retry_completes_the_work(
    live_server, seller, credentials, settings, clock: Clock, monkeypatch
):
    """python-amazon-sp-api raises SellingApiRequestThrottledException for a 429; its
    throttle_retry decorator (sp_api.util) sleeps and calls again. The sleeps here move the
    buckets' clock instead of waiting."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "getOrder": "0.5/2"}
    listing = make_listing(seller, quantity=10)
    made = [make_order(seller, (listing, 1)).amazon_order_id for _ in range(4)]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    # sp_api.util's `retry` is the function; its module is where `time.sleep` is looked up.
    retry_module = importlib.import_module("sp_api.util.retry")
    monkeypatch.setattr(retry_module, "time", SimpleNamespace(sleep=sleep))
    orders = sellerdesk_orders(live_server.url, **credentials)

    @throttle_retry(tries=5, delay=1, rate=1.3)
    def get_order(order_id: str) -> Any:
        return orders.get_order(order_id)

    try:
        first = orders.get_order(made[0])
        orders.get_order(made[1])
        with pytest.raises(SellingApiRequestThrottledException) as throttled:
            orders.get_order(made[2])
        fetched = [get_order(order_id).payload["AmazonOrderId"] for order_id in made]
    finally:
        orders.close()
        orders._auth._transport.close()

    assert first.rate_limit == "0.5"  # the library reads x-amzn-RateLimit-Limit
    assert throttled.value.error == QUOTA_EXCEEDED["errors"]
    assert throttled.value.headers["x-amzn-RateLimit-Limit"] == "0.5"
    assert fetched == made
    # A request comes back every 2 s: each call waits 1 s, is refused again, waits 1.3 s more.
    assert slept == [1, 1.3] * 4
