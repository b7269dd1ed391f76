from sellerdesk.orders.models import Order, OrderEvent, OrderItem
from sellerdesk.refunds.charges import ZERO, item_charge
from sellerdesk.refunds.models import Charge, ChargedItem


def charge_create(*, order: Order, items: list[OrderItem], event: OrderEvent) -> Charge:
    """Charge the buyer for the units of the order's items not cancelled by now, each component
    at their share (refunds/charges.py), and record what was charged per item; called once, at
    the first shipment confirmation, inside its transaction with the order and its items
    locked. The unique order column makes a second charge impossible even if a caller forgot
    the lock."""
    charged = {item.pk: item_charge(item) for item in items}
    charge = Charge.objects.create(
        order=order,
        amount=sum((sum(amounts.values(), ZERO) for amounts in charged.values()), ZERO),
        currency=order.currency,
        event=event,
    )
    ChargedItem.objects.bulk_create(
        ChargedItem(
            charge=charge,
            order_item=item,
            quantity=item.quantity_ordered - item.quantity_cancelled,
            **charged[item.pk],
        )
        for item in items
    )
    return charge
