"""The Notifications page under Developer applications: destinations, subscriptions, the latest
deliveries with status, attempts and last error, and Send again (a POST with CSRF)."""

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.accounts.credentials import application_register
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.webhooks.delivery import deliveries_send
from sellerdesk.webhooks.models import Delivery
from sellerdesk.webhooks.services import destination_create, subscription_create
from tests.conftest import free_port
from tests.factories import make_listing, make_order, make_user

PAGE = reverse("developer:notifications")


@pytest.fixture
def failed_delivery(seller, settings) -> Delivery:
    """A buyer's request whose delivery failed once: nothing listens on the port."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    application, _secret, _refresh = application_register(
        seller=seller, name="Lagersystemet", created_by=make_user(seller)
    )
    destination = destination_create(
        seller=seller,
        application=application,
        name="Lagrets webhook",
        url=f"http://127.0.0.1:{free_port()}/hooks",
    )
    subscription_create(
        seller=seller,
        application=application,
        notification_type="ORDER_CHANGE",
        destination_id=destination.destination_id,
        payload_version="1.0",
    )
    order = make_order(seller, (make_listing(seller), 1))
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")
    deliveries_send()
    return Delivery.objects.get()


@pytest.mark.django_db(transaction=True)
def test_the_page_lists_destinations_subscriptions_and_deliveries_in_swedish(
    seller_client, failed_delivery
):
    response = seller_client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Aviseringar</h1>" in html
    assert "Lagrets webhook" in html
    assert "Lagersystemet" in html
    assert "ORDER_CHANGE" in html
    row = html[html.index(f'data-notification-id="{failed_delivery.notification_id}"') :]
    row = row[: row.index("</tr>")]
    assert "I kö, nästa försök" in row
    assert "<td>1</td>" in row  # attempts
    assert "Connection refused" in row
    assert "Skicka igen" in row


@pytest.mark.django_db(transaction=True)
def test_send_again_queues_the_same_notification_now(seller_client, failed_delivery):
    response = seller_client.post(
        reverse("developer:notification_resend", args=[failed_delivery.notification_id])
    )

    delivery = Delivery.objects.get()
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert delivery.notification_id == failed_delivery.notification_id
    assert delivery.status == "pending"
    assert delivery.next_attempt_at < failed_delivery.next_attempt_at


@pytest.mark.django_db(transaction=True)
def test_send_again_needs_the_csrf_token_and_the_sellers_own_notification(
    seller_user, other_seller, failed_delivery
):
    url = reverse("developer:notification_resend", args=[failed_delivery.notification_id])
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(seller_user)
    other = Client()
    other.force_login(make_user(other_seller))

    without_token = guarded.post(url)
    by_another_seller = other.post(url, follow=True)
    by_get = other.get(url)

    assert without_token.status_code == 403
    assert by_get.status_code == 405
    assert "Aviseringen hittades inte." in by_another_seller.content.decode()
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == failed_delivery.next_attempt_at
