from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.refunds.models import Charge


def charge_create(*, order: Order, event: OrderEvent) -> Charge:
    """Charge the buyer for the whole order; called once, at the first shipment confirmation,
    inside its transaction with the order locked. The unique order column makes a second charge
    impossible even if a caller forgot the lock."""
    return Charge.objects.create(
        order=order, amount=order.order_total, currency=order.currency, event=event
    )
