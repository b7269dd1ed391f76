"""What was charged and refunded: for the order page, the refund form and the service's caps."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.refunds.charges import ZERO, items_charge
from sellerdesk.refunds.models import Charge, ChargedItem, Refund
from sellerdesk.refunds.reasons import Component

# Component -> the AdjustedItem, ChargedItem and Refund field of its amount.
AMOUNT_FIELDS = {
    Component.PRINCIPAL: "principal",
    Component.SHIPPING: "shipping",
    Component.TAX: "tax",
    Component.SHIPPING_TAX: "shipping_tax",
}


def refundable(charged: dict[str, Decimal], refunded: dict[str, Decimal]) -> dict[str, Decimal]:
    """What is left to refund of each component of an item (by AdjustedItem field): what its
    charge took less what was refunded. Nothing is left of an item not charged."""
    return {
        name: charged.get(name, ZERO) - refunded.get(name, ZERO) for name in AMOUNT_FIELDS.values()
    }


def order_is_charged(*, order: Order) -> bool:
    return Charge.objects.filter(order=order).exists()


def order_refunds(*, order: Order) -> list[Refund]:
    return list(order.refunds.select_related("order_item").order_by("created_at", "pk"))


def left_to_refund(*, order: Order) -> dict[int, dict[str, Decimal]]:
    """What is left to refund of each component of the order's items, by order item pk."""
    items = list(order.items.all())
    charged = charged_by_item({order.pk: items})
    refunded = refunded_by_item({order.pk: items})
    return {
        item.pk: refundable(charged.get(item.pk, {}), refunded.get(item.pk, {})) for item in items
    }


def charged_by_item(items_by_order: dict[int, list[OrderItem]]) -> dict[int, dict[str, Decimal]]:
    """What the charge took of each item's components, by order item pk and field; items of
    orders not charged are left out."""
    names = list(AMOUNT_FIELDS.values())
    rows = ChargedItem.objects.filter(order_item__in=_item_pks(items_by_order)).values_list(
        "order_item_id", *names
    )
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


def refunded_by_item(items_by_order: dict[int, list[OrderItem]]) -> dict[int, dict[str, Decimal]]:
    """What was refunded so far of each item's components, by order item pk and field."""
    names = list(AMOUNT_FIELDS.values())
    rows = (
        Refund.objects.filter(order_item__in=_item_pks(items_by_order))
        .values_list("order_item_id")
        .annotate(*[Sum(name) for name in names])
    )
    return {row[0]: dict(zip(names, row[1:], strict=True)) for row in rows}


def _item_pks(items_by_order: dict[int, list[OrderItem]]) -> list[int]:
    return [item.pk for items in items_by_order.values() for item in items]


@dataclass(frozen=True)
class OrderBalance:
    """The order's money: its total as placed; the units cancelled before the charge, which the
    buyer does not pay (the total less the charge, or less what charging now would take);
    the charge, once there is one; what was refunded (units cancelled by a refund are in it);
    and what remains, the charge less the refunds."""

    total: Decimal
    cancelled: Decimal
    charged: Decimal | None
    refunded: Decimal
    currency: str

    @property
    def balance(self) -> Decimal:
        return self.total - self.cancelled - self.refunded


def order_balance(*, order: Order) -> OrderBalance:
    charge = Charge.objects.filter(order=order).first()
    due = charge.amount if charge else items_charge(list(order.items.all()))
    refunded = Refund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"]
    return OrderBalance(
        total=order.order_total,
        cancelled=order.order_total - due,
        charged=charge.amount if charge else None,
        refunded=refunded or ZERO,
        currency=order.currency,
    )
