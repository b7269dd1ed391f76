"""The cancellation rate's rules: which cancellations count, and the seven-day window."""

import datetime

from django.utils import timezone

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.metrics.rates import cancellation_rate, first_cancellations_in_window
from sellerdesk.orders.models import Order, OrderEvent
from tests.factories import make_listing, make_order


def cancel(order, reason="NoInventory", source=OrderEvent.Source.WEB, quantities=None):
    return order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=reason,
        source=source,
        quantities=quantities,
    )


def request_cancellation(order):
    Order.objects.filter(pk=order.pk).update(
        buyer_cancel_requested_at=timezone.now(), buyer_cancel_reason="Ordered by mistake"
    )
    order.refresh_from_db()


def test_seller_cancellations_count_whole_and_item(seller):
    listing = make_listing(seller, quantity=50)
    whole, partial, _kept = (make_order(seller, (listing, 2)) for _ in range(3))
    cancel(whole)
    cancel(partial, quantities={partial.items.get().order_item_id: 1})

    rate = cancellation_rate(seller=seller)

    assert (rate.cancelled, rate.orders) == (2, 3)


def test_a_buyer_request_cancelled_as_buyer_canceled_does_not_count(seller):
    requested, requested_other_reason, unrequested = (make_order(seller) for _ in range(3))
    request_cancellation(requested)
    request_cancellation(requested_other_reason)

    cancel(requested, "BuyerCanceled")
    cancel(requested_other_reason, "NoInventory")  # the seller's own reason: it counts
    cancel(unrequested, "BuyerCanceled")  # asked by message only: it counts

    rate = cancellation_rate(seller=seller)
    assert (rate.cancelled, rate.orders) == (2, 3)
    event = requested.events.get(kind="cancelled")
    assert event.data["counts_toward_rate"] is False


def test_a_buyer_self_cancellation_does_not_count(seller):
    order = make_order(seller)

    cancel(order, "BuyerCanceled", source=OrderEvent.Source.BUYER)

    assert cancellation_rate(seller=seller).cancelled == 0


def test_the_window_is_seven_days_by_purchase_date(seller):
    now = timezone.now()
    inside, outside = make_order(seller), make_order(seller)
    Order.objects.filter(pk=inside.pk).update(
        purchase_date=now - datetime.timedelta(days=7) + datetime.timedelta(seconds=1)
    )
    Order.objects.filter(pk=outside.pk).update(
        purchase_date=now - datetime.timedelta(days=7) - datetime.timedelta(seconds=1)
    )
    cancel(inside)
    cancel(outside)

    rate = cancellation_rate(seller=seller, now=now)

    assert (rate.cancelled, rate.orders) == (1, 1)


def test_a_second_cancellation_of_an_order_adds_nothing_to_the_forecast(seller):
    listing = make_listing(seller, quantity=50)
    twice, once, requested = (make_order(seller, (listing, 2)) for _ in range(3))
    item = twice.items.get().order_item_id
    cancel(twice, quantities={item: 1})
    second = cancel(twice, quantities={item: 1}).event
    first_of_once = cancel(once).event
    request_cancellation(requested)
    not_counted = cancel(requested, "BuyerCanceled").event

    added = first_cancellations_in_window(
        seller=seller, events=[second, first_of_once, not_counted]
    )

    assert added == 1
