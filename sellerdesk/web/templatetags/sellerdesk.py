from django import template

from sellerdesk.cancellations.reasons import reason_name
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
