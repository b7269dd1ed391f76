"""Usage plans of the Selling Partner API sections, as SP-API publishes them: for each operation,
by its operationId, a token bucket that refills at `rate` requests a second and holds `burst`
requests, one bucket per seller and application (sellerdesk/api/quota.py keeps them).

The operator changes a plan with the RATE_LIMITS setting, operationId → "rate/burst" (docs/api.md,
"Rate limits"); what it does not name keeps SP-API's default."""

import functools
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

# Bounds that keep a bucket's arithmetic within a 64-bit integer of microseconds.
MIN_RATE = Decimal("0.0001")
MAX_RATE = Decimal(1_000_000)
MAX_BURST = 100_000


@dataclass(frozen=True)
class UsagePlan:
    rate: Decimal  # requests per second
    burst: int

    @property
    def emission_us(self) -> int:
        """Microseconds for the bucket to get one request back; rounded up, so that a rate that
        does not divide a second evenly errs on the strict side."""
        return math.ceil(Decimal(1_000_000) / self.rate)

    @property
    def header(self) -> str:
        """The rate as x-amzn-RateLimit-Limit carries it."""
        return format(self.rate, "f")


def _plan(rate: str, burst: int) -> UsagePlan:
    return UsagePlan(Decimal(rate), burst)


# SP-API's published defaults (Orders v0, Feeds 2021-06-30, Reports 2021-06-30, Notifications
# v1). cancelOrder is Seller Desk's own; it has confirmShipment's plan, the other write on one
# order.
DEFAULT_PLANS: dict[str, UsagePlan] = {
    # Orders v0
    "getOrders": _plan("0.0167", 20),
    "getOrder": _plan("0.5", 30),
    "getOrderBuyerInfo": _plan("0.5", 30),
    "getOrderAddress": _plan("0.5", 30),
    "getOrderItems": _plan("0.5", 30),
    "getOrderItemsBuyerInfo": _plan("0.5", 30),
    "getOrderRegulatedInfo": _plan("0.5", 30),
    "updateVerificationStatus": _plan("0.5", 30),
    "updateShipmentStatus": _plan("5", 15),
    "confirmShipment": _plan("2", 10),
    "cancelOrder": _plan("2", 10),
    # Feeds 2021-06-30
    "getFeeds": _plan("0.0222", 10),
    "createFeed": _plan("0.0083", 15),
    "getFeed": _plan("2", 15),
    "cancelFeed": _plan("2", 15),
    "createFeedDocument": _plan("0.5", 15),
    "getFeedDocument": _plan("0.0222", 10),
    # Reports 2021-06-30
    "getReports": _plan("0.0222", 10),
    "createReport": _plan("0.0167", 15),
    "getReport": _plan("2", 15),
    "cancelReport": _plan("0.0222", 10),
    "getReportSchedules": _plan("0.0222", 10),
    "createReportSchedule": _plan("0.0222", 10),
    "getReportSchedule": _plan("0.0222", 10),
    "cancelReportSchedule": _plan("0.0222", 10),
    "getReportDocument": _plan("0.0167", 15),
    # Notifications v1
    "createDestination": _plan("1", 5),
    "getDestinations": _plan("1", 5),
    "getDestination": _plan("1", 5),
    "deleteDestination": _plan("1", 5),
    "createSubscription": _plan("1", 5),
    "getSubscription": _plan("1", 5),
    "getSubscriptionById": _plan("1", 5),
    "deleteSubscriptionById": _plan("1", 5),
}


def usage_plan_parse(operation_id: str, text: Any) -> UsagePlan:
    """A plan as the operator writes it, "rate/burst": "0.5/30"."""
    problem = (
        f"RATE_LIMITS[{operation_id!r}] = {text!r}: write rate/burst, a rate in requests per"
        f" second from {MIN_RATE} to {MAX_RATE} and a whole burst from 1 to {MAX_BURST}"
        ' (e.g. "0.5/30").'
    )
    rate_text, slash, burst_text = str(text).strip().partition("/")
    try:
        rate = Decimal(rate_text.strip())
        burst = int(burst_text.strip())
    except (InvalidOperation, ValueError):
        raise ImproperlyConfigured(problem) from None
    if not slash or not rate.is_finite() or not MIN_RATE <= rate <= MAX_RATE:
        raise ImproperlyConfigured(problem)
    if not 1 <= burst <= MAX_BURST:
        raise ImproperlyConfigured(problem)
    return UsagePlan(rate, burst)


@functools.cache
def usage_plans() -> dict[str, UsagePlan]:
    """SP-API's defaults with the operator's RATE_LIMITS over them."""
    overrides = settings.RATE_LIMITS
    unknown = sorted(set(overrides) - set(DEFAULT_PLANS))
    if unknown:
        raise ImproperlyConfigured(
            f"RATE_LIMITS names operations that have no usage plan: {', '.join(unknown)}."
            f" Known: {', '.join(DEFAULT_PLANS)}."
        )
    return DEFAULT_PLANS | {
        operation_id: usage_plan_parse(operation_id, text)
        for operation_id, text in overrides.items()
    }


@receiver(setting_changed)
def _forget_plans(setting: str, **kwargs: Any) -> None:
    if setting == "RATE_LIMITS":
        usage_plans.cache_clear()
