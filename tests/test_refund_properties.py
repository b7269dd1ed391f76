"""Refund caps and item quantities hold for any sequence of shipments, cancellations and
adjustments, accepted or refused."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.errors import ApplicationError
from sellerdesk.orders.models import Order
from sellerdesk.orders.services import order_confirm_shipment
from sellerdesk.refunds.adjustments import order_adjust
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.models import Charge, Refund
from sellerdesk.refunds.reasons import CHARGED_FIELDS
from sellerdesk.refunds.selectors import AMOUNT_FIELDS
from tests.factories import make_seller, make_two_item_order

amounts = st.decimals(min_value=0, max_value=400, places=2, allow_nan=False, allow_infinity=False)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("ship"), st.integers(0, 1), st.integers(0, 3)),
        st.tuples(st.just("cancel"), st.integers(0, 1), st.integers(0, 3)),
        st.tuples(
            st.just("adjust"),
            st.integers(0, 1),
            st.integers(0, 3),
            st.sampled_from(["NoInventory", "CustomerCancel", "CustomerReturn", "Other"]),
            st.tuples(amounts, amounts, amounts, amounts, amounts),
        ),
    ),
    min_size=1,
    max_size=8,
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
    quantities = {item.order_item_id: quantity}
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
@given(operations=operations)
def test_caps_and_quantities_hold_for_any_sequence(operations):
    order, *_ = make_two_item_order(make_seller())
    for operation in operations:
        before = state(order)
        try:
            apply(order, operation)
        except ApplicationError:
            assert state(order) == before, f"{operation} was refused but changed the order"

    charged = Charge.objects.filter(order=order).exists()
    for item in order.items.all():
        assert item.quantity_shipped + item.quantity_cancelled <= item.quantity_ordered
        refunds = list(Refund.objects.filter(order_item=item))
        assert charged or not refunds
        for component, name in AMOUNT_FIELDS.items():
            total = sum((getattr(r, name) for r in refunds), Decimal(0))
            assert total <= getattr(item, CHARGED_FIELDS[component])
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
