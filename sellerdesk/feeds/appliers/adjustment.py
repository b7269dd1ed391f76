"""Order adjustments, from the XML feed or the flat file: refunds of charged orders, cancelling
the units that cannot be shipped."""

from collections.abc import Sequence

from sellerdesk.cancellations.reasons import restocks
from sellerdesk.feeds.appliers.batch import Applied, Positioned, cancellations_of, event_source
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.adjustment import Adjustment
from sellerdesk.feeds.results import outcome_results
from sellerdesk.refunds.adjustments import AdjustmentRequest, orders_adjust
from sellerdesk.refunds.reasons import CANCELLING_REASONS, AdjustmentReason


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
        feed=feed,
    )
    results: list[FeedResult] = []
    for (position, record), outcome in zip(messages, outcomes, strict=True):
        results.extend(
            outcome_results(feed, position, record.message_id, outcome, record.amazon_order_id)
        )
    return Applied(results=results, cancellations=cancellations_of(outcomes))


def adjustment_empties_stock(feed: Feed, record: Adjustment) -> bool:
    """Whether the adjustment cancels units with a reason that does not restock (NoInventory
    sets its listings to zero rather than adding to them)."""
    return any(
        item.quantity_cancelled
        and item.reason in AdjustmentReason.values
        and not restocks(CANCELLING_REASONS.get(AdjustmentReason(item.reason), ""))
        for item in record.items
    )
