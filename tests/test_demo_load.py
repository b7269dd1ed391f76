"""The demo's data, as `make run` loads it."""

import datetime

import pytest
from django.utils import timezone

from sellerdesk.demo.data import DEMO_MERCHANT, demo_load
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
