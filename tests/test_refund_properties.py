"""Refund caps, the charge and item quantities hold for any order and any sequence of shipments,
cancellations and adjustments, accepted or refused."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.errors import ApplicationError
from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.orders.services import OrderLine, order_confirm_shipment, order_create
from sellerdesk.refunds.adjustments import order_adjust
from sellerdesk.refunds.charges import ITEM_FIELDS
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.models import Charge, ChargedItem, Refund
from tests.factories import make_listing, make_seller

ZERO = Decimal("0.00")
amounts = st.decimals(min_value=0, max_value=400, places=2, allow_nan=False, allow_infinity=False)
prices = st.decimals(min_value="0.01", max_value=500, places=2, allow_nan=False)
orders = st.tuples(
    st.tuples(prices, st.integers(1, 3)),
    st.tuples(prices, st.integers(1, 3)),
    st.decimals(min_value=0, max_value=99, places=2, allow_nan=False),  # shipping
    st.sampled_from([Decimal("0"), Decimal("0.12"), Decimal("0.25")]),  # tax rate
)
cancels = st.tuples(st.just("cancel"), st.integers(0, 1), st.integers(0, 3))
ships = st.tuples(st.just("ship"), st.integers(0, 1), st.integers(0, 3))
adjusts = st.tuples(
    st.just("adjust"),
    st.integers(0, 1),
    st.integers(0, 3),
    st.sampled_from(["NoInventory", "CustomerCancel", "CustomerReturn", "Other"]),
    st.tuples(amounts, amounts, amounts, amounts, amounts),
)
# Often item cancellations first, then a shipment: the charge leaves cancelled units out.
operations = st.builds(
    lambda first, then: first + then,
    st.lists(cancels, max_size=2),
    st.lists(st.one_of(ships, cancels, adjusts), min_size=1, max_size=8),
)


def make_order(draw: tuple[Any, ...]) -> Order:
    (first, first_units), (second, second_units), shipping, tax_rate = draw
    seller = make_seller()
    listings = [make_listing(seller, price=str(price)) for price in (first, second)]
    return order_create(
        seller=seller,
        buyer_name="Åsa Öberg",
        buyer_email="asa@example.se",
        lines=[
            OrderLine(sku=listings[0].sku, quantity=first_units),
            OrderLine(sku=listings[1].sku, quantity=second_units),
        ],
        shipping_price=shipping,
        tax_rate=tax_rate,
    )


def state(order: Order) -> tuple[object, ...]:
    items = tuple(order.items.order_by("pk").values_list("quantity_shipped", "quantity_cancelled"))
    return (
        Order.objects.get(pk=order.pk).status,
        items,
        Refund.objects.filter(order=order).count(),
        order.events.count(),
    )


def apply(order: Order, operation: tuple[Any, ...]) -> None:
    kind, index, quantity = operation[:3]
    item = order.items.order_by("pk")[index]
    quantities = {item.order_item_id: quantity or None}  # None: all of the item's unshipped
    if kind == "ship":
        order_confirm_shipment(
            seller=order.seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            carrier="PostNord",
            tracking_number="UA1SE",
            quantities=quantities,
        )
    elif kind == "cancel":
        order_cancel(
            seller=order.seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            reason="NoInventory",
            quantities=quantities,
        )
    else:
        reason, (principal, shipping, tax, shipping_tax, fee) = operation[3], operation[4]
        order_adjust(
            seller=order.seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            items=[
                AdjustedItem(
                    item.order_item_id,
                    reason,
                    None,
                    quantity,
                    "SEK",
                    principal,
                    shipping,
                    tax,
                    shipping_tax,
                    fee,
                )
            ],
        )


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(draw=orders, operations=operations)
def test_charge_caps_and_quantities_hold_for_any_sequence(draw, operations):
    order = make_order(draw)
    cancelled_at_charge: dict[int, int] = {}  # as the shipment that charged found them
    for operation in operations:
        before = state(order)
        if not Charge.objects.filter(order=order).exists():
            cancelled_at_charge = dict(order.items.values_list("pk", "quantity_cancelled"))
        try:
            apply(order, operation)
        except ApplicationError:
            assert state(order) == before, f"{operation} was refused but changed the order"

    charge = Charge.objects.filter(order=order).first()
    charged = {c.order_item_id: c for c in ChargedItem.objects.filter(order_item__order=order)}
    if charge is None:
        assert not charged
    else:
        assert charge.amount == sum(
            (getattr(c, name) for c in charged.values() for name in ITEM_FIELDS), ZERO
        )
    for item in order.items.all():
        assert item.quantity_shipped + item.quantity_cancelled <= item.quantity_ordered
        refunds = list(Refund.objects.filter(order_item=item))
        assert charge or not refunds
        if charge:
            charged_item_check(item, charged[item.pk], cancelled_at_charge[item.pk])
        for name in ITEM_FIELDS:
            total = sum((getattr(r, name) for r in refunds), ZERO)
            assert total <= (getattr(charged[item.pk], name) if charge else ZERO)
        assert sum((r.quantity_cancelled for r in refunds), 0) <= item.quantity_cancelled
        for refund in refunds:
            assert refund.amount > 0
            assert refund.amount == (
                refund.principal
                + refund.shipping
                + refund.tax
                + refund.shipping_tax
                - refund.restocking_fee
            )


def charged_item_check(item: OrderItem, charged: ChargedItem, cancelled: int) -> None:
    """The charge took the units not cancelled before it, each component within a cent's half
    of their exact share, and never less than zero or more than the item's amount."""
    kept = item.quantity_ordered - cancelled
    assert charged.quantity == kept
    for name, field in ITEM_FIELDS.items():
        amount, taken = getattr(item, field), getattr(charged, name)
        assert ZERO <= taken <= amount
        assert abs(taken - amount * kept / item.quantity_ordered) <= Decimal("0.005")
        if kept == item.quantity_ordered:
            assert taken == amount
