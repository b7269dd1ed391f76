from decimal import Decimal

import pytest

from sellerdesk.core.errors import InvalidInput, InvalidTransition
from sellerdesk.orders.services import order_confirm_shipment
from sellerdesk.refunds.models import Charge
from tests.factories import make_listing, make_order


def ship(order, seller, user, quantities=None):
    return order_confirm_shipment(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=user,
        carrier="PostNord",
        tracking_number="UA123456789SE",
        quantities=quantities,
    )


def test_confirming_everything_ships_the_order_and_charges_the_buyer_once(seller, seller_user):
    order = make_order(seller, (make_listing(seller, price="150.00"), 2))

    ship(order, seller, seller_user)

    order.refresh_from_db()
    assert order.status == "Shipped"
    assert order.items.get().quantity_shipped == 2
    charge = Charge.objects.get(order=order)
    assert (charge.amount, charge.currency) == (Decimal("300.00"), "SEK")
    event = order.events.get(kind="shipment_confirmed")
    assert event.data["tracking_number"] == "UA123456789SE"
    assert order.events.filter(kind="charged").count() == 1


def test_partial_shipment_then_the_rest_charges_only_at_the_first(seller, seller_user):
    first, second = make_listing(seller), make_listing(seller)
    order = make_order(seller, (first, 1), (second, 2))
    item_one, item_two = order.items.order_by("pk")

    ship(order, seller, seller_user, {item_one.order_item_id: 1})
    order.refresh_from_db()
    status_after_first = order.status
    ship(order, seller, seller_user, {item_two.order_item_id: 2})

    order.refresh_from_db()
    assert (status_after_first, order.status) == ("PartiallyShipped", "Shipped")
    assert Charge.objects.filter(order=order).count() == 1
    assert order.events.filter(kind="shipment_confirmed").count() == 2


@pytest.mark.parametrize(
    ("quantities", "code"),
    [
        ({"00000000000000": 1}, "unknown_item"),
        ("too_many", "quantity_above_unshipped"),
        ("zero", "nothing_to_ship"),
    ],
)
def test_bad_quantities_are_refused_and_nothing_changes(seller, seller_user, quantities, code):
    order = make_order(seller, (make_listing(seller), 2))
    item = order.items.get()
    if quantities == "too_many":
        quantities = {item.order_item_id: 3}
    if quantities == "zero":
        quantities = {item.order_item_id: 0}

    with pytest.raises(InvalidInput) as error:
        ship(order, seller, seller_user, quantities)

    assert error.value.code == code
    item.refresh_from_db()
    assert item.quantity_shipped == 0
    assert not Charge.objects.exists()
    assert order.events.count() == 1


def test_pending_and_shipped_orders_cannot_ship(seller, seller_user):
    pending = make_order(seller, payment_authorized=False)
    shipped = make_order(seller)
    ship(shipped, seller, seller_user)

    with pytest.raises(InvalidTransition) as pending_error:
        ship(pending, seller, seller_user)
    with pytest.raises(InvalidTransition) as shipped_error:
        ship(shipped, seller, seller_user)

    assert (pending_error.value.code, shipped_error.value.code) == (
        "cannot_ship_pending",
        "cannot_ship_shipped",
    )
    assert Charge.objects.count() == 1


def test_carrier_and_tracking_are_required(seller, seller_user):
    order = make_order(seller)

    with pytest.raises(InvalidInput) as error:
        order_confirm_shipment(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            carrier="  ",
            tracking_number="",
        )

    assert error.value.code == "shipment_incomplete"
