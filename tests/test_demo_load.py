"""The demo's data, as `make run` loads it."""

import datetime

import pytest
from django.utils import timezone

from sellerdesk.accounts.models import User
from sellerdesk.accounts.permissions import EVERYTHING, Area, Level, user_levels
from sellerdesk.demo.data import DEMO_MERCHANT, DEMO_PASSWORD, demo_load
from sellerdesk.orders.models import OrderEvent


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_each_order_placed_event_carries_the_orders_purchase_time(db, var_dir):
    before = timezone.now()

    seller = demo_load(orders=60, listings=6)

    placed = list(
        OrderEvent.objects.filter(order__seller=seller, kind=OrderEvent.Kind.CREATED)
        .select_related("order")
        .order_by("order_id")
    )
    assert seller.merchant_token == DEMO_MERCHANT
    assert len(placed) == seller.orders.count() == 61  # and the refund walkthrough's order
    assert all(event.created_at == event.order.purchase_date for event in placed)
    # The orders span the demo's 90 days, so the events are no longer all at the load's time.
    assert min(event.created_at for event in placed) < before - datetime.timedelta(days=7)
    assert sum(event.created_at >= before for event in placed) < 5


def test_the_demo_seller_has_an_administrator_a_warehouse_and_a_reader(db, var_dir):
    # When the demo is loaded
    seller = demo_load(orders=20, listings=4)

    # Then its three users have the levels the README lists, and sign in with its password
    levels = {user.username: user_levels(user) for user in User.objects.filter(seller=seller)}
    assert levels["demo"] == EVERYTHING
    assert levels["lager"][Area.ORDERS] == Level.EDIT
    assert levels["lager"][Area.CANCELLATIONS] == Level.NONE
    assert levels["lasare"] == {
        **dict.fromkeys(Area.values, Level.VIEW),
        Area.USERS: Level.NONE,
        Area.DEVELOPER: Level.NONE,
    }
    assert all(
        User.objects.get(username=name).check_password(DEMO_PASSWORD)
        for name in ("demo", "lager", "lasare")
    )
