"""Reads of the customer metrics, always for the acting seller: the cancellation rate with its
status, the daily seven-day rate of the last 90 days, the current window's counted
cancellations by reason and by SKU, and the orders behind each of those numbers.

Every number is a count of Order rows (rate_cancelled, purchase_date) or of the cancellation
events that count (data["counts_toward_rate"]): the same rows the Orders API and the order
pages show, so a number and the list of orders behind it always agree."""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import QuerySet
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.metrics.rates import (
    WINDOW,
    CancellationRate,
    cancellation_rate,
    window_start,
)
from sellerdesk.orders.models import Order, OrderEvent

HISTORY_DAYS = 90
_WINDOW_DAYS = WINDOW.days


@dataclass(frozen=True)
class DailyRate:
    """The seven-day rate as of the end of `day`: orders purchased in the seven calendar days
    ending with it (local time), and those with a cancellation that counts."""

    day: datetime.date
    rate: CancellationRate

    @property
    def first_day(self) -> datetime.date:
        return window_first_day(self.day)


def window_first_day(day: datetime.date) -> datetime.date:
    """The first of the seven calendar days whose orders the rate of `day` counts."""
    return day - datetime.timedelta(days=_WINDOW_DAYS - 1)


@dataclass(frozen=True)
class ReasonRow:
    reason: str
    orders: int


@dataclass(frozen=True)
class SkuRow:
    sku: str
    orders: int
    units: int


@dataclass(frozen=True)
class Breakdown:
    """The current window's counted cancellations. An order cancelled in two steps for two
    reasons, or with two SKUs cancelled, is in both rows: the rows do not add up to the rate's
    count of cancelled orders."""

    by_reason: list[ReasonRow]
    by_sku: list[SkuRow]


@dataclass(frozen=True)
class CustomerMetrics:
    rate: CancellationRate
    history: list[DailyRate]
    breakdown: Breakdown


@dataclass(frozen=True)
class OrdersBehind:
    """Which number's orders: the current window's (no day) or the window ending with a day of
    the history; all of them, or only those whose cancellation counts; narrowed to a reason or
    a SKU of the breakdown (current window only)."""

    cancelled_only: bool = True
    day: datetime.date | None = None
    reason: str = ""
    sku: str = ""


def customer_metrics(*, seller: Seller, now: datetime.datetime | None = None) -> CustomerMetrics:
    now = now or timezone.now()
    return CustomerMetrics(
        rate=cancellation_rate(seller=seller, now=now),
        history=rate_history(seller=seller, now=now),
        breakdown=cancellation_breakdown(seller=seller, now=now),
    )


def history_days(*, now: datetime.datetime | None = None) -> list[datetime.date]:
    """The days of the history, oldest first; the last is today (local time)."""
    today = timezone.localdate(now or timezone.now())
    return [today - datetime.timedelta(days=back) for back in range(HISTORY_DAYS - 1, -1, -1)]


def rate_history(*, seller: Seller, now: datetime.datetime | None = None) -> list[DailyRate]:
    """The seven-day rate at the end of each of the last 90 days, today's so far.

    Counted per calendar day (96 days: the 90 and the six before the first), then summed over
    each seven-day run: two queries whatever the number of orders."""
    days = history_days(now=now)
    first = window_first_day(days[0])
    all_days = [first + datetime.timedelta(days=n) for n in range(len(days) + _WINDOW_DAYS - 1)]
    bounds = [day_start(day) for day in all_days] + [
        day_start(all_days[-1] + datetime.timedelta(days=1))
    ]
    placed = _counts_by_interval(seller=seller, bounds=bounds, cancelled_only=False)
    cancelled = _counts_by_interval(seller=seller, bounds=bounds, cancelled_only=True)
    history = []
    for index, day in enumerate(days):
        span = slice(index, index + _WINDOW_DAYS)
        rate = CancellationRate(cancelled=sum(cancelled[span]), orders=sum(placed[span]))
        history.append(DailyRate(day=day, rate=rate))
    return history


def day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _counts_by_interval(
    *, seller: Seller, bounds: list[datetime.datetime], cancelled_only: bool
) -> list[int]:
    """How many of the seller's orders (those rate-cancelled, or all) were purchased in each
    interval [bounds[i], bounds[i + 1]).

    One COUNT per interval, each a range of an index, all in one statement: a GROUP BY of the
    local date would compute the date of every row (on SQLite, in a Python function). Written
    as SQL: compiling 96 querysets took the ORM as long as the database takes to count."""
    connection = connections[router.db_for_read(Order)]
    quote = connection.ops.quote_name
    purchased = Order.purchase_date.field
    seller_id, purchase_date, rate_cancelled = (
        quote(str(field.column))
        for field in (Order.seller.field, Order.purchase_date.field, Order.rate_cancelled.field)
    )
    where = f"{seller_id} = %s AND {purchase_date} >= %s AND {purchase_date} < %s"
    if cancelled_only:
        where += f" AND {rate_cancelled} = %s"
    table = quote(Order._meta.db_table)
    statements, params = [], []
    for slot, (start, end) in enumerate(itertools.pairwise(bounds)):
        # Only names from the model and an int go into the text; the values are parameters.
        statements.append(f"SELECT {slot:d}, COUNT(*) FROM {table} WHERE {where}")  # noqa: S608
        params += [
            seller.pk,
            purchased.get_db_prep_value(start, connection),
            purchased.get_db_prep_value(end, connection),
        ]
        if cancelled_only:
            params.append(True)
    result = [0] * (len(bounds) - 1)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), params)
        for slot, number in cursor.fetchall():
            result[slot] = number
    return result


def cancellation_breakdown(*, seller: Seller, now: datetime.datetime | None = None) -> Breakdown:
    """The current window's counted cancellations by reason code (orders) and by SKU (orders and
    cancelled units), most first."""
    by_reason: defaultdict[str, set[int]] = defaultdict(set)
    sku_orders: defaultdict[str, set[int]] = defaultdict(set)
    sku_units: Counter[str] = Counter()
    for event in _counted_cancellations(seller=seller, now=now):
        by_reason[event.reason].add(event.order_id)
        for item in event.data.get("items", []):
            sku_orders[item["sku"]].add(event.order_id)
            sku_units[item["sku"]] += int(item["quantity"])
    return Breakdown(
        by_reason=sorted(
            (ReasonRow(reason=reason, orders=len(ids)) for reason, ids in by_reason.items()),
            key=lambda row: (-row.orders, row.reason),
        ),
        by_sku=sorted(
            (
                SkuRow(sku=sku, orders=len(ids), units=sku_units[sku])
                for sku, ids in sku_orders.items()
            ),
            key=lambda row: (-row.orders, -row.units, row.sku),
        ),
    )


def _counted_cancellations(*, seller: Seller, now: datetime.datetime | None) -> list[OrderEvent]:
    """The cancellation events that count, of the orders the current window counts as
    cancelled (on the partial index of rate-cancelled orders, then each order's events)."""
    window = Order.objects.filter(
        seller=seller, purchase_date__gte=window_start(now), rate_cancelled=True
    )
    events = (
        OrderEvent.objects.filter(kind=OrderEvent.Kind.CANCELLED, order__in=window.values("pk"))
        .order_by()
        .only("order_id", "reason", "data")
    )
    return [event for event in events if event.data.get("counts_toward_rate", True)]


def orders_behind(
    *, seller: Seller, behind: OrdersBehind, now: datetime.datetime | None = None
) -> QuerySet[Order]:
    """The orders behind a number of the metrics, newest first."""
    now = now or timezone.now()
    orders = Order.objects.filter(seller=seller)
    if behind.day is not None:
        end = day_start(behind.day + datetime.timedelta(days=1))
        start = day_start(window_first_day(behind.day))
        orders = orders.filter(purchase_date__gte=start, purchase_date__lt=end)
    else:
        orders = orders.filter(purchase_date__gte=window_start(now))
    if behind.reason or behind.sku:
        events = _counted_cancellations(seller=seller, now=now)
        ids = {
            event.order_id
            for event in events
            if (not behind.reason or event.reason == behind.reason)
            and (
                not behind.sku
                or any(item["sku"] == behind.sku for item in event.data.get("items", []))
            )
        }
        orders = orders.filter(pk__in=sorted(ids))
    if behind.cancelled_only or behind.reason or behind.sku:
        orders = orders.filter(rate_cancelled=True)
    return orders.order_by("-purchase_date", "-pk")
