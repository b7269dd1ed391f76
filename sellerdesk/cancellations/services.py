"""Cancel orders, whole or some items: lock, check, write, in one transaction, with an event per
order and one buyer email per cancellation.

`orders_cancel` is the one implementation: the page cancels a batch of one, a selection, a file
or a feed cancel batches of hundreds. Each request is checked on its own against the locked
rows; a refused request changes nothing, the others are written together."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.accounts.models import Seller, User
from sellerdesk.cancellations.reasons import ALL_REASONS, restocks
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import listings_lock
from sellerdesk.core.bulk import rows_insert, rows_update
from sellerdesk.core.errors import (
    ApplicationError,
    InvalidInput,
    InvalidTransition,
    NothingToDo,
)
from sellerdesk.metrics.alerts import rate_alert_check_queue
from sellerdesk.metrics.rules import counts_toward_rate
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.services import outbound_emails_queue
from sellerdesk.orders.locks import locked_order, order_items_lock, orders_lock
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus
from sellerdesk.orders.quantities import unshipped_units
from sellerdesk.orders.status import can_buyer_cancel, can_cancel, derive_status

MEMO_MAX_LENGTH = 500
# The money of an order item, which a cancellation does not change.
_ITEM_AMOUNTS = ("item_price", "shipping_price", "item_tax", "shipping_tax")


@dataclass(frozen=True)
class CancelRequest:
    amazon_order_id: str
    reason: str
    memo: str = ""
    # None cancels the whole order; otherwise order item id -> units (None: all unshipped).
    quantities: dict[str, int | None] | None = None


@dataclass
class CancelOutcome:
    request: CancelRequest
    error: ApplicationError | None = None
    event: OrderEvent | None = None
    units: int = 0


@dataclass
class _Batch:
    """What the valid requests of one call will write."""

    items: dict[int, OrderItem] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    events: list[OrderEvent] = field(default_factory=list)
    restocks: list[tuple[OrderEvent, str, Counter[int]]] = field(default_factory=list)


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
    quantities: dict[str, int | None] | None = None,
    source: str = OrderEvent.Source.WEB,
) -> Cancellation:
    """Cancel one order, or some of its items, and raise what refused it."""
    request = CancelRequest(
        amazon_order_id=amazon_order_id, reason=reason, memo=memo, quantities=quantities
    )
    (outcome,) = orders_cancel(seller=seller, requests=[request], actor=actor, source=source)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.event is not None
    return Cancellation(order=outcome.event.order, event=outcome.event, units=outcome.units)


def orders_cancel(
    *,
    seller: Seller,
    requests: Sequence[CancelRequest],
    actor: User | None,
    source: str,
) -> list[CancelOutcome]:
    """Cancel many orders in one transaction. Locks orders, then their items, then the
    listings, each in primary-key order, so that concurrent batches cannot deadlock."""
    with transaction.atomic():
        orders = orders_lock(seller=seller, order_ids={r.amazon_order_id for r in requests})
        # The amounts are never read here, and a decimal costs to convert on SQLite.
        items_by_order = order_items_lock(orders=orders.values(), defer=_ITEM_AMOUNTS)
        batch = _Batch()
        outcomes = []
        for request in requests:
            outcome = CancelOutcome(request=request)
            try:
                order = locked_order(orders, request.amazon_order_id)
                memo = cancellation_validate(reason=request.reason, memo=request.memo)
                outcome.event, outcome.units = _cancel_one(
                    order=order,
                    items=items_by_order.get(order.pk, []),
                    request=request,
                    memo=memo,
                    actor=actor,
                    source=source,
                    batch=batch,
                )
            except ApplicationError as error:
                outcome.error = error
            outcomes.append(outcome)
        _write(batch=batch)
    return outcomes


def _cancel_one(
    *,
    order: Order,
    items: list[OrderItem],
    request: CancelRequest,
    memo: str,
    actor: User | None,
    source: str,
    batch: _Batch,
) -> tuple[OrderEvent, int]:
    """Check one request against the locked rows (as changed by earlier requests of the batch)
    and apply it in memory. Raises before touching anything if it is refused."""
    if order.status == OrderStatus.CANCELED:
        raise NothingToDo(
            _("Order %(order_id)s is already cancelled; nothing was changed.")
            % {"order_id": order.amazon_order_id},
            code="already_cancelled",
        )
    # The buyer's own cancellation (buyer.py) may also cancel a Pending order.
    allowed = can_buyer_cancel if source == OrderEvent.Source.BUYER else can_cancel
    if not allowed(order.status):
        raise InvalidTransition(
            str(_REFUSALS[OrderStatus(order.status)]).format(order_id=order.amazon_order_id),
            code=f"cannot_cancel_{order.status.lower()}",
            status=order.status,
        )
    units = unshipped_units(
        order=order, items=items, quantities=request.quantities, action="cancel"
    )
    if not any(units.values()):
        raise NothingToDo(
            _("Nothing left to cancel of these items; nothing was changed."),
            code="items_already_cancelled",
        )
    cancelled, remaining, by_listing = [], [], Counter[int]()
    for item in items:
        count = units.get(item.order_item_id, 0)
        if count:
            item.quantity_cancelled += count
            batch.items[item.pk] = item
            by_listing[item.listing_id] += count
            cancelled.append(_item_data(item, count))
        if item.quantity_unshipped:
            remaining.append(_item_data(item, item.quantity_unshipped))
    order.status = derive_status(payment_authorized=order.payment_authorized, items=items)
    order.last_update_date = timezone.now()
    counts = counts_toward_rate(order=order, reason=request.reason, source=source)
    order.rate_cancelled = order.rate_cancelled or counts
    batch.orders[order.pk] = order
    event = OrderEvent(
        order=order,
        kind=OrderEvent.Kind.CANCELLED,
        source=source,
        actor=actor,
        reason=request.reason,
        memo=memo,
        data={
            "items": cancelled,
            "remaining": remaining,
            "whole_order": order.status == OrderStatus.CANCELED,
            "counts_toward_rate": counts,
        },
    )
    batch.events.append(event)
    batch.restocks.append((event, request.reason, by_listing))
    return event, by_listing.total()


def _item_data(item: OrderItem, quantity: int) -> dict[str, object]:
    return {
        "order_item_id": item.order_item_id,
        "sku": item.seller_sku,
        "title": item.title,
        "quantity": quantity,
    }


def _write(*, batch: _Batch) -> None:
    """Write what the accepted requests changed, in bulk: items, orders, events, the buyer
    emails, then stock with its ledger. The listings are locked last, when their quantities are
    read and written: they are shared by all of the seller's orders, so the shorter a batch
    holds them, the less other cancellations and feeds wait."""
    if not batch.events:
        return
    rows_update(OrderItem, batch.items.values(), ["quantity_cancelled"])
    rows_update(Order, batch.orders.values(), ["status", "last_update_date", "rate_cancelled"])
    rows_insert(OrderEvent, batch.events)
    outbound_emails_queue(events=batch.events, kind=OutboundEmail.Kind.ORDER_CANCELLED)
    rate_alert_check_queue(events=batch.events)
    cancelled_units_restock(cancellations=batch.restocks)


def cancelled_units_restock(*, cancellations: list[tuple[OrderEvent, str, Counter[int]]]) -> None:
    """Stock for cancelled units, by (cancellation event, reason, units by listing): returned to
    the listing, or for NoInventory the listing set to zero; a ledger row for each change. Call
    last in the cancellation's transaction, after its events are written."""
    listings = listings_lock(
        listing_ids=[listing_id for _, _, by_listing in cancellations for listing_id in by_listing]
    )
    ledger, changed = [], {}
    for event, reason, by_listing in cancellations:
        for listing_id in sorted(by_listing):
            listing = listings[listing_id]
            if restocks(reason):
                delta, cause = (
                    by_listing[listing_id],
                    InventoryLedgerEntry.Cause.CANCELLATION_RESTOCK,
                )
            else:
                delta = -listing.quantity
                cause = InventoryLedgerEntry.Cause.CANCELLATION_NO_INVENTORY
            listing.quantity += delta
            changed[listing_id] = listing
            ledger.append(
                InventoryLedgerEntry(
                    listing_id=listing_id,
                    delta=delta,
                    quantity_after=listing.quantity,
                    cause=cause,
                    order_id=event.order_id,
                    event_id=event.pk,
                )
            )
    rows_update(Listing, changed.values(), ["quantity"])
    rows_insert(InventoryLedgerEntry, ledger)


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
