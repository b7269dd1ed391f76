"""The one core that cancels units of an order's items, whoever cancels them: the seller (the
whole order or items, from a page, a selection, a file, a feed or the API), the buyer, or a
refund that cancels what cannot be shipped.

It works on rows that the caller locked (orders, then their items), in memory, one
cancellation after another, each checked against the state that the ones before it left;
`write` then stores the whole batch in bulk, the listings last."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.acting import acting_application_id
from sellerdesk.accounts.models import User
from sellerdesk.cancellations.stock import restock_change
from sellerdesk.catalog.services import listings_stock_change
from sellerdesk.core.bulk import rows_insert, rows_update
from sellerdesk.core.errors import ErrorCode, NothingToDo
from sellerdesk.feeds.models import Feed
from sellerdesk.metrics.alerts import rate_alert_check_queue
from sellerdesk.metrics.rules import counts_toward_rate
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.services import outbound_emails_queue
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus
from sellerdesk.orders.quantities import unshipped_units
from sellerdesk.orders.status import Action, derive_status, transition_check
from sellerdesk.webhooks.kinds import OrderChangeType
from sellerdesk.webhooks.order_change import OrderChange, order_changes_queue


@dataclass
class UnitCancellations:
    """The cancellations of one batch. `email` is the buyer email queued for each; None when
    the caller tells the buyer otherwise (a refund's email lists the units it cancelled)."""

    email: OutboundEmail.Kind | None
    items: dict[int, OrderItem] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    events: list[OrderEvent] = field(default_factory=list)
    restocks: list[tuple[OrderEvent, Counter[int]]] = field(default_factory=list)
    # Every item of each cancelled order, for the ORDER_CHANGE notification's summary.
    order_items: dict[int, list[OrderItem]] = field(default_factory=dict)

    def cancel(
        self,
        *,
        order: Order,
        items: list[OrderItem],
        quantities: Mapping[str, int | None] | None,
        action: Action,
        reason: str,
        memo: str,
        actor: User | None,
        source: str,
        feed: Feed | None = None,
        data: Mapping[str, object] | None = None,
    ) -> OrderEvent:
        """Cancel units of the locked order's items: every unshipped unit when `quantities` is
        None, else units by order item id (None: all of that item's unshipped units). Checks
        the transition and the quantities first and raises, changing nothing, if refused.
        Returns the cancellation's event."""
        transition_check(order=order, action=action)
        units = unshipped_units(order=order, items=items, quantities=quantities, action="cancel")
        if not any(units.values()):
            raise NothingToDo(
                _("Nothing left to cancel of these items; nothing was changed."),
                code=ErrorCode.ITEMS_ALREADY_CANCELLED,
            )
        cancelled, remaining, by_listing = [], [], Counter[int]()
        for item in items:
            count = units.get(item.order_item_id, 0)
            if count:
                item.quantity_cancelled += count
                self.items[item.pk] = item
                by_listing[item.listing_id] += count
                cancelled.append(_item_line(item, count))
            if item.quantity_unshipped:
                remaining.append(_item_line(item, item.quantity_unshipped))
        order.status = derive_status(payment_authorized=order.payment_authorized, items=items)
        counts = counts_toward_rate(order=order, reason=reason, source=source)
        order.rate_cancelled = order.rate_cancelled or counts
        self.changed(order)
        event = OrderEvent(
            order=order,
            seller_id=order.seller_id,
            application_id=acting_application_id(),
            kind=OrderEvent.Kind.CANCELLED,
            source=source,
            feed=feed,
            actor=actor,
            reason=reason,
            memo=memo,
            data={
                "items": cancelled,
                "remaining": remaining,
                "whole_order": order.status == OrderStatus.CANCELED,
                **(data or {}),
                "counts_toward_rate": counts,
            },
        )
        self.events.append(event)
        self.restocks.append((event, by_listing))
        self.order_items[order.pk] = items
        return event

    def changed(self, order: Order) -> None:
        """Write the order with the batch: cancelled here, or changed otherwise by the same
        transaction (a refund)."""
        order.last_update_date = timezone.now()
        self.orders[order.pk] = order

    def write(self) -> None:
        """Items, orders, events, the buyer emails, rate alerts and ORDER_CHANGE notifications,
        then the stock."""
        rows_update(OrderItem, self.items.values(), ["quantity_cancelled"])
        rows_update(Order, self.orders.values(), ["status", "last_update_date", "rate_cancelled"])
        if not self.events:
            return
        rows_insert(OrderEvent, self.events)
        if self.email is not None:
            outbound_emails_queue(events=self.events, kind=self.email)
        rate_alert_check_queue(events=self.events)
        order_changes_queue(
            [
                OrderChange(
                    order=event.order,
                    items=self.order_items[event.order.pk],
                    change_type=OrderChangeType.ORDER_STATUS_CHANGE,
                    reason=event.reason,
                    time=event.created_at,
                )
                for event in self.events
            ]
        )
        listings_stock_change(
            changes=[
                restock_change(
                    reason=event.reason,
                    listing_id=listing_id,
                    units=by_listing[listing_id],
                    order_id=event.order_id,
                    event_id=event.pk,
                )
                for event, by_listing in self.restocks
                for listing_id in sorted(by_listing)
            ]
        )


def _item_line(item: OrderItem, quantity: int) -> dict[str, object]:
    return {
        "order_item_id": item.order_item_id,
        "sku": item.seller_sku,
        "title": item.title,
        "quantity": quantity,
    }
