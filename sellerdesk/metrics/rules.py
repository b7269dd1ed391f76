"""Which cancellations count in the seller's cancellation rate (DESIGN.md, Customer metrics)."""

from django.db.models import QuerySet

from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.orders.models import Order, OrderEvent


def counts_toward_rate(*, order: Order, reason: str, source: str) -> bool:
    """A cancellation counts unless the buyer made it (a self-cancellation through the
    marketplace) or the buyer asked the marketplace for it (IsBuyerRequestedCancel) and the
    seller cancelled with BuyerCanceled. One the buyer asked for only by message counts."""
    if source == OrderEvent.Source.BUYER:
        return False
    requested = order.buyer_cancel_requested_at is not None
    return not (requested and reason == CancelReason.BUYER_CANCELED)


def orders_counting_toward_rate(
    orders: QuerySet[Order], *, reason: str, source: str
) -> QuerySet[Order]:
    """Those of orders whose cancellation with reason from source would count: the rule of
    counts_toward_rate as a filter, for a selection too large to judge order by order."""
    if source == OrderEvent.Source.BUYER:
        return orders.none()
    if reason == CancelReason.BUYER_CANCELED:
        return orders.filter(buyer_cancel_requested_at__isnull=True)
    return orders
