"""What the buyer is charged for an order item: the units not cancelled when the order is charged,
at their share of each component. No queries: the charge writes it, the order balance shows it
before the charge.

Rounding, per item and component: the cancelled units' share is rounded half up to the cent and
the charge is the rest, amount - money(amount × cancelled / ordered). Nothing cancelled charges
the whole amount, everything cancelled charges zero, a charge is never negative nor above the
amount, and the order's charge is the exact sum of its items' components."""

from decimal import Decimal

from sellerdesk.core.money import money
from sellerdesk.orders.models import OrderItem

ZERO = Decimal("0.00")
# The ChargedItem and Refund field of each component -> the order item field of its price.
ITEM_FIELDS = {
    "principal": "item_price",
    "shipping": "shipping_price",
    "tax": "item_tax",
    "shipping_tax": "shipping_tax",
}


def units_charge(amount: Decimal, *, ordered: int, cancelled: int) -> Decimal:
    """What is charged of `amount`, the price of `ordered` units, when `cancelled` of them are
    cancelled."""
    return amount - money(amount * cancelled / ordered)


def item_charge(item: OrderItem) -> dict[str, Decimal]:
    """What charging the item now takes of each component, by ChargedItem field."""
    return {
        name: units_charge(
            getattr(item, field), ordered=item.quantity_ordered, cancelled=item.quantity_cancelled
        )
        for name, field in ITEM_FIELDS.items()
    }


def items_charge(items: list[OrderItem]) -> Decimal:
    """What charging the items now takes in all."""
    return sum((sum(item_charge(item).values(), ZERO) for item in items), ZERO)
