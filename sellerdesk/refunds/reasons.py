"""Adjustment reasons and price components of the Order Adjustment feed, and which of them
Seller Desk refunds. ORM-free, shared by the parsers, the service and the refund form."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sellerdesk.cancellations.reasons import CancelReason


class AdjustmentReason(models.TextChoices):
    NO_INVENTORY = "NoInventory", _("No inventory")
    CUSTOMER_CANCEL = "CustomerCancel", _("Buyer canceled")
    CUSTOMER_RETURN = "CustomerReturn", _("Customer return")
    GENERAL_ADJUSTMENT = "GeneralAdjustment", _("General adjustment")
    COULD_NOT_SHIP = "CouldNotShip", _("Could not ship")
    DIFFERENT_ITEM = "DifferentItem", _("Different item")
    ABANDONED = "Abandoned", _("Abandoned")
    PRICE_ERROR = "PriceError", _("Pricing error")
    PRODUCT_OUT_OF_STOCK = "ProductOutofStock", _("Product out of stock")
    CUSTOMER_ADDRESS_INCORRECT = "CustomerAddressIncorrect", _("Customer address incorrect")
    EXCHANGE = "Exchange", _("Exchange")
    OTHER = "Other", _("Other")
    CARRIER_CREDIT_DECISION = "CarrierCreditDecision", _("Carrier credit decision")
    RISK_ASSESSMENT_INFORMATION_NOT_VALID = (
        "RiskAssessmentInformationNotValid",
        _("Risk assessment information not valid"),
    )
    CARRIER_COVERAGE_FAILURE = "CarrierCoverageFailure", _("Carrier coverage failure")
    TRANSACTION_RECORD = "TransactionRecord", _("Transaction record")
    UNDELIVERABLE = "Undeliverable", _("Undeliverable")
    REFUSED_DELIVERY = "RefusedDelivery", _("Refused delivery")


ADJUSTMENT_REASONS = frozenset(AdjustmentReason.values)
# Only these may cancel units (QuantityCancelled); the cancellation is recorded with the
# cancellation reason it stands for, so inventory and the cancellation rate treat it as one.
CANCELLING_REASONS = {
    AdjustmentReason.NO_INVENTORY: CancelReason.NO_INVENTORY,
    AdjustmentReason.CUSTOMER_CANCEL: CancelReason.BUYER_CANCELED,
}


class Component(models.TextChoices):
    """The price components Seller Desk refunds; each is capped by what the buyer paid for it."""

    PRINCIPAL = "Principal", _("Item price")
    SHIPPING = "Shipping", _("Shipping")
    TAX = "Tax", _("Item tax")
    SHIPPING_TAX = "ShippingTax", _("Shipping tax")


RESTOCKING_FEE = "RestockingFee"  # a charge to the buyer, deducted from the refund
# The schema's other component types: valid in a feed, but nothing Seller Desk charged for.
UNSUPPORTED_COMPONENTS = frozenset(
    {
        "RestockingFeeTax",
        "GiftWrap",
        "GiftWrapTax",
        "Surcharge",
        "ReturnShipping",
        "Goodwill",
        "ExportCharge",
        "COD",
        "CODTax",
        "Other",
        "FreeReplacementReturnShipping",
    }
)
BUYER_EXPLANATIONS = {
    AdjustmentReason.NO_INVENTORY: pgettext_lazy(
        "buyer email", "The seller no longer has this item in stock."
    ),
    AdjustmentReason.CUSTOMER_CANCEL: pgettext_lazy(
        "buyer email", "The item was cancelled at your request."
    ),
    AdjustmentReason.CUSTOMER_RETURN: pgettext_lazy(
        "buyer email", "The seller has received your return."
    ),
}
DEFAULT_BUYER_EXPLANATION = pgettext_lazy("buyer email", "The seller has refunded you.")


def adjustment_reason_name(code: str) -> str:
    """The seller's words for an adjustment reason code; an unknown code is shown as it is."""
    if code in AdjustmentReason.values:
        return str(AdjustmentReason(code).label)
    return code


def refund_explanation(reason: str) -> str:
    return str(BUYER_EXPLANATIONS.get(reason, DEFAULT_BUYER_EXPLANATION))  # type: ignore[call-overload]
