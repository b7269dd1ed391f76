"""The result rows of a feed's messages: which codes are warnings, and one FeedResult for one
problem of one message. Shared by every applier; which service error is which ResultMessageCode
is feeds.codes.PROBLEMS."""

from sellerdesk.feeds.codes import MessageProblem
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
