"""Cancellation reason codes: the six a seller chooses from, the feed schema's others, and what
each does to inventory."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CancelReason(models.TextChoices):
    NO_INVENTORY = "NoInventory", _("No inventory")
    BUYER_CANCELED = "BuyerCanceled", _("Buyer canceled")
    GENERAL_ADJUSTMENT = "GeneralAdjustment", _("General adjustment")
    PRICING_ERROR = "PricingError", _("Pricing error")
    SHIPPING_ADDRESS_UNDELIVERABLE = (
        "ShippingAddressUndeliverable",
        _("Shipping address undeliverable"),
    )
    CUSTOMER_EXCHANGE = "CustomerExchange", _("Customer exchange")


# The acknowledgement feed's schema allows these too; they restock like any reason but NoInventory.
# A seller never chooses them, but they reach the timeline, the metrics and the inventory ledger.
FEED_ONLY_REASON_NAMES = {
    "CarrierCreditDecision": _("Carrier credit decision"),
    "RiskAssessmentInformationNotValid": _("Risk assessment information not valid"),
    "CarrierCoverageFailure": _("Carrier coverage failure"),
    "CustomerReturn": _("Customer return"),
    "MerchandiseNotReceived": _("Merchandise not received"),
}
FEED_ONLY_REASONS = frozenset(FEED_ONLY_REASON_NAMES)
ALL_REASONS = frozenset(CancelReason.values) | FEED_ONLY_REASONS

# What the buyer reads: the reason explained, never the seller's memo.
BUYER_EXPLANATIONS = {
    CancelReason.NO_INVENTORY: pgettext_lazy(
        "buyer email", "The seller no longer has this item in stock."
    ),
    CancelReason.BUYER_CANCELED: pgettext_lazy(
        "buyer email", "The order was cancelled at your request."
    ),
    CancelReason.GENERAL_ADJUSTMENT: pgettext_lazy(
        "buyer email", "The seller was unable to fulfil the order."
    ),
    CancelReason.PRICING_ERROR: pgettext_lazy(
        "buyer email", "The item was listed at an incorrect price."
    ),
    CancelReason.SHIPPING_ADDRESS_UNDELIVERABLE: pgettext_lazy(
        "buyer email", "The seller cannot deliver to your shipping address."
    ),
    CancelReason.CUSTOMER_EXCHANGE: pgettext_lazy(
        "buyer email", "The order was cancelled as part of an exchange."
    ),
}
DEFAULT_BUYER_EXPLANATION = pgettext_lazy(
    "buyer email", "The seller was unable to fulfil the order."
)


def reason_name(code: str) -> str:
    """The seller's words for any cancellation reason code the feeds accept; an unknown code (none
    is stored, but an old row might hold one) is shown as it is."""
    if code in CancelReason.values:
        return str(CancelReason(code).label)
    return str(FEED_ONLY_REASON_NAMES.get(code, code))


def restocks(reason: str) -> bool:
    """Every reason but NoInventory returns the cancelled units to the listing."""
    return reason != CancelReason.NO_INVENTORY


def buyer_explanation(reason: str) -> str:
    return str(BUYER_EXPLANATIONS.get(reason, DEFAULT_BUYER_EXPLANATION))  # type: ignore[call-overload]
