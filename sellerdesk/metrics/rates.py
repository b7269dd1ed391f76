"""The seller's cancellation rate: orders with a seller-initiated cancellation (whole or items)
over all orders, by purchase date over the last seven days. Target: under 2.5 %.

Status: good under 2.0 %, at risk from 2.0 % up to the target, above target at 2.5 % or more
(the target is "under 2.5 %", so 2.5 % itself misses it). Each is judged on the percent as
shown, rounded to two places."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.accounts.models import Seller
from sellerdesk.metrics.rules import counts_toward_rate, orders_counting_toward_rate
from sellerdesk.orders.models import Order, OrderEvent

WINDOW = datetime.timedelta(days=7)
TARGET = Decimal("2.5")
AT_RISK_FROM = Decimal("2.0")


class RateStatus(models.TextChoices):
    GOOD = "good", _("Good")
    AT_RISK = "at_risk", _("At risk")
    ABOVE_TARGET = "above_target", _("Above target")


def rate_status(percent: Decimal) -> RateStatus:
    if percent >= TARGET:
        return RateStatus.ABOVE_TARGET
    if percent >= AT_RISK_FROM:
        return RateStatus.AT_RISK
    return RateStatus.GOOD


@dataclass(frozen=True)
class CancellationRate:
    cancelled: int
    orders: int

    @property
    def percent(self) -> Decimal:
        if not self.orders:
            return Decimal("0.00")
        return (Decimal(100) * self.cancelled / self.orders).quantize(Decimal("0.01"))

    @property
    def above_target(self) -> bool:
        return self.percent >= TARGET

    @property
    def status(self) -> RateStatus:
        return rate_status(self.percent)


def crosses_target(*, before: CancellationRate, after: CancellationRate) -> bool:
    """From under the target to at or above it."""
    return not before.above_target and after.above_target


def window_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """The rate counts the orders purchased from this moment on."""
    return (now or timezone.now()) - WINDOW


def cancellation_rate(
    *,
    seller: Seller,
    now: datetime.datetime | None = None,
    also_cancelling: Collection[int] | QuerySet[Order] = (),
) -> CancellationRate:
    """The rate now, or as it would be if the orders with these primary keys were cancelled.

    Two counts on indexes: the window's orders on (seller, purchase date), its cancelled ones
    on the partial index of rate-cancelled orders."""
    window = Order.objects.filter(seller=seller, purchase_date__gte=window_start(now))
    cancelled = window.filter(rate_cancelled=True).count()
    if isinstance(also_cancelling, QuerySet):
        extra = window.filter(pk__in=also_cancelling.values_list("pk", flat=True))
    elif also_cancelling:
        extra = window.filter(pk__in=list(also_cancelling))
    else:
        return CancellationRate(cancelled=cancelled, orders=window.count())
    more = extra.filter(rate_cancelled=False).count()
    return CancellationRate(cancelled=cancelled + more, orders=window.count())


def cancellation_rate_after(*, rate: CancellationRate, more_cancelled: int) -> CancellationRate:
    return CancellationRate(cancelled=rate.cancelled + more_cancelled, orders=rate.orders)


def cancellation_rate_if_cancelled(
    *,
    rate: CancellationRate,
    order: Order,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> CancellationRate:
    """The rate after the seller cancels this order with reason (any reason that counts when
    none is given): one more cancelled order, unless the cancellation does not count (see
    rules.py), the order already counts, or it was purchased before the window."""
    adds = (
        not order.rate_cancelled
        and order.purchase_date >= window_start(now)
        and counts_toward_rate(order=order, reason=reason, source=OrderEvent.Source.WEB)
    )
    return cancellation_rate_after(rate=rate, more_cancelled=int(adds))


def cancellation_rate_if_selection_cancelled(
    *,
    rate: CancellationRate,
    seller: Seller,
    orders: QuerySet[Order],
    reason: str,
    source: str,
    now: datetime.datetime | None = None,
) -> CancellationRate:
    """The rate after the seller cancels these orders with reason: one more cancelled order for
    each that the cancellation counts for (see rules.py), in the window and not counted yet."""
    counting = orders_counting_toward_rate(orders, reason=reason, source=source)
    more = (
        Order.objects.filter(
            seller=seller, purchase_date__gte=window_start(now), rate_cancelled=False
        )
        .filter(pk__in=counting.values("pk"))
        .count()
    )
    return cancellation_rate_after(rate=rate, more_cancelled=more)


def first_cancellations_in_window(
    *, seller: Seller, events: Collection[OrderEvent], now: datetime.datetime | None = None
) -> int:
    """How many orders these cancellation events cancel for the first time within the rate's
    window, of those that count in it: what they add to the rate."""
    events = [event for event in events if event.data.get("counts_toward_rate", True)]
    if not events:
        return 0
    since = window_start(now)
    earlier = (
        OrderEvent.objects.filter(order=OuterRef("pk"), kind=OrderEvent.Kind.CANCELLED)
        .exclude(pk__in=[event.pk for event in events])
        .exclude(data__counts_toward_rate=False)
    )
    return (
        Order.objects.filter(
            seller=seller,
            pk__in={event.order_id for event in events},
            purchase_date__gte=since,
        )
        .exclude(Exists(earlier))
        .count()
    )
