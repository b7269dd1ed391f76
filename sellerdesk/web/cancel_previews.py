"""What the cancel pages show before the seller confirms, for each reason: the stock of each SKU
and the cancellation rate, computed by the rules that the cancellation itself applies."""

from collections import Counter
from typing import Any

from django.db.models import QuerySet

from sellerdesk.accounts.models import Seller
from sellerdesk.cancellations.stock import cancellation_stock_preview, order_units_by_listing
from sellerdesk.core.errors import ApplicationError
from sellerdesk.metrics.rates import (
    cancellation_rate,
    cancellation_rate_if_cancelled,
    cancellation_rate_if_selection_cancelled,
)
from sellerdesk.orders.models import Order, OrderEvent, OrderItem
from sellerdesk.web.by_reason import outcomes_by_reason
from sellerdesk.web.forms import CancelItemsForm


def order_cancel_previews(
    *, seller: Seller, order: Order, items: list[OrderItem], form: CancelItemsForm
) -> dict[str, Any]:
    """The cancel page's previews of the cancellation the form describes: the whole order until
    the seller chooses items. Call after form.is_valid() when the form is bound."""
    quantities = form.quantities() if form.is_bound else None
    try:
        units = order_units_by_listing(order=order, items=items, quantities=quantities)
    except ApplicationError:
        units = Counter()  # the form reports what is wrong with the quantities
    rate = cancellation_rate(seller=seller)
    return {
        "stock_outcomes": outcomes_by_reason(
            lambda reason: cancellation_stock_preview(
                seller=seller, units_by_listing=units, reason=reason
            )
        ),
        "rate_now": rate,
        "rate_outcomes": outcomes_by_reason(
            lambda reason: cancellation_rate_if_cancelled(rate=rate, order=order, reason=reason)
        ),
    }


def selection_cancel_previews(
    *, seller: Seller, orders: QuerySet[Order], units_by_listing: dict[int, int]
) -> dict[str, Any]:
    """The selection page's previews of cancelling these orders."""
    rate = cancellation_rate(seller=seller)
    return {
        "stock_outcomes": outcomes_by_reason(
            lambda reason: cancellation_stock_preview(
                seller=seller, units_by_listing=units_by_listing, reason=reason
            )
        ),
        "rate_now": rate,
        "rate_outcomes": outcomes_by_reason(
            lambda reason: cancellation_rate_if_selection_cancelled(
                rate=rate,
                seller=seller,
                orders=orders,
                reason=reason,
                source=OrderEvent.Source.BULK,
            )
        ),
    }
