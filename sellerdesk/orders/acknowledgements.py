"""The seller acknowledges orders (an acknowledgement feed's Success messages), recording its
own order reference."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.acting import acting_application_id
from sellerdesk.accounts.models import Seller, User
from sellerdesk.core.batches import Accepted, Outcome, requests_judge
from sellerdesk.core.errors import ErrorCode, InvalidTransition
from sellerdesk.feeds.models import Feed
from sellerdesk.orders.locks import locked_order, orders_lock
from sellerdesk.orders.models import Order, OrderEvent, OrderStatus


@dataclass(frozen=True)
class AcknowledgeRequest:
    amazon_order_id: str
    merchant_order_id: str = ""


def orders_acknowledge(
    *,
    seller: Seller,
    requests: Sequence[AcknowledgeRequest],
    actor: User | None,
    feed: Feed | None = None,
) -> list[Outcome[AcknowledgeRequest]]:
    """Record each acknowledgement with an event, in one transaction."""
    if not requests:
        return []
    with transaction.atomic():
        orders = orders_lock(seller=seller, order_ids={r.amazon_order_id for r in requests})
        events, changed = [], {}

        def acknowledge(request: AcknowledgeRequest) -> Accepted:
            order = locked_order(orders, request.amazon_order_id)
            if order.status == OrderStatus.CANCELED:
                raise InvalidTransition(
                    _("Order %(order_id)s is cancelled; it cannot be acknowledged.")
                    % {"order_id": order.amazon_order_id},
                    code=ErrorCode.ORDER_CANCELLED,
                )
            if request.merchant_order_id:
                order.seller_order_id = request.merchant_order_id
            order.last_update_date = timezone.now()
            changed[order.pk] = order
            event = OrderEvent(
                order=order,
                seller_id=order.seller_id,
                application_id=acting_application_id(),
                kind=OrderEvent.Kind.ACKNOWLEDGED,
                source=OrderEvent.Source.FEED,
                feed=feed,
                actor=actor,
                data={"merchant_order_id": request.merchant_order_id},
            )
            events.append(event)
            return Accepted(events=(event,))

        outcomes = requests_judge(requests, acknowledge)
        Order.objects.bulk_update(changed.values(), ["seller_order_id", "last_update_date"])
        OrderEvent.objects.bulk_create(events)
    return outcomes
