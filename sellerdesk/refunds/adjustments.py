"""Refund what cannot be shipped: adjust charged orders, item by item. Lock, check, write, in one
transaction, with the order's events, the refund ledger rows and one buyer email per adjustment.

`orders_adjust` is the one implementation: the refund form adjusts a batch of one, the Order
Adjustment feeds batches of hundreds. Each request is checked on its own against the locked rows
(and the refunds before it); a refused request changes nothing, the others are written together.

Rules, per request (one feed message, one submitted form):
- the order must be charged: before the first shipment confirmation nothing was paid, so there
  is nothing to refund; unshipped units are cancelled instead (docs/refunds.md says why
  Seller Desk refuses rather than holds such adjustments);
- for each item and price component, all refunds together never exceed what the buyer was
  charged for it (its ChargedItem: nothing of units cancelled before the charge); a
  restocking fee is deducted, and the request's net is a credit to the buyer;
- units cancelled (QuantityCancelled) need NoInventory or CustomerCancel and may not exceed
  what is unshipped; they are cancelled like any item cancellation: an event, the stock;
- a MerchantAdjustmentItemID already applied to the same item is reported and skipped, so the
  same adjustment sent twice refunds once."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from sellerdesk.accounts.acting import acting_application_id
from sellerdesk.accounts.models import Seller, User
from sellerdesk.cancellations.services import memo_clean
from sellerdesk.cancellations.units import UnitCancellations
from sellerdesk.core.batches import Accepted, Outcome, requests_judge, sole
from sellerdesk.core.bulk import rows_insert
from sellerdesk.core.errors import (
    ApplicationError,
    ErrorCode,
    InvalidInput,
    InvalidTransition,
    NothingToDo,
)
from sellerdesk.feeds.models import Feed
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.services import outbound_emails_queue
from sellerdesk.orders.locks import locked_order, order_items_lock, orders_lock
from sellerdesk.orders.models import Order, OrderEvent, OrderItem
from sellerdesk.orders.status import Action
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.models import Charge, Refund
from sellerdesk.refunds.reasons import (
    ADJUSTMENT_REASONS,
    CANCELLING_REASONS,
    AdjustmentReason,
)
from sellerdesk.refunds.selectors import (
    AMOUNT_FIELDS,
    charged_by_item,
    refundable,
    refunded_by_item,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AdjustmentRequest:
    amazon_order_id: str
    items: tuple[AdjustedItem, ...]
    memo: str = ""


@dataclass(frozen=True)
class Adjustment:
    event: OrderEvent  # the refund's
    cancellations: tuple[OrderEvent, ...]  # of the units it cancelled

    @classmethod
    def of(cls, outcome: Outcome[AdjustmentRequest]) -> "Adjustment":
        """The adjustment of an accepted request: its cancellations come first, the refund
        last (`_apply`)."""
        *cancellations, event = outcome.events
        return cls(event=event, cancellations=tuple(cancellations))


@dataclass
class _Batch:
    """What the accepted requests of one call will write, and the running totals that later
    requests are checked against."""

    cancellations: UnitCancellations
    charged: dict[int, dict[str, Decimal]]  # item pk -> field: what the charge took of it
    refund_events: list[OrderEvent] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    refunded: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # item pk -> field
    adjustment_ids: dict[str, int] = field(default_factory=dict)  # id -> order item pk


def order_adjust(
    *,
    seller: Seller,
    amazon_order_id: str,
    items: Sequence[AdjustedItem],
    actor: User | None,
    memo: str = "",
    source: str = OrderEvent.Source.WEB,
) -> Adjustment:
    """Adjust one order and raise what refused it."""
    request = AdjustmentRequest(amazon_order_id=amazon_order_id, items=tuple(items), memo=memo)
    return Adjustment.of(
        sole(orders_adjust(seller=seller, requests=[request], actor=actor, source=source))
    )


def orders_adjust(
    *,
    seller: Seller,
    requests: Sequence[AdjustmentRequest],
    actor: User | None,
    source: str,
    feed: Feed | None = None,
) -> list[Outcome[AdjustmentRequest]]:
    """Adjust many orders in one transaction. Locks orders, then their items, then the
    listings of cancelled units, each in primary-key order, as cancellations do."""
    with transaction.atomic():
        orders = orders_lock(seller=seller, order_ids={r.amazon_order_id for r in requests})
        items_by_order = order_items_lock(orders=orders.values())
        charged = set(
            Charge.objects.filter(order__in=[o.pk for o in orders.values()]).values_list(
                "order_id", flat=True
            )
        )
        batch = _Batch(
            # The refund's own email tells the buyer of the units it cancelled.
            cancellations=UnitCancellations(email=None),
            charged=charged_by_item(items_by_order),
            refunded=refunded_by_item(items_by_order),
            adjustment_ids=_adjustment_ids(seller=seller, requests=requests),
        )

        def adjust(request: AdjustmentRequest) -> Accepted:
            order = locked_order(orders, request.amazon_order_id)
            if order.pk not in charged:
                raise InvalidTransition(
                    _(
                        "Order %(order_id)s has not been charged yet: the buyer pays at the "
                        "first shipment confirmation, so there is nothing to refund. Cancel "
                        "the units you cannot ship instead."
                    )
                    % {"order_id": order.amazon_order_id},
                    code=ErrorCode.ORDER_NOT_CHARGED,
                    status=order.status,
                )
            return _adjust_one(
                order=order,
                items=items_by_order.get(order.pk, []),
                request=request,
                actor=actor,
                source=source,
                feed=feed,
                batch=batch,
            )

        outcomes = requests_judge(requests, adjust)
        _write(batch=batch)
    return outcomes


def _adjustment_ids(*, seller: Seller, requests: Sequence[AdjustmentRequest]) -> dict[str, int]:
    wanted = {
        item.merchant_adjustment_item_id
        for request in requests
        for item in request.items
        if item.merchant_adjustment_item_id
    }
    if not wanted:
        return {}
    return dict(
        Refund.objects.filter(seller=seller, merchant_adjustment_item_id__in=wanted).values_list(
            "merchant_adjustment_item_id", "order_item_id"
        )
    )


def _adjust_one(
    *,
    order: Order,
    items: list[OrderItem],
    request: AdjustmentRequest,
    actor: User | None,
    source: str,
    feed: Feed | None,
    batch: _Batch,
) -> Accepted:
    """Check one request against the locked rows (as changed by earlier requests of the batch)
    and apply it in memory. Raises before touching anything if it is refused; an item applied
    before is left aside with a warning."""
    memo = memo_clean(request.memo)
    if not request.items:
        raise InvalidInput(
            _("Choose at least one item to refund."), code=ErrorCode.NOTHING_TO_ADJUST
        )
    by_id = {item.order_item_id: item for item in items}
    new, repeated = [], []
    seen: set[str] = set()
    for line in request.items:
        item = by_id.get(line.order_item_id)
        if item is None:
            raise InvalidInput(
                _("Item %(item)s is not an item of order %(order_id)s.")
                % {"item": line.order_item_id, "order_id": order.amazon_order_id},
                code=ErrorCode.UNKNOWN_ITEM,
            )
        if line.order_item_id in seen:
            raise InvalidInput(
                _("Item %(item)s is adjusted twice in one adjustment.")
                % {"item": line.order_item_id},
                code=ErrorCode.DUPLICATE_ITEM,
            )
        seen.add(line.order_item_id)
        if _is_repeat(line=line, item=item, batch=batch):
            repeated.append(line)
        else:
            try:
                _check_line(line=line, item=item, order=order, batch=batch)
            except ApplicationError as error:
                error.details.setdefault("order_item_id", line.order_item_id)
                raise
            new.append((line, item))
    if not new:
        raise NothingToDo(
            _("This adjustment was already applied; nothing was changed."),
            code=ErrorCode.ADJUSTMENT_ALREADY_APPLIED,
        )
    net = sum((line.net for line, _item in new), ZERO)
    if net <= 0:
        raise InvalidInput(
            _(
                "The adjustment's net is %(net)s %(currency)s: an adjustment must be a credit to "
                "the buyer."
            )
            % {"net": net, "currency": order.currency},
            code=ErrorCode.NOT_A_CREDIT,
        )
    event, cancellations = _apply(order, items, new, memo, net, actor, source, feed, batch)
    return Accepted(
        events=(*cancellations, event), warnings=tuple(_already_applied(line) for line in repeated)
    )


def _is_repeat(*, line: AdjustedItem, item: OrderItem, batch: _Batch) -> bool:
    key = line.merchant_adjustment_item_id
    if not key or key not in batch.adjustment_ids:
        return False
    if batch.adjustment_ids[key] != item.pk:
        raise InvalidInput(
            _(
                "MerchantAdjustmentItemID %(id)s was already used for another item; "
                "give each adjustment its own id."
            )
            % {"id": key},
            code=ErrorCode.ADJUSTMENT_ID_REUSED,
        )
    return True


def _already_applied(line: AdjustedItem) -> NothingToDo:
    return NothingToDo(
        _("MerchantAdjustmentItemID %(id)s was already applied; that item was not refunded again.")
        % {"id": line.merchant_adjustment_item_id},
        code=ErrorCode.ADJUSTMENT_ALREADY_APPLIED,
        order_item_id=line.order_item_id,
    )


def _check_line(*, line: AdjustedItem, item: OrderItem, order: Order, batch: _Batch) -> None:
    where = {"item": line.order_item_id}
    if line.reason not in ADJUSTMENT_REASONS:
        raise InvalidInput(
            _("Item %(item)s: %(reason)s is not an adjustment reason.")
            % {**where, "reason": line.reason},
            code=ErrorCode.INVALID_ADJUSTMENT_REASON,
        )
    if line.currency and line.currency != order.currency:
        raise InvalidInput(
            _("Item %(item)s: the amounts are in %(given)s but the order is in %(currency)s.")
            % {**where, "given": line.currency, "currency": order.currency},
            code=ErrorCode.WRONG_CURRENCY,
        )
    amounts = {name: getattr(line, name) for name in AMOUNT_FIELDS.values()}
    amounts["restocking_fee"] = line.restocking_fee
    for amount in amounts.values():
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise InvalidInput(
                _("Item %(item)s: %(amount)s is not an amount of two decimals, zero or more.")
                % {**where, "amount": amount},
                code=ErrorCode.INVALID_AMOUNT,
            )
    if line.quantity_cancelled < 0:
        raise InvalidInput(_("Quantities cannot be negative."), code=ErrorCode.INVALID_QUANTITY)
    if line.quantity_cancelled and line.reason not in CANCELLING_REASONS:
        raise InvalidInput(
            _(
                "Item %(item)s: units are cancelled only with NoInventory or CustomerCancel, "
                "not %(reason)s."
            )
            % {**where, "reason": line.reason},
            code=ErrorCode.INVALID_ADJUSTMENT_REASON,
        )
    if line.quantity_cancelled > item.quantity_unshipped:
        raise InvalidInput(
            _("Item %(item)s: %(count)d to cancel but only %(unshipped)d unshipped.")
            % {**where, "count": line.quantity_cancelled, "unshipped": item.quantity_unshipped},
            code=ErrorCode.QUANTITY_ABOVE_UNSHIPPED,
        )
    if not line.quantity_cancelled and not line.refunded and not line.restocking_fee:
        raise InvalidInput(
            _("Item %(item)s: nothing to refund or cancel.") % where,
            code=ErrorCode.NOTHING_TO_ADJUST,
        )
    left = refundable(batch.charged.get(item.pk, {}), batch.refunded.get(item.pk, {}))
    for component, name in AMOUNT_FIELDS.items():
        if amounts[name] > left[name]:
            raise InvalidInput(
                _(
                    "Item %(item)s: a %(component)s refund of %(amount)s %(currency)s is more than "
                    "the %(left)s %(currency)s left to refund of it."
                )
                % {
                    **where,
                    "component": component.value,
                    "amount": amounts[name],
                    "left": left[name],
                    "currency": order.currency,
                },
                code=ErrorCode.REFUND_ABOVE_CHARGED,
                component=component.value,
            )


def _apply(
    order: Order,
    items: list[OrderItem],
    new: list[tuple[AdjustedItem, OrderItem]],
    memo: str,
    net: Decimal,
    actor: User | None,
    source: str,
    feed: Feed | None,
    batch: _Batch,
) -> tuple[OrderEvent, list[OrderEvent]]:
    # Units cancelled, by the cancellation reason they stand for: one cancellation each. They
    # are applied first, so that nothing of the request is applied if one were refused; the
    # lines were checked against what is unshipped already, so none is.
    cancelled: dict[str, dict[str, int | None]] = {}
    for line, item in new:
        if line.quantity_cancelled:
            reason = CANCELLING_REASONS[AdjustmentReason(line.reason)]
            cancelled.setdefault(reason, {})[item.order_item_id] = line.quantity_cancelled
    cancellations = [
        batch.cancellations.cancel(
            order=order,
            items=items,
            quantities=quantities,
            action=Action.REFUND_CANCEL,
            reason=reason,
            memo=memo,
            actor=actor,
            source=source,
            feed=feed,
            data={"by_adjustment": True},
        )
        for reason, quantities in cancelled.items()
    ]
    for line, item in new:
        totals = batch.refunded.setdefault(item.pk, {})
        for name in AMOUNT_FIELDS.values():
            totals[name] = totals.get(name, ZERO) + getattr(line, name)
        if line.merchant_adjustment_item_id:
            batch.adjustment_ids[line.merchant_adjustment_item_id] = item.pk
    batch.cancellations.changed(order)
    line_reasons = {line.reason for line, _item in new}
    event = OrderEvent(
        order=order,
        seller_id=order.seller_id,
        application_id=acting_application_id(),
        kind=OrderEvent.Kind.REFUNDED,
        source=source,
        feed=feed,
        actor=actor,
        reason=line_reasons.pop() if len(line_reasons) == 1 else "",
        memo=memo,
        data={
            "items": [_refund_data(line, item) for line, item in new],
            "total": str(net),
            "currency": order.currency,
        },
    )
    batch.refund_events.append(event)
    batch.refunds.extend(
        Refund(
            seller_id=order.seller_id,
            order=order,
            order_item=item,
            event=event,
            reason=line.reason,
            quantity_cancelled=line.quantity_cancelled,
            principal=line.principal,
            shipping=line.shipping,
            tax=line.tax,
            shipping_tax=line.shipping_tax,
            restocking_fee=line.restocking_fee,
            amount=line.net,
            currency=order.currency,
            merchant_adjustment_item_id=line.merchant_adjustment_item_id or "",
        )
        for line, item in new
    )
    return event, cancellations


def _refund_data(line: AdjustedItem, item: OrderItem) -> dict[str, object]:
    return {
        "order_item_id": item.order_item_id,
        "sku": item.seller_sku,
        "title": item.title,
        "reason": line.reason,
        "quantity_cancelled": line.quantity_cancelled,
        **{name: str(getattr(line, name)) for name in AMOUNT_FIELDS.values()},
        "restocking_fee": str(line.restocking_fee),
        "amount": str(line.net),
    }


def _write(*, batch: _Batch) -> None:
    """Write what the accepted requests changed, in bulk: the cancellations (items, orders,
    events, stock), then the refund events, the refund ledger and the buyer emails."""
    if not batch.refund_events:
        return
    batch.cancellations.write()
    rows_insert(OrderEvent, batch.refund_events)
    rows_insert(Refund, batch.refunds)
    outbound_emails_queue(events=batch.refund_events, kind=OutboundEmail.Kind.REFUND_ISSUED)
