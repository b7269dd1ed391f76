from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import NotFound
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
        raise NotFound(
            _("Order %(order_id)s was not found.") % {"order_id": amazon_order_id},
            code="order_not_found",
        )
    items = list(OrderItem.objects.select_for_update().filter(order=order).order_by("pk"))
    return order, items
