"""The buyer is charged at the first shipment confirmation for the units not cancelled by then,
per item and component, and the refund caps are what was charged."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import translation

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.errors import ApplicationError
from sellerdesk.orders.models import Order
from sellerdesk.orders.services import OrderLine, order_create
from sellerdesk.refunds.charges import units_charge
from sellerdesk.refunds.models import Charge, ChargedItem, Refund
from sellerdesk.refunds.selectors import left_to_refund, order_balance
from tests.factories import make_listing, make_two_item_order, ship_item
from tests.test_refunds import adjust, line

D = Decimal


def cancel(order: Order, quantities: dict[str, int | None] | None) -> None:
    order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason="NoInventory",
        quantities=quantities,
    )


def charged(item) -> tuple[object, ...]:
    c = ChargedItem.objects.get(order_item=item)
    return (c.quantity, c.principal, c.shipping, c.tax, c.shipping_tax)


@pytest.mark.parametrize(
    ("amount", "ordered", "cancelled", "expected"),
    [
        ("30.00", 3, 1, "20.00"),
        ("33.33", 3, 1, "22.22"),
        ("33.33", 3, 2, "11.11"),
        ("100.00", 3, 1, "66.67"),  # the cancelled unit's 33.333… is 33.33
        ("100.00", 3, 2, "33.33"),  # the cancelled units' 66.666… is 66.67
        ("12.25", 2, 1, "6.12"),  # the cancelled half, 6.125, rounds up
        ("0.01", 3, 0, "0.01"),
        ("0.01", 3, 1, "0.01"),
        ("0.01", 3, 2, "0.00"),
        ("0.01", 3, 3, "0.00"),
        ("0.00", 1, 1, "0.00"),
    ],
)
def test_the_charge_is_the_amount_less_the_cancelled_units_share_rounded_half_up(
    amount, ordered, cancelled, expected
):
    assert units_charge(D(amount), ordered=ordered, cancelled=cancelled) == D(expected)


def test_an_item_cancelled_before_the_first_shipment_is_not_charged(seller):
    order, first, second = make_two_item_order(seller)  # 311.25 + 375.00 = 686.25
    cancel(order, {second.order_item_id: None})

    ship_item(order, first)

    charge = Charge.objects.get(order=order)
    assert charge.amount == D("311.25")
    assert charged(first) == (2, D("200.00"), D("49.00"), D("50.00"), D("12.25"))
    assert charged(second) == (0, D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    assert order.events.get(kind="charged").data == {"amount": "311.25", "currency": "SEK"}


@pytest.mark.parametrize(
    ("cancelled", "components", "amount"),
    [
        # 3 × 11.11, shipping 0.01, tax 12 %: 33.33, 0.01, 4.00, 0.00 = 37.34 in all
        (1, (D("22.22"), D("0.01"), D("2.67"), D("0.00")), D("24.90")),
        (2, (D("11.11"), D("0.00"), D("1.33"), D("0.00")), D("12.44")),
    ],
)
def test_units_cancelled_before_the_first_shipment_are_left_out_of_each_component(
    seller, cancelled, components, amount
):
    listing = make_listing(seller, price="11.11")
    order = order_create(
        seller=seller,
        buyer_name="Åsa Öberg",
        buyer_email="asa@example.se",
        lines=[OrderLine(sku=listing.sku, quantity=3)],
        shipping_price=D("0.01"),
        tax_rate=D("0.12"),
    )
    (item,) = order.items.all()
    assert order.order_total == D("37.34")
    cancel(order, {item.order_item_id: cancelled})

    ship_item(order, item, 3 - cancelled)

    assert charged(item) == (3 - cancelled, *components)
    assert Charge.objects.get(order=order).amount == amount == sum(components)
    balance = order_balance(order=order)
    assert (balance.cancelled, balance.charged, balance.balance) == (
        D("37.34") - amount,
        amount,
        amount,
    )


def test_refunds_are_capped_at_what_was_charged_not_at_the_item(seller):
    order, first, second = make_two_item_order(seller)
    cancel(order, {first.order_item_id: 1, second.order_item_id: 1})  # 1 of 2, and 1 of 1
    ship_item(order, first, 1)

    with translation.override("en"), pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(second, principal="300.00"))
    assert error.value.code == "refund_above_charged"
    assert "more than the 0.00 SEK left" in error.value.message
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(first, principal="100.01"))
    assert error.value.code == "refund_above_charged"
    assert "more than the 100.00 SEK left" in error.value.message
    assert not Refund.objects.exists()

    # Everything the buyer paid for the shipped unit can be refunded, and no more.
    adjust(
        seller,
        order,
        line(first, principal="100.00", shipping="24.50", tax="25.00", shipping_tax="6.12"),
    )
    assert left_to_refund(order=order)[first.pk] == dict.fromkeys(
        ["principal", "shipping", "tax", "shipping_tax"], D("0.00")
    )
    with pytest.raises(ApplicationError) as error:
        adjust(seller, order, line(first, shipping_tax="0.01"))
    assert error.value.code == "refund_above_charged"
    balance = order_balance(order=order)
    assert (balance.charged, balance.refunded, balance.balance) == (
        D("155.62"),
        D("155.62"),
        D("0.00"),
    )


def test_an_order_whose_every_unit_is_cancelled_is_canceled_and_never_charged(seller):
    order, first, second = make_two_item_order(seller)
    cancel(order, {first.order_item_id: None})
    cancel(order, {second.order_item_id: None})

    with pytest.raises(ApplicationError) as error:
        ship_item(order, first)

    order.refresh_from_db()
    assert (order.status, error.value.code) == ("Canceled", "cannot_ship_canceled")
    assert not Charge.objects.exists() and not ChargedItem.objects.exists()
    assert order_balance(order=order).balance == D("0.00")


def test_charges_made_before_charged_items_are_recorded_as_they_were_taken(seller):
    """Before this rule the first shipment charged the order total, cancelled units included:
    the migration records that, and the caps let the seller refund what the buyer paid."""
    order, first, second = make_two_item_order(seller)
    cancel(order, {second.order_item_id: None})
    ship_item(order, first)
    charge = Charge.objects.get(order=order)
    ChargedItem.objects.all().delete()
    Charge.objects.filter(pk=charge.pk).update(amount=order.order_total)  # as charged then
    migration = importlib.import_module(
        "sellerdesk.refunds.migrations.0004_charged_items_of_earlier_charges"
    )

    migration.record_earlier_charges(apps, None)
    migration.record_earlier_charges(apps, None)  # a second run adds nothing

    assert charged(first) == (2, D("200.00"), D("49.00"), D("50.00"), D("12.25"))
    assert charged(second) == (1, D("300.00"), D("0.00"), D("75.00"), D("0.00"))
    balance = order_balance(order=order)
    assert (balance.cancelled, balance.charged, balance.balance) == (
        D("0.00"),
        D("686.25"),
        D("686.25"),
    )
    adjust(seller, order, line(second, principal="300.00", tax="75.00"))
    assert order_balance(order=order).balance == D("311.25")
