"""The rate forecast wherever a seller is about to cancel: the rate now and after, and a
warning when it crosses the target."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.orders.models import Order
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order, make_user


def cancel(order, reason="NoInventory", quantities=None):
    return order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=reason,
        quantities=quantities,
    )


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def test_the_cancel_page_forecasts_the_rate_and_warns_when_it_crosses_the_target(
    seller, english_client
):
    orders = [make_order(seller) for _ in range(41)]  # one more cancelled: 1 of 41 = 2.44 %

    page = english_client.get(reverse("orders:cancel", args=[orders[0].amazon_order_id]))

    content = page.content.decode()
    assert 'data-rate-now="0.00" data-rate-after="2.44"' in content
    assert 'data-crosses-target="false"' in content
    assert "data-warning=" not in content

    cancel(orders[1])  # 1 of 41 now; after this order: 2 of 41 = 4.88 %
    content = english_client.get(
        reverse("orders:cancel", args=[orders[0].amazon_order_id])
    ).content.decode()
    assert 'data-rate-now="2.44" data-rate-after="4.88"' in content
    assert 'data-crosses-target="true"' in content
    assert "This takes your cancellation rate from under the 2.5 % target to at or above it." in (
        content
    )


def test_the_cancel_page_says_when_the_rate_is_already_above_the_target(seller, english_client):
    orders = [make_order(seller) for _ in range(10)]
    cancel(orders[0])

    content = english_client.get(
        reverse("orders:cancel", args=[orders[1].amazon_order_id])
    ).content.decode()

    assert 'data-rate-now="10.00" data-rate-after="20.00" data-crosses-target="false"' in content
    assert "After this, your cancellation rate is at or above the 2.5 % target." in content


def test_an_order_already_counted_or_outside_the_window_does_not_change_the_forecast(
    seller, english_client
):
    listing = make_listing(seller, quantity=50)
    counted, old = make_order(seller, (listing, 2)), make_order(seller, (listing, 1))
    Order.objects.filter(pk=old.pk).update(
        purchase_date=timezone.now() - datetime.timedelta(days=8)
    )
    cancel(counted, quantities={counted.items.get().order_item_id: 1})

    pages = [
        english_client.get(reverse("orders:cancel", args=[order.amazon_order_id])).content.decode()
        for order in (counted, old)
    ]

    assert all('data-rate-now="100.00" data-rate-after="100.00"' in page for page in pages)


def test_the_cancel_page_notes_a_buyer_request(seller, english_client):
    order = make_order(seller)
    Order.objects.filter(pk=order.pk).update(buyer_cancel_requested_at=timezone.now())

    content = english_client.get(
        reverse("orders:cancel", args=[order.amazon_order_id])
    ).content.decode()

    assert 'data-note="buyer-requested"' in content


def test_the_selection_page_warns_when_the_selection_crosses_the_target(seller, english_client):
    orders = [make_order(seller) for _ in range(100)]

    response = english_client.post(
        reverse("orders:cancel_selected"),
        {"order": [order.amazon_order_id for order in orders[:3]]},
    )

    content = response.content.decode()
    assert 'data-rate-now="0.00" data-rate-after="3.00" data-crosses-target="true"' in content
    assert 'data-warning="crosses-target"' in content


@pytest.mark.django_db(transaction=True)
def test_a_validate_only_upload_warns_on_its_page_when_it_would_cross_the_target(
    seller, english_client
):
    orders = [make_order(seller) for _ in range(50)]
    content = "order-id\tcancellation-reason-code\tamazon-order-item-code\n" + "".join(
        f"{order.amazon_order_id}\tNoInventory\t\n" for order in orders[:2]
    )

    response = english_client.post(
        reverse("feeds:upload"),
        {
            "file": SimpleUploadedFile("cancel.txt", content.encode(), "text/plain"),
            "validate_only": "on",
        },
    )
    run_tasks()

    page = english_client.get(response["Location"]).content.decode()
    assert 'data-rate-now="0.00" data-rate-after="4.00" data-crosses-target="true"' in page
    assert 'data-warning="crosses-target"' in page
    assert not Order.objects.filter(rate_cancelled=True).exists()
