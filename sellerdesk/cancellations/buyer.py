"""The buyer's side of a cancellation, as the marketplace reports it: a request that the seller
cancel (SP-API's IsBuyerRequestedCancel, with the buyer's reason), and the buyer's own
cancellation within SELF_CANCEL_WINDOW of the purchase, which needs no seller.

Neither counts in the seller's cancellation rate: a self-cancellation never does, and an order
with a request does not when the seller cancels it with BuyerCanceled (metrics/rules.py)."""

import datetime
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import Cancellation, CancelRequest, orders_cancel
from sellerdesk.core.batches import sole
from sellerdesk.core.errors import (
    ErrorCode,
    InvalidInput,
    InvalidTransition,
    NothingToDo,
    OrderNotFound,
)
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.orders.services import order_event_record
from sellerdesk.orders.status import Action, transition_check
from sellerdesk.webhooks.kinds import OrderChangeType
from sellerdesk.webhooks.order_change import (
    BUYER_REQUESTED_CANCEL,
    OrderChange,
    order_changes_queue,
)

# The marketplace lets a buyer cancel alone for 30 minutes after the purchase, this moment
# included; after that the buyer can only ask the seller to cancel.
SELF_CANCEL_WINDOW = datetime.timedelta(minutes=30)
BUYER_CANCEL_REASON_MAX_LENGTH = Order._meta.get_field("buyer_cancel_reason").max_length or 100
# What remains after whitespace is folded: NUL and the like, which PostgreSQL refuses in text.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def buyer_cancel_reason_clean(reason: str) -> str:
    """The buyer's words on one line, or the error that refuses them."""
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(
            _("The buyer's reason for the cancellation is required."),
            code=ErrorCode.BUYER_CANCEL_REASON_REQUIRED,
        )
    if len(reason) > BUYER_CANCEL_REASON_MAX_LENGTH:
        raise InvalidInput(
            _("The buyer's reason is limited to %(limit)d characters.")
            % {"limit": BUYER_CANCEL_REASON_MAX_LENGTH},
            code=ErrorCode.BUYER_CANCEL_REASON_TOO_LONG,
        )
    if _CONTROL_CHARACTERS.search(reason):
        raise InvalidInput(
            _("The buyer's reason contains control characters."),
            code=ErrorCode.BUYER_CANCEL_REASON_INVALID,
        )
    return reason


def order_buyer_cancel_request(*, amazon_order_id: str, reason: str) -> Order:
    """Record that the buyer asked the seller to cancel the order, and why. Once per order; only
    before anything ships. Moves the order's LastUpdateDate, so that an integration polling
    getOrders by LastUpdatedAfter sees the request."""
    reason = buyer_cancel_reason_clean(reason)
    with transaction.atomic():
        order = _order_lock(amazon_order_id)
        if order.buyer_cancel_requested_at is not None:
            raise NothingToDo(
                _("The buyer already asked to cancel order %(order_id)s; nothing was changed.")
                % {"order_id": amazon_order_id},
                code=ErrorCode.CANCELLATION_ALREADY_REQUESTED,
            )
        transition_check(order=order, action=Action.BUYER_CANCEL_REQUEST)
        now = timezone.now()
        order.buyer_cancel_requested_at = now
        order.buyer_cancel_reason = reason
        order.last_update_date = now
        order.save(
            update_fields=["buyer_cancel_requested_at", "buyer_cancel_reason", "last_update_date"]
        )
        order_event_record(
            order=order,
            kind=OrderEvent.Kind.BUYER_CANCEL_REQUESTED,
            source=OrderEvent.Source.BUYER,
            data={"buyer_cancel_reason": reason},
        )
        order_changes_queue(
            [
                OrderChange(
                    order=order,
                    items=list(order.items.all()),
                    change_type=OrderChangeType.BUYER_REQUESTED_CHANGE,
                    reason=BUYER_REQUESTED_CANCEL,
                    time=now,
                )
            ]
        )
    return order


def order_buyer_self_cancel(
    *, amazon_order_id: str, now: datetime.datetime | None = None
) -> Cancellation:
    """The buyer cancels the whole order, within SELF_CANCEL_WINDOW of the purchase and before
    anything ships. A cancellation like the seller's (stock returned, the buyer emailed in the
    buyer's language), with reason BuyerCanceled and source Buyer: it does not count in the
    seller's cancellation rate."""
    with transaction.atomic():
        # Locked here, and again (the same rows, the same transaction) by orders_cancel: the
        # checks below and the cancellation see one state of the order.
        order = _order_lock(amazon_order_id)
        transition_check(order=order, action=Action.BUYER_CANCEL)
        moment = now or timezone.now()
        if moment > order.purchase_date + SELF_CANCEL_WINDOW:
            raise InvalidTransition(
                _(
                    "Order %(order_id)s was placed more than %(minutes)d minutes ago: the buyer"
                    " can no longer cancel it alone. Request the cancellation from the seller"
                    " instead."
                )
                % {
                    "order_id": amazon_order_id,
                    "minutes": SELF_CANCEL_WINDOW // datetime.timedelta(minutes=1),
                },
                code=ErrorCode.SELF_CANCEL_WINDOW_PASSED,
            )
        request = CancelRequest(amazon_order_id=amazon_order_id, reason=CancelReason.BUYER_CANCELED)
        outcomes = orders_cancel(
            seller=order.seller, requests=[request], actor=None, source=OrderEvent.Source.BUYER
        )
        return Cancellation.of(sole(outcomes))


def _order_lock(amazon_order_id: str) -> Order:
    """The marketplace acts for the buyer: any seller's order, by its id."""
    order = Order.objects.select_for_update().filter(amazon_order_id=amazon_order_id).first()
    if order is None:
        raise OrderNotFound(amazon_order_id)
    return order
