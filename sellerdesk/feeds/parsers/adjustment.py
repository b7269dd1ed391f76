"""What the Order Adjustment parsers (XML and the BatchRefunds flat file) produce, and the rules
their two forms share: amounts, currencies, reasons. ORM-free: RecordError and FeedRejected are
records.py's; whether an adjustment fits the order is the refund service's to decide."""

import re
from dataclasses import dataclass
from decimal import Decimal

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.fields import Invalid, code_problem, quoted
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.reasons import ADJUSTMENT_REASONS

# An amount as the schema writes it: digits, at most two decimals, a leading minus allowed.
AMOUNT_RE = re.compile(r"-?[0-9]{1,10}(?:\.[0-9]{1,2})?")
MAX_MERCHANT_ADJUSTMENT_ID_LENGTH = 100
ZERO = Decimal("0.00")

__all__ = ["AdjustedItem", "Adjustment"]


@dataclass(frozen=True, slots=True)
class Adjustment:
    message_id: int  # XML: MessageID; flat file: physical line number of the message's first row
    amazon_order_id: str
    items: tuple[AdjustedItem, ...]


def amount_problem(what: str, value: str) -> str | None:
    """Why value is not an amount of at most two decimals, or None."""
    if AMOUNT_RE.fullmatch(value):
        return None
    if not value:
        return f"{what} is empty."
    if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", value):
        return f"{what} {quoted(value)} has more than two decimals."
    if "," in value:
        return (
            f"{what} {quoted(value)} is not an amount: write it with a point and no commas, "
            "like 12.50."
        )
    return f"{what} {quoted(value)} is not an amount like 12.50."


def adjustment_reason_problem(what: str, value: str) -> str | None:
    """Why value is not an AdjustmentReason code, or None if it is one."""
    return code_problem(what, value, ADJUSTMENT_REASONS, "an adjustment reason")


def currency_problem(what: str, value: str) -> str | None:
    if re.fullmatch(r"[A-Z]{3}", value):
        return None
    return f"{what} {quoted(value)} is not a currency code like SEK."


def merchant_adjustment_id(what: str, value: str) -> str | None:
    """The seller's key of an adjusted item ("" is none), which makes a repeat change nothing."""
    if len(value) > MAX_MERCHANT_ADJUSTMENT_ID_LENGTH:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{what} {quoted(value)} is longer than {MAX_MERCHANT_ADJUSTMENT_ID_LENGTH} "
            "characters.",
        )
    return value or None


def adjustment_reason(what: str, value: str) -> str:
    if (problem := adjustment_reason_problem(what, value)) is not None:
        raise Invalid(MessageProblem.INVALID_ADJUSTMENT_REASON, problem)
    return value
