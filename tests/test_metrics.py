"""Customer metrics: the daily seven-day rate and its window's edges, the breakdowns, the orders
behind every number, and isolation between sellers."""

import datetime
from decimal import Decimal

from django.utils import timezone

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.metrics.rates import (
    CancellationRate,
    RateStatus,
    cancellation_rate,
    cancellation_rate_if_cancelled,
    crosses_target,
    rate_status,
)
from sellerdesk.metrics.selectors import (
    HISTORY_DAYS,
    OrdersBehind,
    ReasonRow,
    SkuRow,
    cancellation_breakdown,
    customer_metrics,
    day_start,
    orders_behind,
    rate_history,
)
from sellerdesk.orders.models import Order
from tests.factories import make_listing, make_order

# Noon today in Stockholm: the calendar days are unambiguous, and orders made now are today's.
TODAY = timezone.localdate()
NOW = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=timezone.get_default_timezone())


def purchased(order, when):
    Order.objects.filter(pk=order.pk).update(purchase_date=when)
    order.refresh_from_db()
    return order


def cancel(order, reason="NoInventory", quantities=None):
    return order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=reason,
        quantities=quantities,
    )


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def by_day(history):
    return {point.day: (point.rate.cancelled, point.rate.orders) for point in history}


def test_status_thresholds():
    assert rate_status(Decimal("0.00")) == RateStatus.GOOD
    assert rate_status(Decimal("1.99")) == RateStatus.GOOD
    assert rate_status(Decimal("2.00")) == RateStatus.AT_RISK
    assert rate_status(Decimal("2.49")) == RateStatus.AT_RISK
    assert rate_status(Decimal("2.50")) == RateStatus.ABOVE_TARGET
    assert rate_status(Decimal("100.00")) == RateStatus.ABOVE_TARGET
    # Judged on the percent as shown: 1 of 40 is 2.50 %, 1 of 41 is 2.44 %.
    assert CancellationRate(cancelled=1, orders=40).status == RateStatus.ABOVE_TARGET
    assert CancellationRate(cancelled=1, orders=41).status == RateStatus.AT_RISK
    assert CancellationRate(cancelled=0, orders=0).status == RateStatus.GOOD


def test_crossing_is_from_under_the_target_to_at_or_above_it():
    under, at, above = (CancellationRate(c, 40) for c in (0, 1, 2))

    assert crosses_target(before=under, after=at)
    assert not crosses_target(before=at, after=above)
    assert not crosses_target(before=under, after=under)
    assert not crosses_target(before=above, after=under)


def test_history_has_ninety_days_ending_today(seller):
    history = rate_history(seller=seller, now=NOW)

    assert len(history) == HISTORY_DAYS == 90
    assert (history[0].day, history[-1].day) == (days_ago(89), TODAY)
    assert history[0].first_day == days_ago(95)
    assert all(point.rate == CancellationRate(0, 0) for point in history)


def test_a_day_counts_the_seven_calendar_days_ending_with_it(seller):
    day = days_ago(10)
    first = day - datetime.timedelta(days=6)
    at_first_midnight = purchased(make_order(seller), day_start(first))
    before_first = purchased(make_order(seller), day_start(first) - datetime.timedelta(seconds=1))
    last_second = purchased(
        make_order(seller), day_start(day + datetime.timedelta(days=1)) - datetime.timedelta(0, 1)
    )
    next_midnight = purchased(make_order(seller), day_start(day + datetime.timedelta(days=1)))
    cancel(at_first_midnight)
    cancel(next_midnight)

    points = by_day(rate_history(seller=seller, now=NOW))

    # The day: the first midnight and the last second, one of them cancelled.
    assert points[day] == (1, 2)
    # The day before it still has the second before the window, not the day's last second.
    assert points[day - datetime.timedelta(days=1)] == (1, 2)
    assert before_first.pk and last_second.pk
    # The day after: the first midnight has left, the next midnight has come.
    assert points[day + datetime.timedelta(days=1)] == (1, 2)
    # Six days after, the next midnight's order is the only one left; seven after, none.
    assert points[day + datetime.timedelta(days=7)] == (1, 1)
    assert points[day + datetime.timedelta(days=8)] == (0, 0)


def test_the_first_day_of_the_history_reaches_six_days_further_back(seller):
    oldest_counted = purchased(make_order(seller), day_start(days_ago(95)))
    too_old = purchased(make_order(seller), day_start(days_ago(95)) - datetime.timedelta(0, 1))
    cancel(oldest_counted)
    cancel(too_old)

    history = rate_history(seller=seller, now=NOW)

    assert (history[0].rate.cancelled, history[0].rate.orders) == (1, 1)
    assert history[0].rate.percent == Decimal("100.00")
    assert all(point.rate.orders == 0 for point in history[1:])


def test_today_counts_what_has_been_purchased_so_far(seller):
    this_morning = purchased(make_order(seller), day_start(TODAY))
    cancel(this_morning)
    purchased(make_order(seller), day_start(TODAY) + datetime.timedelta(hours=3))

    history = rate_history(seller=seller, now=NOW)

    assert (history[-1].rate.cancelled, history[-1].rate.orders) == (1, 2)
    assert history[-1].rate.status == RateStatus.ABOVE_TARGET


def test_the_daily_window_spans_the_change_to_winter_time(seller):
    # Sweden left summer time on 2026-10-25: that day had 25 hours.
    now = datetime.datetime(2026, 10, 27, 12, 0, tzinfo=timezone.get_default_timezone())
    early = purchased(make_order(seller), day_start(datetime.date(2026, 10, 21)))
    purchased(make_order(seller), day_start(datetime.date(2026, 10, 20)))
    cancel(early)

    points = by_day(rate_history(seller=seller, now=now))

    assert points[datetime.date(2026, 10, 27)] == (1, 1)
    assert points[datetime.date(2026, 10, 26)] == (1, 2)


def test_only_cancellations_that_count_are_in_the_history(seller):
    requested = purchased(make_order(seller), day_start(days_ago(1)))
    Order.objects.filter(pk=requested.pk).update(buyer_cancel_requested_at=NOW)
    cancel(requested, "BuyerCanceled")
    counted = purchased(make_order(seller), day_start(days_ago(1)))
    cancel(counted, "PricingError")

    points = by_day(rate_history(seller=seller, now=NOW))

    assert points[TODAY] == (1, 2)


def test_the_breakdown_counts_orders_per_reason_and_orders_and_units_per_sku(seller):
    mug, towel = make_listing(seller, sku="MUGG", quantity=50), make_listing(seller, sku="HANDDUK")
    whole = make_order(seller, (mug, 2), (towel, 1))
    two_steps = make_order(seller, (mug, 3), (towel, 2))
    other_reason = make_order(seller, (mug, 1))
    make_order(seller, (mug, 1))  # not cancelled
    requested = make_order(seller, (towel, 4))
    Order.objects.filter(pk=requested.pk).update(buyer_cancel_requested_at=NOW)
    old = purchased(make_order(seller, (mug, 5)), NOW - datetime.timedelta(days=8))
    mug_item = two_steps.items.get(seller_sku="MUGG").order_item_id
    towel_item = two_steps.items.get(seller_sku="HANDDUK").order_item_id

    cancel(whole, "NoInventory")
    cancel(two_steps, "PricingError", quantities={mug_item: 2})
    cancel(two_steps, "NoInventory", quantities={towel_item: None})
    cancel(other_reason, "PricingError")
    requested.refresh_from_db()
    cancel(requested, "BuyerCanceled")  # the buyer asked: does not count
    cancel(old, "NoInventory")  # before the window

    breakdown = cancellation_breakdown(seller=seller, now=NOW)

    assert breakdown.by_reason == [
        ReasonRow(reason="NoInventory", orders=2),
        ReasonRow(reason="PricingError", orders=2),
    ]
    assert breakdown.by_sku == [
        SkuRow(sku="MUGG", orders=3, units=5),
        SkuRow(sku="HANDDUK", orders=2, units=3),
    ]
    assert cancellation_rate(seller=seller, now=NOW) == CancellationRate(cancelled=3, orders=5)


def test_the_orders_behind_each_number_are_the_ones_it_counts(seller):
    mug, towel = make_listing(seller, sku="MUGG", quantity=50), make_listing(seller, sku="HANDDUK")
    first = make_order(seller, (mug, 1))
    second = make_order(seller, (mug, 1), (towel, 1))
    kept = make_order(seller, (towel, 1))
    old = purchased(make_order(seller, (mug, 1)), day_start(days_ago(20)))
    cancel(first, "NoInventory")
    cancel(
        second, "PricingError", quantities={second.items.get(seller_sku="HANDDUK").order_item_id: 1}
    )
    cancel(old, "PricingError")
    metrics = customer_metrics(seller=seller, now=NOW)

    def behind(**kwargs):
        return list(orders_behind(seller=seller, behind=OrdersBehind(**kwargs), now=NOW))

    assert behind() == [second, first]
    assert behind(cancelled_only=False) == [kept, second, first]
    assert (metrics.rate.cancelled, metrics.rate.orders) == (2, 3)
    assert behind(reason="NoInventory") == [first]
    assert behind(reason="PricingError") == [second]
    assert behind(sku="HANDDUK") == [second]
    assert behind(sku="MUGG") == [first]
    assert behind(sku="NO-SUCH-SKU") == []
    old_day = days_ago(20)
    point = next(point for point in metrics.history if point.day == old_day)
    assert (point.rate.cancelled, point.rate.orders) == (1, 1)
    assert behind(day=old_day) == [old]
    assert behind(day=old_day, cancelled_only=False) == [old]
    assert behind(day=TODAY, cancelled_only=False) == [kept, second, first]


def test_another_sellers_orders_are_never_counted_nor_listed(seller, other_seller):
    mine = make_order(seller)
    theirs = [make_order(other_seller) for _ in range(3)]
    cancel(mine, "NoInventory")
    for order in theirs[:2]:
        cancel(order, "PricingError")

    metrics = customer_metrics(seller=seller, now=NOW)

    assert metrics.rate == CancellationRate(cancelled=1, orders=1)
    assert by_day(metrics.history)[TODAY] == (1, 1)
    assert metrics.breakdown.by_reason == [ReasonRow(reason="NoInventory", orders=1)]
    assert [row.sku for row in metrics.breakdown.by_sku] == [mine.items.get().seller_sku]
    for kwargs in ({}, {"cancelled_only": False}, {"reason": "PricingError"}, {"day": TODAY}):
        listed = orders_behind(seller=seller, behind=OrdersBehind(**kwargs), now=NOW)
        assert theirs[0] not in listed and theirs[2] not in listed
    sku = theirs[0].items.get().seller_sku
    assert list(orders_behind(seller=seller, behind=OrdersBehind(sku=sku), now=NOW)) == []


def test_the_metrics_take_five_queries_whatever_the_data(seller, django_assert_num_queries):
    for _ in range(3):
        cancel(make_order(seller))
    make_order(seller)

    with django_assert_num_queries(5):
        customer_metrics(seller=seller, now=NOW)


def test_the_forecast_of_one_order_adds_it_once_and_only_within_the_window(seller):
    listing = make_listing(seller)
    fresh, already, old = (make_order(seller, (listing, 2)) for _ in range(3))
    cancel(already, quantities={already.items.get().order_item_id: 1})
    purchased(old, NOW - datetime.timedelta(days=7, seconds=1))
    rate = cancellation_rate(seller=seller, now=NOW)

    already.refresh_from_db()

    assert rate == CancellationRate(cancelled=1, orders=2)
    after = cancellation_rate_if_cancelled(rate=rate, order=fresh, now=NOW)
    assert after == CancellationRate(cancelled=2, orders=2)
    assert cancellation_rate_if_cancelled(rate=rate, order=already, now=NOW) == rate
    assert cancellation_rate_if_cancelled(rate=rate, order=old, now=NOW) == rate


def test_the_forecast_of_a_buyer_requested_order_depends_on_the_reason(seller):
    order = make_order(seller)
    Order.objects.filter(pk=order.pk).update(buyer_cancel_requested_at=NOW)
    order.refresh_from_db()
    rate = cancellation_rate(seller=seller, now=NOW)

    as_requested = cancellation_rate_if_cancelled(
        rate=rate, order=order, reason="BuyerCanceled", now=NOW
    )
    for_stock = cancellation_rate_if_cancelled(
        rate=rate, order=order, reason="NoInventory", now=NOW
    )

    assert as_requested == rate
    assert for_stock == CancellationRate(cancelled=rate.cancelled + 1, orders=rate.orders)
