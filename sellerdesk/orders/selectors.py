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

PAGE_SIZES = (50, 100, 250, 500)
ORDER_LIST_CURSOR = "orders.manage"


@dataclass(frozen=True)
class OrderFilter:
    status: str = ""
    query: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    newest_first: bool = True
    # Only orders whose buyer asked the marketplace to cancel them.
    buyer_requested: bool = False


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


def order_list(
    *, seller: Seller, filters: OrderFilter, cursor: str | None = None, page_size: int = 50
) -> OrderPage:
    """One page of the seller's orders, by purchase date, keyset-paged: a page deep in the list
    costs the same as the first."""
    after = _cursor_position(seller=seller, filters=filters, cursor=cursor) if cursor else None
    page = keyset_page(
        filtered_orders(seller=seller, filters=filters).prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.order_by("pk"))
        ),
        key="purchase_date",
        after=after,
        size=page_size,
        descending=filters.newest_first,
    )
    next_cursor = None
    if page.next_after is not None:
        next_cursor = order_list_cursor(seller=seller, filters=filters, after=page.next_after)
    return OrderPage(orders=page.rows, next_cursor=next_cursor)


def order_list_cursor(*, seller: Seller, filters: OrderFilter, after: Position) -> str:
    """The cursor of the page of order_list that starts after `after`."""
    return page_token_encode(
        kind=ORDER_LIST_CURSOR, seller_id=seller.pk, listing=filters, after=after
    )


def _cursor_position(*, seller: Seller, filters: OrderFilter, cursor: str) -> Position | None:
    """A cursor that is not valid, or was made for other filters, starts from the top rather
    than failing: it comes from a link, which may have been edited or shared."""
    try:
        made_for, after = page_token_decode(
            cursor, kind=ORDER_LIST_CURSOR, seller_id=seller.pk, listing=OrderFilter
        )
    except PageTokenInvalid:
        return None
    return after if made_for == filters else None


def filtered_orders(*, seller: Seller, filters: OrderFilter) -> QuerySet[Order]:
    orders = Order.objects.all()  # of the seller, below: the search applies it in its own way
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.buyer_requested:
        orders = orders.filter(buyer_cancel_requested_at__isnull=False)
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
