"""The order page names an item cancellation as such, and shows the order's total, what was
cancelled and refunded, and the balance."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.orders.models import Order
from sellerdesk.refunds.adjustments import order_adjust
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.selectors import order_balance
from tests.factories import make_two_item_order, make_user, ship_item

ZERO = Decimal("0.00")


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def detail(client: Client, order: Order) -> str:
    response = client.get(reverse("orders:detail", args=[order.amazon_order_id]))
    assert response.status_code == 200
    return response.content.decode()


def amounts(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-amount="(\w+)">(?:<strong>)?([^<]+)<', html))


def event_names(html: str) -> list[str]:
    return re.findall(
        r'<li class="event event-\w+">\s*<time[^>]*>[^<]*</time>\s*<strong>([^<]+)', html
    )


def cancel(order: Order, quantities=None, reason="NoInventory"):
    return order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=reason,
        quantities=quantities,
    )


def test_an_item_cancellation_is_named_with_its_items_and_lowers_the_balance(
    seller, english_client
):
    order, _first, second = make_two_item_order(seller)  # 311.25 + 375.00 = 686.25

    cancel(order, {second.order_item_id: 1})

    html = detail(english_client, order)
    assert event_names(html) == ["Order placed", f"Items cancelled: {second.seller_sku} × 1"]
    assert amounts(html) == {
        "total": "686.25 SEK",
        "cancelled": "− 375.00 SEK",
        "refunded": "− 0.00 SEK",
        "balance": "311.25 SEK",
    }


def test_a_whole_cancellation_is_the_order_cancelled(seller, english_client):
    order, _first, _second = make_two_item_order(seller)

    cancel(order)

    html = detail(english_client, order)
    assert event_names(html) == ["Order placed", "Order cancelled"]
    assert amounts(html)["balance"] == "0.00 SEK"


def test_a_part_of_an_item_is_valued_at_its_share_rounded_to_the_cent(seller):
    order, first, _second = make_two_item_order(seller)  # first: 2 units, 311.25 in all

    cancel(order, {first.order_item_id: 1})

    balance = order_balance(order=order)
    assert (balance.cancelled, balance.refunded, balance.balance) == (
        Decimal("155.63"),
        ZERO,
        Decimal("530.62"),
    )


def test_units_cancelled_by_a_refund_count_once_in_what_was_refunded(seller, english_client):
    order, first, second = make_two_item_order(seller)
    ship_item(order, first)
    order_adjust(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        items=[
            AdjustedItem(
                order_item_id=second.order_item_id,
                reason="NoInventory",
                merchant_adjustment_item_id=None,
                quantity_cancelled=1,
                currency="SEK",
                principal=Decimal("300.00"),
                shipping=ZERO,
                tax=Decimal("75.00"),
                shipping_tax=ZERO,
                restocking_fee=ZERO,
            )
        ],
    )

    html = detail(english_client, order)
    assert amounts(html) == {
        "total": "686.25 SEK",
        "cancelled": "− 0.00 SEK",
        "charged": "686.25 SEK",
        "refunded": "− 375.00 SEK",
        "balance": "311.25 SEK",
    }
    assert f"Items cancelled: {second.seller_sku} × 1" in event_names(html)


def test_an_order_with_nothing_cancelled_or_refunded_shows_no_balance(seller, english_client):
    order, _first, _second = make_two_item_order(seller)

    assert "data-amount=" not in detail(english_client, order)


def test_the_swedish_timeline_names_an_item_cancellation(seller):
    order, _first, second = make_two_item_order(seller)
    cancel(order, {second.order_item_id: 1})
    client = Client()
    client.force_login(make_user(seller, language="sv"))

    html = detail(client, order)

    assert f"Varor annullerade: {second.seller_sku} × 1" in event_names(html)
    assert "Beställningens saldo" in html


def test_an_item_cancelled_before_shipping_is_left_out_of_the_charge_and_the_balance(
    seller, english_client
):
    order, first, second = make_two_item_order(seller)
    cancel(order, {first.order_item_id: 1})  # 155.63 of the first item's 311.25
    ship_item(order, second)
    order_adjust(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        items=[
            AdjustedItem(
                order_item_id=second.order_item_id,
                reason="CustomerReturn",
                merchant_adjustment_item_id=None,
                quantity_cancelled=0,
                currency="SEK",
                principal=Decimal("100.00"),
                shipping=ZERO,
                tax=ZERO,
                shipping_tax=ZERO,
                restocking_fee=ZERO,
            )
        ],
    )

    html = detail(english_client, order)
    assert amounts(html) == {
        "total": "686.25 SEK",
        "cancelled": "− 155.63 SEK",
        "charged": "530.62 SEK",
        "refunded": "− 100.00 SEK",
        "balance": "430.62 SEK",
    }
    charged = re.search(r'<li class="event event-charged">(.*?)</li>', html, re.S)
    assert charged is not None and "<div>530.62 SEK</div>" in charged[1]  # the timeline's
