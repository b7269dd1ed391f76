from decimal import Decimal

from django import template

from sellerdesk.cancellations.reasons import reason_name
from sellerdesk.orders.models import OrderStatus
from sellerdesk.refunds.reasons import adjustment_reason_name
from sellerdesk.web.numbers import Numbers

register = template.Library()


@register.filter
def reason_label(code: str) -> str:
    """The seller's words for a cancellation reason code."""
    return reason_name(code)


@register.filter
def adjustment_reason_label(code: str) -> str:
    """The seller's words for an adjustment reason code."""
    return adjustment_reason_name(code)


@register.filter
def order_status_label(status: str) -> str:
    """The seller's words for an order status."""
    return str(OrderStatus(status).label)


@register.filter
def money(amount: Decimal | str | None, currency: str = "") -> str:
    """An amount as the reader's language writes it (Numbers.money)."""
    return Numbers.current().money(amount, currency)
