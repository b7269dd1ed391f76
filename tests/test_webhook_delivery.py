"""Delivery of notifications to a real receiver on loopback: signed, in order per order, again
after failures until the receiver takes them, each notificationId once; the SSRF guard at
delivery; a destination that fails for a day is disabled and the seller's users are emailed."""

import contextlib
import datetime
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from sellerdesk.accounts.credentials import application_register
from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order
from sellerdesk.webhooks import delivery as delivery_module
from sellerdesk.webhooks.delivery import deliveries_send
from sellerdesk.webhooks.models import Delivery, Destination
from sellerdesk.webhooks.services import (
    delivery_resend,
    destination_create,
    destination_enable,
    subscription_create,
)
from tests.conftest import free_port
from tests.factories import make_listing, make_order, make_user
from tests.webhook_receiver import Receiver, receiving

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def private_allowed(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


def subscribe(seller: Seller, url: str, *types: str) -> Destination:
    application, _secret, _refresh = application_register(
        seller=seller, name="Lagret", created_by=make_user(seller)
    )
    destination = destination_create(seller=seller, application=application, name="Lagret", url=url)
    for notification_type in types or ("ORDER_CHANGE",):
        subscription_create(
            seller=seller,
            application=application,
            notification_type=notification_type,
            destination_id=destination.destination_id,
            payload_version="1.0",
        )
    return destination


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving(Receiver(port=free_port())) as listening:
        yield listening


def request_and_cancel(seller: Seller) -> Order:
    """Two ORDER_CHANGE of one order: the buyer's request, then the seller's cancellation."""
    order = make_order(seller, (make_listing(seller, quantity=5), 2))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Hittade billigare")
    order_cancel(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=CancelReason.BUYER_CANCELED,
    )
    return order


def clock_moves(minutes: float) -> None:
    """As if `minutes` passed: every waiting delivery comes that much closer to its retry."""
    Delivery.objects.filter(status=Delivery.Status.PENDING).update(
        next_attempt_at=F("next_attempt_at") - datetime.timedelta(minutes=minutes)
    )
    Destination.objects.filter(failing_since__isnull=False).update(
        failing_since=F("failing_since") - datetime.timedelta(minutes=minutes)
    )


def change(notification: dict[str, Any]) -> tuple[str, str, str]:
    body = notification["Payload"]["OrderChangeNotification"]
    return body["AmazonOrderId"], body["OrderChangeType"], body["Summary"]["OrderStatus"]


def test_a_buyers_request_is_delivered_signed_in_sp_apis_shape(seller, receiver):
    destination = subscribe(seller, receiver.url)
    receiver.secret = destination.signing_secret
    order = make_order(seller, (make_listing(seller, sku="LAMPA-1", quantity=5), 2))

    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Kom för sent")
    counts = deliveries_send()

    delivery = Delivery.objects.get()
    [notification] = receiver.notifications()
    item = order.items.get()
    assert counts["delivered"] == 1
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert notification == {
        "NotificationVersion": "1.0",
        "NotificationType": "ORDER_CHANGE",
        "PayloadVersion": "1.0",
        "EventTime": notification["EventTime"],
        "Payload": {
            "OrderChangeNotification": {
                "NotificationLevel": "OrderLevel",
                "SellerId": seller.merchant_token,
                "AmazonOrderId": order.amazon_order_id,
                "OrderChangeType": "BuyerRequestedChange",
                "OrderChangeTrigger": {
                    "TimeOfOrderChange": notification["EventTime"],
                    "ChangeReason": "BuyerRequestedCancel",
                },
                "Summary": {
                    "MarketplaceId": "A2NODRKZP88ZB9",
                    "OrderStatus": "Unshipped",
                    "PurchaseDate": order.purchase_date.astimezone(datetime.UTC)
                    .isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
                    "DestinationPostalCode": None,
                    "FulfillmentType": "MFN",
                    "OrderType": "StandardOrder",
                    "LatestShipDate": order.latest_ship_date.astimezone(datetime.UTC)
                    .isoformat(timespec="milliseconds")
                    .replace("+00:00", "Z"),
                    "NumberOfItemsShipped": 0,
                    "NumberOfItemsUnshipped": 2,
                    "OrderPrograms": [],
                    "ShippingPrograms": [],
                    "OrderItems": [
                        {
                            "OrderItemId": item.order_item_id,
                            "SupplySourceId": None,
                            "Quantity": 2,
                            "QuantityShipped": 0,
                            "SellerSKU": "LAMPA-1",
                            "IsBuyerRequestedCancel": True,
                            "BuyerCancelReason": "Kom för sent",
                        }
                    ],
                },
            }
        },
        "NotificationMetadata": {
            "ApplicationId": destination.application.client_id,
            "SubscriptionId": delivery.subscription_id,
            "PublishTime": notification["NotificationMetadata"]["PublishTime"],
            "NotificationId": delivery.notification_id,
        },
    }
    assert receiver.refused == 0


def test_nothing_is_written_without_a_subscription(seller, receiver):
    subscribe(seller, receiver.url, "FEED_PROCESSING_FINISHED")

    request_and_cancel(seller)

    assert not Delivery.objects.exists()


def test_an_event_filter_keeps_only_the_change_types_asked_for(seller, receiver):
    application, _secret, _refresh = application_register(
        seller=seller, name="Lagret", created_by=make_user(seller)
    )
    destination = destination_create(
        seller=seller, application=application, name="Lagret", url=receiver.url
    )
    subscription_create(
        seller=seller,
        application=application,
        notification_type="ORDER_CHANGE",
        destination_id=destination.destination_id,
        payload_version="1.0",
        event_filter_type="ORDER_CHANGE",
        order_change_types=["BuyerRequestedChange"],
    )

    request_and_cancel(seller)

    [delivery] = Delivery.objects.all()
    assert json.loads(delivery.body)["Payload"]["OrderChangeNotification"]["OrderChangeType"] == (
        "BuyerRequestedChange"
    )


def test_a_receiver_down_for_ten_minutes_gets_everything_once_in_order_per_order(seller):
    # Given a destination whose receiver is down (nothing listens on its port)
    port = free_port()
    receiver = Receiver(port=port)
    destination = subscribe(seller, receiver.url)
    receiver.secret = destination.signing_secret
    orders = [request_and_cancel(seller) for _ in range(3)]

    # When the worker tries, and tries again while ten minutes pass
    first = deliveries_send()
    waiting = dict(Delivery.objects.values_list("pk", "attempts"))
    for _ in range(10):
        clock_moves(minutes=1)
        deliveries_send()

    # Then one attempt was made per retry, not one per waiting notification: once a
    # delivery to the destination fails, the others of the batch wait with it
    assert (first["retry"], first["deferred"], first["delivered"]) == (1, 2, 0)
    assert sorted(waiting.values()) == [0, 0, 0, 0, 0, 1]
    # and no order's second notification was tried before its first
    for order in orders:
        _first, second = Delivery.objects.filter(
            ordering_key=f"order:{order.amazon_order_id}"
        ).order_by("pk")
        assert second.attempts == 0
    tried = Delivery.objects.filter(attempts__gt=0)
    assert all("Connection refused" in row.last_error for row in tried)
    assert Destination.objects.get().failing_since is not None

    # When the receiver is up again and the retries come due
    with receiving(receiver):
        clock_moves(minutes=60)
        for _ in range(3):
            deliveries_send()

    # Then every notification arrived once, and each order's in the order they were written
    assert Delivery.objects.exclude(status="delivered").count() == 0
    received = receiver.notifications()
    assert len(received) == 6
    assert receiver.duplicates == 0
    for order in orders:
        assert [change(n) for n in received if change(n)[0] == order.amazon_order_id] == [
            (order.amazon_order_id, "BuyerRequestedChange", "Unshipped"),
            (order.amazon_order_id, "OrderStatusChange", "Canceled"),
        ]
    assert Destination.objects.get().failing_since is None


def test_sent_again_it_has_the_same_id_and_the_receiver_drops_the_duplicate(seller, receiver):
    destination = subscribe(seller, receiver.url)
    receiver.secret = destination.signing_secret
    order = make_order(seller, (make_listing(seller), 1))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")
    deliveries_send()
    delivery = Delivery.objects.get()

    delivery_resend(seller=seller, notification_id=delivery.notification_id)
    deliveries_send()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.notifications()) == 1
    assert receiver.duplicates == 1


def test_a_receiver_that_answers_500_is_tried_again_with_backoff(seller, receiver, settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    destination = subscribe(seller, receiver.url)
    receiver.secret = destination.signing_secret
    receiver.fail_with = 500
    order = make_order(seller, (make_listing(seller), 1))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")
    before = timezone.now()

    deliveries_send()
    clock_moves(minutes=0.5)
    deliveries_send()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, 500)
    assert delivery.last_error == "The receiver answered 500."
    # The second wait is twice the first: 60 s after the second attempt.
    assert before + datetime.timedelta(seconds=25) < delivery.next_attempt_at
    assert receiver.notifications() == []


def test_an_address_refused_at_delivery_is_not_connected_to(seller, receiver, settings):
    # Given a destination to loopback, made while the operator allowed private addresses
    destination = subscribe(seller, receiver.url)
    receiver.secret = destination.signing_secret
    order = make_order(seller, (make_listing(seller), 1))
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False

    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")
    deliveries_send()

    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.last_error == "The URL must start with https://."
    assert receiver.notifications() == []


def test_a_destination_failing_for_a_day_is_disabled_and_the_users_emailed(seller, receiver):
    user = make_user(seller, language="en")
    user.email = "lager@example.se"
    user.save()
    destination = subscribe(seller, receiver.url)
    receiver.secret = destination.signing_secret
    receiver.fail_with = 503
    order = make_order(seller, (make_listing(seller), 1))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")
    deliveries_send()

    # When it has failed for 24 hours and fails once more
    clock_moves(minutes=24 * 60)
    deliveries_send()

    # Then it is disabled, the seller's user is told, and the notification waits
    destination.refresh_from_db()
    assert destination.disabled_at is not None
    [email] = OutboundEmail.objects.filter(kind="webhook_disabled")
    assert (email.to_address, email.seller_id) == ("lager@example.se", seller.pk)
    assert "Lagret" in email.subject
    assert "The receiver answered 503." in email.body_text
    clock_moves(minutes=120)
    assert deliveries_send()["retry"] == 0
    assert Delivery.objects.get().status == "pending"

    # When the receiver works and the seller enables the destination again
    receiver.fail_with = None
    destination_enable(seller=seller, destination_id=destination.destination_id)
    deliveries_send()

    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.notifications()) == 1


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_off(seller, monkeypatch):
    # Given a receiver that accepts the request, then sends its answer's status line one byte
    # every 0.2 s, each read well within the read timeout (a worker held hostage)
    monkeypatch.setattr(delivery_module, "DEADLINE", 1.0)
    listener = socket.create_server(("127.0.0.1", free_port()))
    stop = threading.Event()

    def drip() -> None:
        connection, _address = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"x" * 1000:
                if stop.wait(0.2):
                    return
                with contextlib.suppress(OSError):
                    connection.sendall(bytes([byte]))

    dripping = threading.Thread(target=drip, daemon=True)
    dripping.start()
    port = listener.getsockname()[1]
    subscribe(seller, f"http://127.0.0.1:{port}/hooks/slow")
    order = make_order(seller, (make_listing(seller), 1))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")

    # When the worker delivers
    try:
        deliveries_send()
    finally:
        stop.set()
        listener.close()
        dripping.join()

    # Then the delivery was given up at the deadline and waits for its next attempt
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error.startswith("TimeoutError: The receiver took longer than 1 s.")


def test_a_receiver_that_does_not_speak_http_is_a_failed_attempt(seller):
    # Given a receiver that answers its request with something that is not HTTP
    listener = socket.create_server(("127.0.0.1", free_port()))

    def garble() -> None:
        connection, _address = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    garbling = threading.Thread(target=garble, daemon=True)
    garbling.start()
    subscribe(seller, f"http://127.0.0.1:{listener.getsockname()[1]}/hooks")
    order = make_order(seller, (make_listing(seller), 1))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")

    # When the worker delivers
    try:
        deliveries_send()
    finally:
        listener.close()
        garbling.join()

    # Then the attempt failed with the reason, and the delivery waits to be tried again
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error.startswith("BadStatusLine")
