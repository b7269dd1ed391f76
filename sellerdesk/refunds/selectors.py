"""What was charged and refunded: for the order page, the refund form and the service's caps."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from sellerdesk.core.money import money
from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.refunds.models import Charge, Refund
from sellerdesk.refunds.reasons import CHARGED_FIELDS, Component

ZERO = Decimal("0.00")
# Component -> the AdjustedItem and Refund field of its amount.
AMOUNT_FIELDS = {
    Component.PRINCIPAL: "principal",
    Component.SHIPPING: "shipping",
    Component.TAX: "tax",
    Component.SHIPPING_TAX: "shipping_tax",
}


def refundable(item: OrderItem, refunded: dict[str, Decimal]) -> dict[str, Decimal]:
    """What is left to refund of each component of item (by AdjustedItem field)."""
    return {
        name: getattr(item, CHARGED_FIELDS[component]) - refunded.get(name, ZERO)
        for component, name in AMOUNT_FIELDS.items()
    }


def order_is_charged(*, order: Order) -> bool:
    return Charge.objects.filter(order=order).exists()


def order_refunds(*, order: Order) -> list[Refund]:
    return list(order.refunds.select_related("order_item").order_by("created_at", "pk"))


def item_refunds(*, order: Order) -> dict[int, dict[str, Decimal]]:
    """The refunds of order so far, by order item pk and AdjustedItem amount field."""
    return refunded_by_item({order.pk: list(order.items.all())})


def refunded_by_item(items_by_order: dict[int, list[OrderItem]]) -> dict[int, dict[str, Decimal]]:
    """What was refunded so far of each item's components, by order item pk and field."""
    item_pks = [item.pk for items in items_by_order.values() for item in items]
    if not item_pks:
        return {}
    names = list(AMOUNT_FIELDS.values())
    rows = (
        Refund.objects.filter(order_item__in=item_pks)
        .values_list("order_item_id")
        .annotate(*[Sum(name) for name in names])
    )
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


@dataclass(frozen=True)
class OrderBalance:
    """The order's money: its total as placed, the value of the units cancelled without a
    refund (a refund that cancels units returns their money itself), what was refunded, and
    what remains."""

    total: Decimal
    cancelled: Decimal
    refunded: Decimal
    currency: str

    @property
    def balance(self) -> Decimal:
        return self.total - self.cancelled - self.refunded


def order_balance(*, order: Order) -> OrderBalance:
    rows = (
        Refund.objects.filter(order=order)
        .values_list("order_item_id")
        .annotate(Sum("quantity_cancelled"), Sum("amount"))
        .order_by()
    )
    units_refunded = {item_pk: units for item_pk, units, _amount in rows}
    return OrderBalance(
        total=order.order_total,
        cancelled=sum(
            (
                _units_value(item, item.quantity_cancelled - units_refunded.get(item.pk, 0))
                for item in order.items.all()
            ),
            ZERO,
        ),
        refunded=sum((amount for _item_pk, _units, amount in rows), ZERO),
        currency=order.currency,
    )


def _units_value(item: OrderItem, units: int) -> Decimal:
    """Units' share of everything the item costs: price, shipping and their taxes."""
    if not units:
        return ZERO
    amount = item.item_price + item.item_tax + item.shipping_price + item.shipping_tax
    return money(amount * units / item.quantity_ordered)
