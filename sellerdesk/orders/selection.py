"""What a selection on Manage Orders holds: explicit order ids, or every order matching a
filter. Reads only; the cancellation itself runs as a feed."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Sum

from sellerdesk.accounts.models import Seller
from sellerdesk.orders.models import Order, OrderItem, OrderStatus
from sellerdesk.orders.selectors import OrderFilter, filtered_orders

MAX_EXPLICIT = 5000


@dataclass(frozen=True)
class Selection:
    order_ids: tuple[str, ...] = ()
    all_matching: OrderFilter | None = None

    def orders(self, *, seller: Seller) -> QuerySet[Order]:
        if self.all_matching is not None:
            return filtered_orders(seller=seller, filters=self.all_matching)
        return Order.objects.filter(seller=seller, amazon_order_id__in=self.order_ids)


@dataclass(frozen=True)
class SelectionSummary:
    by_status: dict[str, int]
    # The unshipped units of the orders to cancel, by listing: the listings with most.
    units_by_listing: dict[int, int]
    # Of the orders to cancel, those whose buyer asked the marketplace to cancel.
    buyer_requested: int

    @property
    def eligible(self) -> int:
        return self.by_status.get(OrderStatus.UNSHIPPED, 0)

    @property
    def skipped(self) -> dict[str, int]:
        return skipped_of(self.by_status)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def announced(self) -> str:
        return counts_text(self.by_status)


def skipped_of(by_status: Mapping[str, int]) -> dict[str, int]:
    """The orders a cancellation leaves as they are, by status: all but the unshipped."""
    return {s: n for s, n in sorted(by_status.items()) if s != OrderStatus.UNSHIPPED and n}


def counts_text(by_status: Mapping[str, int]) -> str:
    """Orders by status as one line, e.g. "Canceled=1;Unshipped=2": what a confirmation
    announced, to be checked against the selection when it is confirmed."""
    return ";".join(f"{status}={count}" for status, count in sorted(by_status.items()) if count)


def selection_summarize(
    *, seller: Seller, selection: Selection, sku_limit: int = 50
) -> SelectionSummary:
    orders = selection.orders(seller=seller)
    by_status = dict(
        orders.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    eligible = orders.filter(status=OrderStatus.UNSHIPPED)
    units = (
        OrderItem.objects.filter(order__in=eligible)
        .values("listing_id")
        .annotate(
            units=Sum(F("quantity_ordered") - F("quantity_shipped") - F("quantity_cancelled"))
        )
        .order_by("-units", "listing_id")[:sku_limit]
    )
    return SelectionSummary(
        by_status=by_status,
        units_by_listing={row["listing_id"]: row["units"] for row in units},
        buyer_requested=(
            eligible.filter(buyer_cancel_requested_at__isnull=False).count()
            if by_status.get(OrderStatus.UNSHIPPED)
            else 0
        ),
    )


def selection_statuses(*, seller: Seller, selection: Selection) -> Iterator[tuple[str, str]]:
    """Each selected order's id and status, in one read."""
    yield from (
        selection.orders(seller=seller)
        .order_by("pk")
        .values_list("amazon_order_id", "status")
        .iterator(chunk_size=2000)
    )
