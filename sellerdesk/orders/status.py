"""Order status from item quantities, and which actions each status allows."""

from collections.abc import Iterable

from sellerdesk.orders.models import OrderItem, OrderStatus

CANCELLABLE = frozenset({OrderStatus.UNSHIPPED})
# The buyer may cancel, or ask the seller to cancel, before anything ships; unlike the seller,
# also before the payment is authorized.
BUYER_CANCELLABLE = frozenset({OrderStatus.PENDING, OrderStatus.UNSHIPPED})
SHIPPABLE = frozenset({OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED})


def derive_status(*, payment_authorized: bool, items: Iterable[OrderItem]) -> OrderStatus:
    ordered = shipped = cancelled = 0
    for item in items:
        ordered += item.quantity_ordered
        shipped += item.quantity_shipped
        cancelled += item.quantity_cancelled
    if cancelled == ordered:
        return OrderStatus.CANCELED
    if not payment_authorized:
        return OrderStatus.PENDING
    if shipped == 0:
        return OrderStatus.UNSHIPPED
    if shipped + cancelled == ordered:
        return OrderStatus.SHIPPED
    return OrderStatus.PARTIALLY_SHIPPED


def can_cancel(status: str) -> bool:
    return status in CANCELLABLE


def can_buyer_cancel(status: str) -> bool:
    return status in BUYER_CANCELLABLE


def can_ship(status: str) -> bool:
    return status in SHIPPABLE
