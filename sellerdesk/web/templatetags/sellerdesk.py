from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

from sellerdesk.cancellations.reasons import reason_name
from sellerdesk.orders.models import OrderStatus
from sellerdesk.refunds.reasons import adjustment_reason_name

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
    """An amount as the reader's language writes it, with two decimals and grouped thousands:
    1 430,00 SEK in Swedish, 1,430.00 SEK in English. Takes a Decimal or the decimal string an
    event's data holds."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    text = formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}" if currency else text
