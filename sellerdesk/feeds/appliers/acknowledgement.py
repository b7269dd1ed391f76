"""Order acknowledgements, from the XML feed or the Order Cancellation file: a Failure cancels
the order or the items it names, a Success records the seller's acknowledgement."""

from collections.abc import Sequence

from sellerdesk.cancellations.reasons import restocks
from sellerdesk.cancellations.services import CancelRequest, orders_cancel
from sellerdesk.feeds.appliers.batch import Applied, Positioned, cancellations_of, event_source
from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.records import SUCCESS, Acknowledgement
from sellerdesk.feeds.results import feed_result, outcome_results
from sellerdesk.orders.acknowledgements import AcknowledgeRequest, orders_acknowledge

DEFAULT_REASON = "GeneralAdjustment"


def acknowledgements_apply(
    *, feed: Feed, messages: Sequence[Positioned[Acknowledgement]]
) -> Applied:
    results: list[FeedResult] = []
    cancels: list[Positioned[Acknowledgement]] = []
    requests: list[CancelRequest] = []
    acknowledgements: list[Positioned[Acknowledgement]] = []
    for position, record in messages:
        if record.status == SUCCESS:
            acknowledgements.append((position, record))
            continue
        request, warning = _cancel_request(feed=feed, record=record)
        if warning:
            results.append(
                feed_result(
                    feed,
                    position,
                    record.message_id,
                    MessageProblem.DEFAULT_REASON_USED,
                    warning,
                    record.amazon_order_id,
                )
            )
        cancels.append((position, record))
        requests.append(request)
    outcomes = orders_cancel(
        seller=feed.seller,
        requests=requests,
        actor=feed.created_by,
        source=event_source(feed),
        feed=feed,
    )
    acknowledged = orders_acknowledge(
        seller=feed.seller,
        requests=[
            AcknowledgeRequest(
                amazon_order_id=record.amazon_order_id,
                merchant_order_id=record.merchant_order_id or "",
            )
            for _, record in acknowledgements
        ],
        actor=feed.created_by,
        feed=feed,
    )
    for (position, record), outcome in zip(
        [*cancels, *acknowledgements], [*outcomes, *acknowledged], strict=True
    ):
        results.extend(
            outcome_results(feed, position, record.message_id, outcome, record.amazon_order_id)
        )
    return Applied(results=results, cancellations=cancellations_of(outcomes))


def acknowledgement_empties_stock(feed: Feed, record: Acknowledgement) -> bool:
    """Whether the acknowledgement may cancel with a reason that does not restock (NoInventory
    sets its listings to zero rather than adding to them)."""
    if record.status == SUCCESS:
        return False
    chosen = feed.options.get("reason")
    reasons = {chosen} if chosen else {record.reason, *(item.reason for item in record.items)}
    return any(reason and not restocks(reason) for reason in reasons)


def _cancel_request(*, feed: Feed, record: Acknowledgement) -> tuple[CancelRequest, str]:
    """The cancellation an acknowledgement asks for; a warning when it names no reason."""
    reasons = {item.reason for item in record.items if item.reason} | (
        {record.reason} if record.reason else set()
    )
    reason = feed.options.get("reason") or (reasons.pop() if len(reasons) == 1 else "")
    warning = ""
    if not reason and not reasons:
        reason = DEFAULT_REASON
        warning = f"No CancelReason given; cancelled with {DEFAULT_REASON}."
    elif len(reasons) > 1:
        reason = "|".join(sorted(reasons))  # refused by the service as an invalid reason
    quantities = None
    if record.items:
        quantities = {item.order_item_id: item.quantity for item in record.items}
    return (
        CancelRequest(
            amazon_order_id=record.amazon_order_id,
            reason=reason,
            memo=feed.options.get("memo", ""),
            quantities=quantities,
        ),
        warning,
    )
