"""The price and quantity inventory file: each row sets its listing's price, quantity or both."""

from collections.abc import Sequence

from sellerdesk.catalog.services import listings_update
from sellerdesk.feeds.appliers.batch import Applied, Positioned
from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.inventory_file import InventoryUpdate
from sellerdesk.feeds.results import feed_result, outcome_results


def inventory_apply(*, feed: Feed, messages: Sequence[Positioned[InventoryUpdate]]) -> Applied:
    outcomes = listings_update(
        seller=feed.seller, updates=[record.update for _, record in messages], feed_id=feed.pk
    )
    results: list[FeedResult] = []
    for (position, record), outcome in zip(messages, outcomes, strict=True):
        sku = record.update.sku
        results.extend(outcome_results(feed, position, record.message_id, outcome, sku=sku))
        if outcome.error is None and record.ignored:
            description = (
                f"{', '.join(record.ignored)}: Seller Desk does not keep these values, so they "
                "were left aside; the row's price and quantity were applied."
            )
            results.append(
                feed_result(
                    feed,
                    position,
                    record.message_id,
                    MessageProblem.VALUE_IGNORED,
                    description,
                    sku=sku,
                )
            )
    return Applied(results=results)
