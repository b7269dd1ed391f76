"""How many of the seller's orders each status tab of Manage Orders holds, and how many are late.

Counted on every request, from the index alone, and only up to COUNT_CAP: a tab that holds
more says "10,000+". Why not exact counts:

- An exact count reads every entry of the index it counts: for a seller of a million orders
  (95 % Shipped) on SQLite, GROUP BY status took 177 ms, COUNT of the Shipped tab 115 ms and of
  all orders 56 ms (docs/benchmarks.md), against a page budget of 50 ms.
- Counts kept in a table, updated in the transaction of every status change, would be exact and
  cheap to read, but every writer of an order (creation, shipment, each cancellation path,
  refunds, feeds, the demo and benchmark loaders) would have to keep them, and every concurrent
  transaction of a seller would update the same few rows: on PostgreSQL that row lock
  serialises a seller's feed workers and, taken after the listings by one path and before them
  by another, can deadlock.

A capped count reads at most COUNT_CAP + 1 index entries per tab (about 1 ms each at a million
orders) and needs nothing from the writers. The tabs a seller works from (Pending, Unshipped,
Partially shipped, late) are exact while they hold up to 10,000 orders; the tabs of finished
orders (Shipped, Canceled, All) show the cap once they pass it.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.orders.models import Order, OrderStatus
from sellerdesk.orders.status import late_orders

COUNT_CAP = 10_000


@dataclass(frozen=True)
class TabCount:
    count: int  # at most COUNT_CAP
    more: bool  # more than COUNT_CAP: count is the cap


@dataclass(frozen=True)
class OrderCounts:
    by_status: dict[str, TabCount]
    all: TabCount
    late: TabCount


def order_counts(*, seller: Seller) -> OrderCounts:
    """The seller's orders by status, all of them and the late ones: whatever the filters."""
    mine = Order.objects.filter(seller=seller)
    by_status = {status.value: _capped(mine.filter(status=status)) for status in OrderStatus}
    total = sum(tab.count for tab in by_status.values())
    capped = any(tab.more for tab in by_status.values()) or total > COUNT_CAP
    return OrderCounts(
        by_status=by_status,
        all=TabCount(COUNT_CAP, True) if capped else TabCount(total, False),
        late=_capped(mine.filter(late_orders(now=timezone.now()))),
    )


def _capped(orders: QuerySet[Order]) -> TabCount:
    # COUNT(*) of a subquery with a LIMIT: an index-only scan that stops at the cap.
    count = orders.order_by().values("pk")[: COUNT_CAP + 1].count()
    return TabCount(min(count, COUNT_CAP), count > COUNT_CAP)
