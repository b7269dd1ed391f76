"""Order adjustments, from the XML feed or the flat file: refunds of charged orders, cancelling
the units that cannot be shipped."""

from collections.abc import Sequence

from sellerdesk.feeds.appliers.batch import Applied, Positioned, event_source
from sellerdesk.feeds.codes import PROBLEMS, MessageProblem
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.adjustment import Adjustment
from sellerdesk.feeds.results import feed_result
from sellerdesk.refunds.adjustments import AdjustmentOutcome, AdjustmentRequest, orders_adjust


def adjustments_apply(*, feed: Feed, messages: Sequence[Positioned[Adjustment]]) -> Applied:
    outcomes = orders_adjust(
        seller=feed.seller,
        requests=[
            AdjustmentRequest(
                amazon_order_id=record.amazon_order_id,
                items=record.items,
                memo=feed.options.get("memo", ""),
            )
            for _, record in messages
        ],
        actor=feed.created_by,
        source=event_source(feed),
    )
    results: list[FeedResult] = []
    for (position, adjustment), outcome in zip(messages, outcomes, strict=True):
        results.extend(_adjustment_results(feed, position, adjustment, outcome))
    return Applied(
        results=results, cancellations=[event for o in outcomes for event in o.cancellations]
    )


def _adjustment_results(
    feed: Feed, position: int, record: Adjustment, outcome: AdjustmentOutcome
) -> list[FeedResult]:
    if outcome.error is not None:
        item_id = outcome.error.details.get("order_item_id")
        return [
            feed_result(
                feed,
                position,
                record.message_id,
                PROBLEMS[outcome.error.code],
                outcome.error.message,
                record.amazon_order_id,
                item_id if isinstance(item_id, str) else None,
            )
        ]
    return [
        feed_result(
            feed,
            position,
            record.message_id,
            MessageProblem.ADJUSTMENT_ALREADY_APPLIED,
            f"MerchantAdjustmentItemID {item.merchant_adjustment_item_id} was already applied; "
            "that item was not refunded again.",
            record.amazon_order_id,
            item.order_item_id,
        )
        for item in outcome.repeated
    ]
