"""Order status from item quantities, and one table of which actions each status allows: who
may cancel units or ship them, and what refuses it otherwise; and when an order that can still
ship is late."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from sellerdesk.core.errors import ErrorCode, InvalidTransition, NothingToDo
from sellerdesk.orders.models import Order, OrderItem, OrderStatus


class Action(StrEnum):
    CANCEL = "cancel"  # the seller cancels the whole order or items, by any route
    BUYER_CANCEL = "buyer_cancel"  # the buyer cancels alone, through the marketplace
    BUYER_CANCEL_REQUEST = "buyer_cancel_request"  # the buyer asks the seller to cancel
    REFUND_CANCEL = "refund_cancel"  # a refund cancels the units that cannot be shipped
    SHIP = "ship"


ALLOWED: Mapping[Action, frozenset[OrderStatus]] = {
    Action.CANCEL: frozenset({OrderStatus.UNSHIPPED}),
    # The buyer may cancel, or ask the seller to cancel, before anything ships; unlike the
    # seller, also before the payment is authorized.
    Action.BUYER_CANCEL: frozenset({OrderStatus.PENDING, OrderStatus.UNSHIPPED}),
    Action.BUYER_CANCEL_REQUEST: frozenset({OrderStatus.PENDING, OrderStatus.UNSHIPPED}),
    # A refund follows the charge of the first shipment; what is still unshipped may be
    # cancelled with it.
    Action.REFUND_CANCEL: frozenset({OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED}),
    Action.SHIP: frozenset({OrderStatus.UNSHIPPED, OrderStatus.PARTIALLY_SHIPPED}),
}


@dataclass(frozen=True)
class Refusal:
    code: ErrorCode
    message: Promise  # with %(order_id)s and %(status)s
    # A repeat of what happened already is reported as nothing to do, not as a wrong state.
    repeat: bool = False


_ALREADY_CANCELLED = Refusal(
    ErrorCode.ALREADY_CANCELLED,
    gettext_lazy("Order %(order_id)s is already cancelled; nothing was changed."),
    repeat=True,
)
_SELLER_REFUSALS = {
    OrderStatus.PENDING: Refusal(
        ErrorCode.CANNOT_CANCEL_PENDING,
        gettext_lazy(
            "Order %(order_id)s is Pending: its payment is not authorized yet, so it cannot be"
            " cancelled."
        ),
    ),
    OrderStatus.SHIPPED: Refusal(
        ErrorCode.CANNOT_CANCEL_SHIPPED,
        gettext_lazy("Order %(order_id)s has shipped and can no longer be cancelled."),
    ),
    OrderStatus.PARTIALLY_SHIPPED: Refusal(
        ErrorCode.CANNOT_CANCEL_PARTIALLYSHIPPED,
        gettext_lazy(
            "Order %(order_id)s is partially shipped; only a whole unshipped order can be"
            " cancelled."
        ),
    ),
    OrderStatus.CANCELED: _ALREADY_CANCELLED,
}
_BUYER_CANCEL_TOO_LATE = gettext_lazy(
    "Order %(order_id)s is %(status)s: the buyer can no longer cancel it."
)
_BUYER_REQUEST_TOO_LATE = gettext_lazy(
    "Order %(order_id)s is %(status)s: the buyer can no longer ask to cancel it."
)
_NOT_SHIPPABLE = gettext_lazy("Order %(order_id)s is %(status)s and cannot be shipped.")

# What refuses each action in each status that ALLOWED does not list.
REFUSALS: Mapping[Action, Mapping[OrderStatus, Refusal]] = {
    Action.CANCEL: _SELLER_REFUSALS,
    Action.BUYER_CANCEL: {
        OrderStatus.SHIPPED: Refusal(ErrorCode.CANNOT_SELF_CANCEL_SHIPPED, _BUYER_CANCEL_TOO_LATE),
        OrderStatus.PARTIALLY_SHIPPED: Refusal(
            ErrorCode.CANNOT_SELF_CANCEL_PARTIALLYSHIPPED, _BUYER_CANCEL_TOO_LATE
        ),
        OrderStatus.CANCELED: _ALREADY_CANCELLED,
    },
    Action.BUYER_CANCEL_REQUEST: {
        OrderStatus.SHIPPED: Refusal(
            ErrorCode.CANNOT_REQUEST_CANCEL_SHIPPED, _BUYER_REQUEST_TOO_LATE
        ),
        OrderStatus.PARTIALLY_SHIPPED: Refusal(
            ErrorCode.CANNOT_REQUEST_CANCEL_PARTIALLYSHIPPED, _BUYER_REQUEST_TOO_LATE
        ),
        OrderStatus.CANCELED: _ALREADY_CANCELLED,
    },
    # Not charged yet, or nothing left unshipped: refused as the seller's cancellation is.
    Action.REFUND_CANCEL: {
        status: _SELLER_REFUSALS[status]
        for status in (OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.CANCELED)
    },
    Action.SHIP: {
        OrderStatus.PENDING: Refusal(ErrorCode.CANNOT_SHIP_PENDING, _NOT_SHIPPABLE),
        OrderStatus.SHIPPED: Refusal(ErrorCode.CANNOT_SHIP_SHIPPED, _NOT_SHIPPABLE),
        OrderStatus.CANCELED: Refusal(ErrorCode.CANNOT_SHIP_CANCELED, _NOT_SHIPPABLE),
    },
}


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


def allows(action: Action, status: str) -> bool:
    return status in ALLOWED[action]


def can_cancel(status: str) -> bool:
    return allows(Action.CANCEL, status)


def can_ship(status: str) -> bool:
    return allows(Action.SHIP, status)


def is_late(*, status: str, latest_ship_date: datetime.datetime, now: datetime.datetime) -> bool:
    """Late: the order can still ship, and its ship-by date (LatestShipDate) has passed."""
    return can_ship(status) and latest_ship_date < now


def late_orders(*, now: datetime.datetime) -> Q:
    """The orders that is_late holds for, as a condition of a query."""
    return Q(status__in=sorted(ALLOWED[Action.SHIP]), latest_ship_date__lt=now)


def transition_check(*, order: Order, action: Action) -> None:
    """Raise what refuses `action` in the order's status; return if the status allows it."""
    if allows(action, order.status):
        return
    refusal = REFUSALS[action][OrderStatus(order.status)]
    message = str(refusal.message) % {
        "order_id": order.amazon_order_id,
        "status": order.get_status_display(),
    }
    if refusal.repeat:
        raise NothingToDo(message, code=refusal.code)
    raise InvalidTransition(message, code=refusal.code, status=order.status)
