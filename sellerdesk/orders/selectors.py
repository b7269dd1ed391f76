"""Reads on orders, always for the acting seller."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ErrorCode, NotFound, OrderNotFound
from sellerdesk.core.ids import is_order_id
from sellerdesk.core.pages import (
    KeysetPage,
    PageTokenInvalid,
    Position,
    keyset_page,
    page_token_decode,
    page_token_encode,
)
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent, OrderItem
from sellerdesk.orders.search import order_search
from sellerdesk.orders.status import late_orders

PAGE_SIZES = (50, 100, 250, 500)
ORDER_LIST_CURSOR = "orders.manage"
ORDER_LIST_BACK = "orders.manage.back"

# A plain alias, not a `type` statement: page tokens read the Literal inside it.
OrderSort = Literal["newest", "oldest", "ship_by_soonest", "ship_by_latest"]
# Each sort: the time it orders by (then the pk, for ties), and whether descending.
SORTS: dict[str, tuple[Literal["purchase_date", "latest_ship_date"], bool]] = {
    "newest": ("purchase_date", True),
    "oldest": ("purchase_date", False),
    "ship_by_soonest": ("latest_ship_date", False),
    "ship_by_latest": ("latest_ship_date", True),
}


@dataclass(frozen=True)
class OrderFilter:
    status: str = ""
    query: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: OrderSort = "newest"
    # Only orders whose buyer asked the marketplace to cancel them.
    buyer_requested: bool = False
    # Only orders that can still ship and whose ship-by date has passed.
    late: bool = False


@dataclass(frozen=True)
class OrderTimeFilter:
    """Orders purchased, or last updated, in a time frame (both ends included), as the Orders
    API's getOrders asks for them."""

    date_field: Literal["purchase_date", "last_update_date"]
    after: datetime.datetime
    before: datetime.datetime
    marketplace_ids: tuple[str, ...]
    statuses: tuple[str, ...] = ()
    amazon_order_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    next_cursor: str | None
    # The page before this one, read backwards from its first order; None on the first page.
    previous_cursor: str | None = None


def order_get(*, seller: Seller, amazon_order_id: str) -> Order:
    order = (
        Order.objects.filter(seller=seller, amazon_order_id=amazon_order_id)
        .prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("pk")))
        .first()
    )
    if order is None:
        raise OrderNotFound(amazon_order_id)
    return order


def orders_existing(*, seller: Seller, amazon_order_ids: Iterable[str]) -> set[str]:
    """Those of the order ids that are the seller's orders."""
    wanted = {order_id for order_id in amazon_order_ids if order_id}
    if not wanted:
        return set()
    return set(
        Order.objects.filter(seller=seller, amazon_order_id__in=wanted).values_list(
            "amazon_order_id", flat=True
        )
    )


def order_timeline(*, order: Order) -> list[OrderEvent]:
    return list(order.events.select_related("actor", "email", "feed").order_by("created_at", "pk"))


def outbound_email_get(*, seller: Seller, amazon_order_id: str, email_id: int) -> OutboundEmail:
    email = (
        OutboundEmail.objects.filter(
            pk=email_id, order__seller=seller, order__amazon_order_id=amazon_order_id
        )
        .select_related("order", "event")
        .first()
    )
    if email is None:
        raise NotFound("Email not found.", code=ErrorCode.EMAIL_NOT_FOUND)
    return email


# What Manage Orders shows of an item: its other columns (four amounts among them) would cost
# a tenth of the list to read and convert.
_LISTED_ITEMS = OrderItem.objects.only("order", "seller_sku", "title", "quantity_ordered").order_by(
    "pk"
)


def order_list(
    *,
    seller: Seller,
    filters: OrderFilter,
    cursor: str | None = None,
    back_cursor: str | None = None,
    page_size: int = 50,
) -> OrderPage:
    """One page of the seller's orders in the filter's sort (purchase date or ship-by date,
    either way, ties by id), keyset-paged: a page deep in the list costs the same as the first.
    `cursor` continues after a page (next_cursor); `back_cursor` is the page before one
    (previous_cursor)."""
    key, descending = SORTS[filters.sort]
    before = _cursor_position(seller, filters, back_cursor, ORDER_LIST_BACK)
    after = _cursor_position(seller, filters, cursor, ORDER_LIST_CURSOR)
    orders = filtered_orders(seller=seller, filters=filters)
    if filters.late:
        # Read the page from the late orders, found on their index (status, ship-by date), and
        # sort those: at most the seller's open orders. Left to itself SQLite walks all of the
        # seller's orders in the page's order looking for late ones: 3 s at a million orders
        # when few are late.
        orders = Order.objects.filter(pk__in=orders.values("pk"))
    page = keyset_page(
        orders.prefetch_related(Prefetch("items", queryset=_LISTED_ITEMS)),
        key=key,
        after=None if before else after,
        before=before,
        size=page_size,
        descending=descending,
    )
    return OrderPage(
        orders=page.rows,
        next_cursor=_cursor(seller, filters, page.next_after, ORDER_LIST_CURSOR),
        previous_cursor=_cursor(seller, filters, page.previous_before, ORDER_LIST_BACK),
    )


def order_list_cursor(*, seller: Seller, filters: OrderFilter, after: Position) -> str:
    """The cursor of the page of order_list that starts after `after`."""
    return page_token_encode(
        kind=ORDER_LIST_CURSOR, seller_id=seller.pk, listing=filters, after=after
    )


def _cursor(seller: Seller, filters: OrderFilter, at: Position | None, kind: str) -> str | None:
    if at is None:
        return None
    return page_token_encode(kind=kind, seller_id=seller.pk, listing=filters, after=at)


def _cursor_position(
    seller: Seller, filters: OrderFilter, cursor: str | None, kind: str
) -> Position | None:
    """A cursor that is not valid, or was made for other filters, starts from the top rather
    than failing: it comes from a link, which may have been edited or shared."""
    if not cursor:
        return None
    try:
        made_for, at = page_token_decode(
            cursor, kind=kind, seller_id=seller.pk, listing=OrderFilter
        )
    except PageTokenInvalid:
        return None
    return at if made_for == filters else None


def filtered_orders(*, seller: Seller, filters: OrderFilter) -> QuerySet[Order]:
    orders = Order.objects.all()  # of the seller, below: the search applies it in its own way
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.buyer_requested:
        orders = orders.filter(buyer_cancel_requested_at__isnull=False)
    if filters.late:
        orders = orders.filter(late_orders(now=timezone.now()))
    if filters.date_from:
        orders = orders.filter(purchase_date__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + datetime.timedelta(days=1)
        orders = orders.filter(purchase_date__lt=_start_of_day(next_day))
    query = filters.query.strip()
    if query and not is_order_id(query):
        return order_search(orders, seller=seller, term=query)
    if query:
        orders = orders.filter(amazon_order_id=query)
    return orders.filter(seller=seller)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def order_list_by_time(
    *, seller: Seller, filters: OrderTimeFilter, after: Position | None, page_size: int
) -> KeysetPage[Order]:
    """Orders purchased (or last updated) in the time frame, oldest first, with their items:
    a page of the Orders API's getOrders, keyset-paged on the time that the frame is of."""
    orders = Order.objects.filter(
        seller=seller,
        marketplace_id__in=filters.marketplace_ids,
        **{
            f"{filters.date_field}__gte": filters.after,
            f"{filters.date_field}__lte": filters.before,
        },
    )
    if filters.statuses:
        orders = orders.filter(status__in=filters.statuses)
    if filters.amazon_order_ids:
        orders = orders.filter(amazon_order_id__in=filters.amazon_order_ids)
    return keyset_page(
        orders.prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("pk"))),
        key=filters.date_field,
        after=after,
        size=page_size,
        descending=False,
    )
