from django import template

from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.refunds.reasons import AdjustmentReason

register = template.Library()


@register.filter
def reason_label(code: str) -> str:
    """The seller's words for a reason code; codes only the feed uses are shown as they are."""
    if code in CancelReason.values:
        return str(CancelReason(code).label)
    return code


@register.filter
def adjustment_reason_label(code: str) -> str:
    """The seller's words for an adjustment reason code."""
    if code in AdjustmentReason.values:
        return str(AdjustmentReason(code).label)
    return code
