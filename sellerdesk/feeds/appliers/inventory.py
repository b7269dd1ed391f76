"""The price and quantity inventory file: each row sets its listing's price, quantity or both."""

from collections.abc import Sequence

from sellerdesk.catalog.services import listings_update
from sellerdesk.core.errors import ApplicationError
from sellerdesk.feeds.appliers.batch import Applied, Positioned
from sellerdesk.feeds.codes import PROBLEMS, MessageProblem
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.feeds.parsers.inventory_file import InventoryUpdate
from sellerdesk.feeds.results import feed_result


def inventory_apply(*, feed: Feed, messages: Sequence[Positioned[InventoryUpdate]]) -> Applied:
    errors = listings_update(
        seller=feed.seller, updates=[record.update for _, record in messages], feed_id=feed.pk
    )
    results: list[FeedResult] = []
    for (position, update), error in zip(messages, errors, strict=True):
        results.extend(_inventory_results(feed, position, update, error))
    return Applied(results=results)


def _inventory_results(
    feed: Feed, position: int, record: InventoryUpdate, error: ApplicationError | None
) -> list[FeedResult]:
    sku = record.update.sku
    if error is not None:
        code = PROBLEMS[error.code]
        return [feed_result(feed, position, record.message_id, code, error.message, sku=sku)]
    if not record.ignored:
        return []
    description = (
        f"{', '.join(record.ignored)}: Seller Desk does not keep these values, so they were "
        "left aside; the row's price and quantity were applied."
    )
    return [
        feed_result(
            feed, position, record.message_id, MessageProblem.VALUE_IGNORED, description, sku=sku
        )
    ]
