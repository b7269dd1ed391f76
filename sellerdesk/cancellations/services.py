"""Cancel orders, whole or some items: lock, check, write, in one transaction, with an event per
order and one buyer email per cancellation.

`orders_cancel` is the one implementation: the page cancels a batch of one, a selection, a file
or a feed cancel batches of hundreds. Each request is checked on its own against the locked
rows; a refused request changes nothing, the others are written together."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Seller, User
from sellerdesk.cancellations.reasons import ALL_REASONS
from sellerdesk.cancellations.units import UnitCancellations
from sellerdesk.core.batches import Accepted, Outcome, requests_judge, sole
from sellerdesk.core.errors import ErrorCode, InvalidInput
from sellerdesk.feeds.models import Feed
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.locks import locked_order, order_items_lock, orders_lock
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.status import Action

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


@dataclass(frozen=True)
class Cancellation:
    order: Order
    event: OrderEvent

    @property
    def units(self) -> int:
        return sum(line["quantity"] for line in self.event.data["items"])

    @classmethod
    def of(cls, outcome: Outcome[CancelRequest]) -> "Cancellation":
        """The cancellation of an accepted request: its one event."""
        (event,) = outcome.events
        return cls(order=event.order, event=event)


def cancellation_validate(*, reason: str, memo: str) -> str:
    """Check what the seller typed; returns the cleaned memo."""
    if not reason:
        raise InvalidInput(
            _("Choose a reason for the cancellation."), code=ErrorCode.REASON_REQUIRED
        )
    if reason not in ALL_REASONS:
        raise InvalidInput(
            _("Unknown cancellation reason: %(reason)s.") % {"reason": reason},
            code=ErrorCode.INVALID_REASON,
        )
    return memo_clean(memo)


def memo_clean(memo: str) -> str:
    """The seller's private memo of a cancellation or a refund, or the error that refuses it."""
    memo = memo.strip()
    if len(memo) > MEMO_MAX_LENGTH:
        raise InvalidInput(
            _("The seller memo is limited to %(limit)d characters.") % {"limit": MEMO_MAX_LENGTH},
            code=ErrorCode.MEMO_TOO_LONG,
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
    return Cancellation.of(
        sole(orders_cancel(seller=seller, requests=[request], actor=actor, source=source))
    )


def orders_cancel(
    *,
    seller: Seller,
    requests: Sequence[CancelRequest],
    actor: User | None,
    source: str,
    feed: Feed | None = None,
) -> list[Outcome[CancelRequest]]:
    """Cancel many orders in one transaction. Locks orders, then their items, then the
    listings, each in primary-key order, so that concurrent batches cannot deadlock."""
    # The buyer's own cancellation (buyer.py) comes this way too, under the buyer's rule.
    action = Action.BUYER_CANCEL if source == OrderEvent.Source.BUYER else Action.CANCEL
    with transaction.atomic():
        orders = orders_lock(seller=seller, order_ids={r.amazon_order_id for r in requests})
        # The amounts are never read here, and a decimal costs to convert on SQLite.
        items_by_order = order_items_lock(orders=orders.values(), defer=_ITEM_AMOUNTS)
        batch = UnitCancellations(email=OutboundEmail.Kind.ORDER_CANCELLED)

        def cancel(request: CancelRequest) -> Accepted:
            order = locked_order(orders, request.amazon_order_id)
            memo = cancellation_validate(reason=request.reason, memo=request.memo)
            event = batch.cancel(
                order=order,
                items=items_by_order.get(order.pk, []),
                quantities=request.quantities,
                action=action,
                reason=request.reason,
                memo=memo,
                actor=actor,
                source=source,
                feed=feed,
            )
            return Accepted(events=(event,))

        outcomes = requests_judge(requests, cancel)
        batch.write()
    return outcomes
