"""Buyer cancellation requests on the seller's pages: the cancel page's preselected reason and
notice."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellerdesk.orders.models import Order
from tests.factories import make_order, make_user


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def requested(order: Order, reason: str = "Ordered by mistake") -> Order:
    Order.objects.filter(pk=order.pk).update(
        buyer_cancel_requested_at=timezone.now(), buyer_cancel_reason=reason
    )
    order.refresh_from_db()
    return order


def selected_reason(html: str) -> list[str]:
    select = re.search(r'<select name="reason".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)" selected>', select.group(0))


def test_the_cancel_page_preselects_buyer_canceled_and_says_why(seller, english_client):
    order = requested(make_order(seller), "Found it cheaper <elsewhere>")

    html = english_client.get(reverse("orders:cancel", args=[order.amazon_order_id])).content
    content = html.decode()

    assert selected_reason(content) == ["BuyerCanceled"]
    assert 'data-notice="buyer-requested"' in content
    assert "The buyer asked to cancel this order" in content
    assert "Found it cheaper &lt;elsewhere&gt;" in content
    assert "does not count in your cancellation rate" in content


def test_the_cancel_page_of_an_order_without_a_request_preselects_nothing(seller, english_client):
    order = make_order(seller)

    content = english_client.get(
        reverse("orders:cancel", args=[order.amazon_order_id])
    ).content.decode()

    assert selected_reason(content) == [""]  # "Select a reason"
    assert 'data-notice="buyer-requested"' not in content


def test_a_posted_reason_overrides_the_preselection(seller, english_client):
    order = requested(make_order(seller))

    response = english_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]), {"reason": "NoInventory"}
    )

    assert response.status_code == 302
    event = order.events.get(kind="cancelled")
    assert (event.reason, event.data["counts_toward_rate"]) == ("NoInventory", True)
