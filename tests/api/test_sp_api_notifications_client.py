"""Existing SP-API clients against a running Seller Desk's Notifications API: python-amazon-sp-api
(sp_api.api.Notifications) and Amazon's own SDK (amzn-sp-api) create a webhook destination and
subscriptions; a running db_worker then delivers, signed, ORDER_CHANGE for a buyer's
cancellation request and FEED_PROCESSING_FINISHED for a feed, to a receiver written from the
documented verification recipe (tests/webhook_receiver.py).

sellerdesk_notifications() and sellerdesk_notifications_sdk() are the worked examples of
docs/notifications.md."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sp_api.api import Notifications
from sp_api.auth import AccessTokenClient
from sp_api.base import ApiResponse, Marketplaces
from spapi.api.notifications_v1.notifications_api import NotificationsApi
from spapi.auth.credentials import SPAPIConfig
from spapi.client import SPAPIClient

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_submit
from sellerdesk.reports.services import report_create
from sellerdesk.webhooks.models import Delivery
from tests.api.test_sp_api_client import _live_server_on_plain_http, credentials  # noqa: F401
from tests.conftest import database_url, free_port, run_tasks
from tests.factories import make_listing, make_order
from tests.webhook_receiver import Receiver, notification_id, receiving

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
# How long a test waits for the running worker; the worker polls every 0.2 s, so a notification
# usually arrives well inside 2 s (docs/notifications.md), but a loaded machine may be slower.
DEADLINE = 20.0


def sellerdesk_notifications(
    base_url: str, *, client_id: str, client_secret: str, refresh_token: str
) -> Notifications:
    """python-amazon-sp-api's Notifications client, pointed at Seller Desk instead of Amazon,
    with a create_webhook_destination() for Seller Desk's own destination resource."""
    server = urlsplit(base_url)

    class SellerDeskToken(AccessTokenClient):
        scheme = f"{server.scheme}://"
        host = server.netloc

    class SellerDeskNotifications(Notifications):
        @property
        def headers(self) -> dict[str, str]:
            return {**super().headers, "host": server.netloc}

        def _request_grantless_operation(
            self, path: str, *, data: dict[str, Any] | None = None, params: Any = None
        ) -> ApiResponse:
            # The library derives Host by cutting "https://" off the endpoint; send the headers
            # of any call, with the grantless token, so that a plain-http URL works too.
            headers = {**self.headers, "x-amz-access-token": self.grantless_auth.access_token}
            return self._request(path, data=data, params=params, headers=headers)

        def create_webhook_destination(self, name: str, url: str) -> ApiResponse:
            """createDestination with Seller Desk's webhook resource (the library's own
            create_destination builds an SQS or EventBridge one)."""
            return self._request_grantless_operation(
                "/notifications/v1/destinations",
                data={
                    "method": "POST",
                    "name": name,
                    "resourceSpecification": {"webhook": {"url": url}},
                },
            )

    client = SellerDeskNotifications(
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


def sellerdesk_notifications_sdk(
    base_url: str, *, client_id: str, client_secret: str, refresh_token: str | None = None
) -> NotificationsApi:
    """Amazon's SDK: with a refresh token for subscriptions; without, the grantless token
    (client_credentials, scope sellingpartnerapi::notifications) for destinations."""
    config = (
        SPAPIConfig(client_id=client_id, client_secret=client_secret, refresh_token=refresh_token)
        if refresh_token
        else SPAPIConfig(
            client_id=client_id,
            client_secret=client_secret,
            scope="sellingpartnerapi::notifications",
        )
    )
    client = SPAPIClient(config, oauth_endpoint=f"{base_url}/auth/o2/token", endpoint=base_url)
    return NotificationsApi(client.api_client)


@pytest.fixture(autouse=True)
def media_root(settings: Any) -> Path:
    """Documents where the settings put them (var/media), where the worker process reads them,
    rather than in the directory of each test (tests/api/conftest.py)."""
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def notifications(live_server: Any, credentials: dict[str, str]) -> Iterator[Notifications]:  # noqa: F811
    client = sellerdesk_notifications(live_server.url, **credentials)
    yield client
    client.close()
    client._auth._transport.close()  # see tests/api/test_sp_api_client.py


@pytest.fixture
def private_allowed(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receiver is on loopback: allowed in this process and in the worker's."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "true")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving(Receiver(port=free_port())) as listening:
        yield listening


@pytest.fixture
def worker(tmp_path: Path, private_allowed: None) -> Iterator[None]:
    """A db_worker process on every queue, as production runs it."""
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.2",
            "--no-startup-delay",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield
    finally:
        process.kill()
        process.wait()
        log.close()


def wait_for(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + DEADLINE
    while len(receiver.notifications()) < count:
        assert time.monotonic() < deadline, (
            f"{len(receiver.notifications())} of {count} notifications within {DEADLINE:.0f} s:"
            f" {list(Delivery.objects.values_list('status', 'last_error'))}"
        )
        time.sleep(0.05)
    return receiver.notifications()


def test_python_amazon_sp_api_subscribes_and_the_worker_delivers_signed_notifications(
    notifications,
    credentials,  # noqa: F811
    seller,
    receiver,
    worker,
):
    # Given a destination and two subscriptions made with python-amazon-sp-api
    destination = notifications.create_webhook_destination("Lagret", receiver.url).payload
    receiver.secret = destination["resource"]["webhook"]["signingSecret"]
    destination_id = destination["destinationId"]
    order_change = notifications.create_subscription(
        "ORDER_CHANGE", destination_id=destination_id
    ).payload
    feeds = notifications.create_subscription(
        "FEED_PROCESSING_FINISHED", destination_id=destination_id, payload_version="2020-09-04"
    ).payload
    assert notifications.get_subscription("ORDER_CHANGE").payload == order_change
    assert notifications.get_destinations().payload == [
        {
            "name": "Lagret",
            "destinationId": destination_id,
            "resource": {"webhook": {"url": receiver.url}},
        }
    ]
    listing = make_listing(seller, sku="LAMPA-1", quantity=5)
    order = make_order(seller, (listing, 1))

    # When the buyer asks to cancel, with a running worker
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Kom för sent")

    # Then the receiver gets ORDER_CHANGE, BuyerRequestedChange, with the buyer's reason
    [requested] = wait_for(receiver, 1)
    payload = requested["Payload"]["OrderChangeNotification"]
    assert requested["NotificationMetadata"]["SubscriptionId"] == order_change["subscriptionId"]
    assert (payload["AmazonOrderId"], payload["OrderChangeType"]) == (
        order.amazon_order_id,
        "BuyerRequestedChange",
    )
    [item] = payload["Summary"]["OrderItems"]
    assert (item["IsBuyerRequestedCancel"], item["BuyerCancelReason"]) == (True, "Kom för sent")

    # When the seller cancels it with BuyerCanceled through a feed
    feed = feed_submit(
        seller=seller,
        feed_type=FeedType.ORDER_CANCELLATION_FILE,
        chunks=[
            (
                "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
                f"{order.amazon_order_id}\tBuyerCanceled\t\n"
            ).encode()
        ],
        content_type="text/tab-separated-values; charset=UTF-8",
        filename="",
        source=Feed.Source.API,
    )

    # Then the order's change arrives, then the feed's end, each once and signed
    received = wait_for(receiver, 3)
    feed.refresh_from_db()
    assert feed.result_document is not None
    cancelled, finished = received[1], received[2]
    assert cancelled["Payload"]["OrderChangeNotification"]["Summary"]["OrderStatus"] == "Canceled"
    assert cancelled["Payload"]["OrderChangeNotification"]["OrderChangeTrigger"][
        "ChangeReason"
    ] == ("BuyerCanceled")
    assert finished == {
        "notificationVersion": "2020-09-04",
        "notificationType": "FEED_PROCESSING_FINISHED",
        "payloadVersion": "2020-09-04",
        "eventTime": finished["eventTime"],
        "payload": {
            "feedProcessingFinishedNotification": {
                "sellerId": seller.merchant_token,
                "accountId": seller.merchant_token,
                "feedId": feed.feed_id,
                "feedType": "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
                "processingStatus": "DONE",
                "resultFeedDocumentId": feed.result_document.document_id,
            }
        },
        "notificationMetadata": {
            "applicationId": credentials["client_id"],
            "subscriptionId": feeds["subscriptionId"],
            "publishTime": finished["notificationMetadata"]["publishTime"],
            "notificationId": Delivery.objects.get(
                notification_type="FEED_PROCESSING_FINISHED"
            ).notification_id,
        },
    }
    assert len({notification_id(n) for n in received}) == 3
    assert (receiver.refused, receiver.duplicates) == (0, 0)


def test_amazons_sdk_creates_a_destination_and_a_subscription(
    live_server,
    credentials,  # noqa: F811
    seller,
    receiver,
    private_allowed,
):
    grantless = sellerdesk_notifications_sdk(
        live_server.url,
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
    )
    api = sellerdesk_notifications_sdk(live_server.url, **credentials)

    # The SDK's models know SQS and EventBridge only: send the webhook resource as a plain body
    # and read the answer's JSON, which holds the signing secret.
    raw = grantless.create_destination(
        body={"name": "Rapporter", "resourceSpecification": {"webhook": {"url": receiver.url}}},
        _preload_content=False,
    )
    destination = json.loads(raw.data)["payload"]
    receiver.secret = destination["resource"]["webhook"]["signingSecret"]
    subscription = api.create_subscription(
        "REPORT_PROCESSING_FINISHED",
        body={"payloadVersion": "2020-09-04", "destinationId": destination["destinationId"]},
    ).payload
    read = api.get_subscription_by_id(subscription.subscription_id, "REPORT_PROCESSING_FINISHED")
    listed = grantless.get_destinations().payload

    assert read.payload.destination_id == destination["destinationId"]
    assert [each.destination_id for each in listed] == [destination["destinationId"]]

    # When a report ends, its notification reaches the receiver
    report = report_create(
        seller=seller,
        report_type="GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
        marketplace_ids=["A2NODRKZP88ZB9"],
    )
    run_tasks()

    [finished] = receiver.notifications()
    report.refresh_from_db()
    assert report.document is not None
    assert finished["payload"]["reportProcessingFinishedNotification"] == {
        "sellerId": seller.merchant_token,
        "accountId": seller.merchant_token,
        "reportId": report.report_id,
        "reportType": "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING",
        "processingStatus": "DONE",
        "reportDocumentId": report.document.document_id,
    }
    assert finished["notificationMetadata"]["subscriptionId"] == subscription.subscription_id
