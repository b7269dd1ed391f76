"""Cancel an order: lock, check, write, in one transaction, with its event and the buyer's email."""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.accounts.models import Seller, User
from sellerdesk.cancellations.reasons import ALL_REASONS, restocks
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import listing_change_quantity, listings_lock
from sellerdesk.core.errors import InvalidInput, InvalidTransition, NothingToDo
from sellerdesk.notifications.services import outbound_email_queue_cancellation
from sellerdesk.orders.locks import order_lock
from sellerdesk.orders.models import Order, OrderEvent, OrderStatus
from sellerdesk.orders.services import order_event_record
from sellerdesk.orders.status import can_cancel, derive_status

MEMO_MAX_LENGTH = 500


@dataclass(frozen=True)
class Cancellation:
    order: Order
    event: OrderEvent
    units: int


def cancellation_validate(*, reason: str, memo: str) -> str:
    """Check what the seller typed; returns the cleaned memo."""
    if not reason:
        raise InvalidInput(_("Choose a reason for the cancellation."), code="reason_required")
    if reason not in ALL_REASONS:
        raise InvalidInput(
            _("Unknown cancellation reason: %(reason)s.") % {"reason": reason},
            code="invalid_reason",
        )
    memo = memo.strip()
    if len(memo) > MEMO_MAX_LENGTH:
        raise InvalidInput(
            _("The seller memo is limited to %(limit)d characters.") % {"limit": MEMO_MAX_LENGTH},
            code="memo_too_long",
        )
    return memo


def order_cancel(
    *,
    seller: Seller,
    amazon_order_id: str,
    actor: User | None,
    reason: str,
    memo: str = "",
    source: str = OrderEvent.Source.WEB,
) -> Cancellation:
    """Cancel a whole Unshipped order. Restocks by reason, records the event and queues one email
    to the buyer, which is sent after commit."""
    memo = cancellation_validate(reason=reason, memo=memo)
    with transaction.atomic():
        order, items = order_lock(seller=seller, amazon_order_id=amazon_order_id)
        if order.status == OrderStatus.CANCELED:
            raise NothingToDo(
                _("Order %(order_id)s is already cancelled; nothing was changed.")
                % {"order_id": amazon_order_id},
                code="already_cancelled",
            )
        if not can_cancel(order.status):
            raise InvalidTransition(
                str(_REFUSALS[OrderStatus(order.status)]).format(order_id=amazon_order_id),
                code=f"cannot_cancel_{order.status.lower()}",
                status=order.status,
            )
        listings = listings_lock(listing_ids=[item.listing_id for item in items])
        cancelled, units_by_listing = [], Counter[int]()
        for item in items:
            units = item.quantity_unshipped
            item.quantity_cancelled += units
            item.save(update_fields=["quantity_cancelled"])
            units_by_listing[item.listing_id] += units
            cancelled.append(
                {
                    "order_item_id": item.order_item_id,
                    "sku": item.seller_sku,
                    "title": item.title,
                    "quantity": units,
                }
            )
        order.status = derive_status(payment_authorized=order.payment_authorized, items=items)
        order.save(update_fields=["status", "last_update_date"])
        event = order_event_record(
            order=order,
            kind=OrderEvent.Kind.CANCELLED,
            source=source,
            actor=actor,
            reason=reason,
            memo=memo,
            data={"items": cancelled, "whole_order": True},
        )
        _restock(reason=reason, event=event, listings=listings, units_by_listing=units_by_listing)
        outbound_email_queue_cancellation(order=order, event=event)
    return Cancellation(order=order, event=event, units=units_by_listing.total())


_REFUSALS = {
    OrderStatus.PENDING: gettext_lazy(
        "Order {order_id} is Pending: its payment is not authorized yet, so it cannot be cancelled."
    ),
    OrderStatus.SHIPPED: gettext_lazy(
        "Order {order_id} has shipped and can no longer be cancelled."
    ),
    OrderStatus.PARTIALLY_SHIPPED: gettext_lazy(
        "Order {order_id} is partially shipped; only a whole unshipped order can be cancelled."
    ),
}


def _restock(
    *,
    reason: str,
    event: OrderEvent,
    listings: dict[int, Listing],
    units_by_listing: Counter[int],
) -> None:
    """Return the units, or for NoInventory set the listing to zero so it stops overselling."""
    for listing_id in sorted(units_by_listing):
        listing = listings[listing_id]
        if restocks(reason):
            delta, cause = (
                units_by_listing[listing_id],
                InventoryLedgerEntry.Cause.CANCELLATION_RESTOCK,
            )
        else:
            delta, cause = -listing.quantity, InventoryLedgerEntry.Cause.CANCELLATION_NO_INVENTORY
        listing_change_quantity(
            listing=listing, delta=delta, cause=cause, order_id=event.order_id, event_id=event.pk
        )
