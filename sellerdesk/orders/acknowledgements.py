"""The seller acknowledges orders (an acknowledgement feed's Success messages), recording its
own order reference."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Seller, User
from sellerdesk.core.errors import (
    ApplicationError,
    ErrorCode,
    InvalidTransition,
    OrderNotFound,
)
from sellerdesk.orders.models import Order, OrderEvent, OrderStatus


@dataclass(frozen=True)
class AcknowledgeRequest:
    amazon_order_id: str
    merchant_order_id: str = ""


def orders_acknowledge(
    *, seller: Seller, requests: Sequence[AcknowledgeRequest], actor: User | None
) -> list[ApplicationError | None]:
    """Record each acknowledgement with an event; returns the error of each refused one."""
    if not requests:
        return []
    with transaction.atomic():
        orders = {
            order.amazon_order_id: order
            for order in Order.objects.select_for_update()
            .filter(seller=seller, amazon_order_id__in={r.amazon_order_id for r in requests})
            .order_by("pk")
        }
        errors: list[ApplicationError | None] = []
        events, changed = [], {}
        for request in requests:
            order = orders.get(request.amazon_order_id)
            if order is None:
                errors.append(OrderNotFound(request.amazon_order_id))
                continue
            if order.status == OrderStatus.CANCELED:
                errors.append(
                    InvalidTransition(
                        _("Order %(order_id)s is cancelled; it cannot be acknowledged.")
                        % {"order_id": order.amazon_order_id},
                        code=ErrorCode.ORDER_CANCELLED,
                    )
                )
                continue
            errors.append(None)
            if request.merchant_order_id:
                order.seller_order_id = request.merchant_order_id
            order.last_update_date = timezone.now()
            changed[order.pk] = order
            events.append(
                OrderEvent(
                    order=order,
                    kind=OrderEvent.Kind.ACKNOWLEDGED,
                    source=OrderEvent.Source.FEED,
                    actor=actor,
                    data={"merchant_order_id": request.merchant_order_id},
                )
            )
        Order.objects.bulk_update(changed.values(), ["seller_order_id", "last_update_date"])
        OrderEvent.objects.bulk_create(events)
    return errors
