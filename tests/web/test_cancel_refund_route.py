"""An order that has shipped in part cannot be cancelled: its cancel page says why and leads to
the refund form, which cancels the units that will not ship."""

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.cancellations.services import order_cancel
from tests.factories import make_order, make_two_item_order, make_user, ship_item


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def test_a_partially_shipped_order_leads_to_the_refund_form(seller, english_client):
    order, first, _second = make_two_item_order(seller)
    ship_item(order, first)

    response = english_client.get(reverse("orders:cancel", args=[order.amazon_order_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This order is Partially shipped and cannot be cancelled." in html
    assert 'data-notice="refund-instead"' in html
    assert "Shipped items cannot be cancelled" in html
    refund = reverse("orders:refund", args=[order.amazon_order_id])
    assert f'<a class="button" href="{refund}">Refund</a>' in html
    assert 'name="reason"' not in html  # no cancellation form


def test_an_unshipped_or_cancelled_order_offers_no_refund(seller, english_client):
    cancelled = make_order(seller)
    order_cancel(
        seller=seller, amazon_order_id=cancelled.amazon_order_id, actor=None, reason="NoInventory"
    )

    pages = [
        english_client.get(reverse("orders:cancel", args=[order.amazon_order_id])).content.decode()
        for order in (make_order(seller), cancelled)
    ]

    assert all('data-notice="refund-instead"' not in html for html in pages)
