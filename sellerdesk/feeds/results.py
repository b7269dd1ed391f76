"""The result rows of a feed's messages: which codes are warnings, one FeedResult for one
problem of one message, and the rows of a message's outcome from a batch service. Shared by
every applier; which service error is which ResultMessageCode is feeds.codes.PROBLEMS."""

from sellerdesk.core.batches import Outcome
from sellerdesk.feeds.codes import PROBLEMS, MessageProblem
from sellerdesk.feeds.models import Feed, FeedResult

WARNINGS = frozenset(
    {
        MessageProblem.ALREADY_CANCELLED,
        MessageProblem.DEFAULT_REASON_USED,
        MessageProblem.ADJUSTMENT_ALREADY_APPLIED,
        MessageProblem.VALUE_IGNORED,
    }
)


def feed_result(
    feed: Feed,
    position: int,
    message_id: int,
    code: MessageProblem,
    description: str,
    amazon_order_id: str | None = None,
    order_item_id: str | None = None,
    sku: str | None = None,
) -> FeedResult:
    return FeedResult(
        feed=feed,
        position=position,
        message_id=message_id,
        result_code="Warning" if code in WARNINGS else "Error",
        message_code=int(code),
        description=description,
        amazon_order_id=amazon_order_id or "",
        order_item_id=order_item_id or "",
        sku=sku or "",
    )


def outcome_results(
    feed: Feed,
    position: int,
    message_id: int,
    outcome: Outcome[object],
    amazon_order_id: str | None = None,
    sku: str | None = None,
) -> list[FeedResult]:
    """The rows of one message's outcome: the error that refused it, else the warnings it
    carries, each naming the item it concerns when there is one."""
    problems = (outcome.error,) if outcome.error is not None else outcome.warnings
    rows = []
    for problem in problems:
        item_id = problem.details.get("order_item_id")
        rows.append(
            feed_result(
                feed,
                position,
                message_id,
                PROBLEMS[problem.code],
                problem.message,
                amazon_order_id,
                item_id if isinstance(item_id, str) else None,
                sku,
            )
        )
    return rows
