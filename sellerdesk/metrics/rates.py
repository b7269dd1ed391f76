"""The seller's cancellation rate: orders with a seller-initiated cancellation (whole or items)
over all orders, by purchase date over the last seven days. Target: under 2.5 %."""

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.orders.models import Order, OrderEvent

WINDOW = datetime.timedelta(days=7)
TARGET = Decimal("2.5")


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


def cancellation_rate(
    *,
    seller: Seller,
    now: datetime.datetime | None = None,
    also_cancelling: Collection[int] | QuerySet[Order] = (),
) -> CancellationRate:
    """The rate now, or as it would be if the orders with these primary keys were cancelled."""
    since = (now or timezone.now()) - WINDOW
    window = Order.objects.filter(seller=seller, purchase_date__gte=since)
    cancelled = set(window.filter(rate_cancelled=True).values_list("pk", flat=True))
    if isinstance(also_cancelling, QuerySet):
        extra = window.filter(pk__in=also_cancelling.values_list("pk", flat=True))
    else:
        extra = window.filter(pk__in=list(also_cancelling))
    cancelled |= set(extra.values_list("pk", flat=True))
    return CancellationRate(cancelled=len(cancelled), orders=window.count())


def cancellation_rate_after(*, rate: CancellationRate, more_cancelled: int) -> CancellationRate:
    return CancellationRate(cancelled=rate.cancelled + more_cancelled, orders=rate.orders)


def first_cancellations_in_window(
    *, seller: Seller, events: Collection[OrderEvent], now: datetime.datetime | None = None
) -> int:
    """How many orders these cancellation events cancel for the first time within the rate's
    window, of those that count in it: what they add to the rate."""
    events = [event for event in events if event.data.get("counts_toward_rate", True)]
    if not events:
        return 0
    since = (now or timezone.now()) - WINDOW
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
