from collections.abc import Iterable, Sequence

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import OrderNotFound
from sellerdesk.orders.models import Order, OrderItem


def order_lock(*, seller: Seller, amazon_order_id: str) -> tuple[Order, list[OrderItem]]:
    """Lock the seller's order, then its items in primary-key order. The same 404 for missing
    and not-yours."""
    order = (
        Order.objects.select_for_update()
        .filter(seller=seller, amazon_order_id=amazon_order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound(amazon_order_id)
    items = list(OrderItem.objects.select_for_update().filter(order=order).order_by("pk"))
    return order, items


def orders_lock(*, seller: Seller, order_ids: set[str]) -> dict[str, Order]:
    """Lock the seller's orders among order_ids, in primary-key order; by order id. Ids that
    are unknown or another seller's are simply absent."""
    # The ids through the unique index of order ids, then the seller's rows by primary key:
    # `seller AND amazon_order_id IN (...)` is planned by SQLite (which has no statistics here)
    # on the seller's index, a walk through all of the seller's orders for every batch.
    wanted = Order.objects.filter(amazon_order_id__in=order_ids).values("pk")
    locked = Order.objects.select_for_update().filter(seller=seller, pk__in=wanted).order_by("pk")
    return {order.amazon_order_id: order for order in locked}


def locked_order(orders: dict[str, Order], amazon_order_id: str) -> Order:
    """The order of orders_lock's result, or the same NotFound as order_lock."""
    order = orders.get(amazon_order_id)
    if order is None:
        raise OrderNotFound(amazon_order_id)
    return order


def order_items_lock(
    *, orders: Iterable[Order], defer: Sequence[str] = ()
) -> dict[int, list[OrderItem]]:
    """Lock the items of orders (locked first), in primary-key order; by order pk."""
    items_by_order: dict[int, list[OrderItem]] = {}
    for item in (
        OrderItem.objects.select_for_update()
        .filter(order__in=[order.pk for order in orders])
        .defer(*defer)
        .order_by("pk")
    ):
        items_by_order.setdefault(item.order_id, []).append(item)
    return items_by_order
