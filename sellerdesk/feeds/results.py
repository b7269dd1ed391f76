"""The result rows of a feed's messages: which service error is which ResultMessageCode, which
codes are warnings, and one FeedResult for one problem of one message. Shared by every applier."""

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.models import Feed, FeedResult

PROBLEMS = {
    "order_not_found": MessageProblem.ORDER_NOT_FOUND,
    "invalid_reason": MessageProblem.INVALID_REASON,
    "reason_required": MessageProblem.MISSING_REASON,
    "memo_too_long": MessageProblem.INVALID_MESSAGE,
    "already_cancelled": MessageProblem.ALREADY_CANCELLED,
    "items_already_cancelled": MessageProblem.ALREADY_CANCELLED,
    "cannot_cancel_pending": MessageProblem.ORDER_PENDING,
    "cannot_cancel_shipped": MessageProblem.ORDER_SHIPPED,
    "cannot_cancel_partiallyshipped": MessageProblem.ORDER_SHIPPED,
    "unknown_item": MessageProblem.ITEM_NOT_IN_ORDER,
    "quantity_above_unshipped": MessageProblem.QUANTITY_ABOVE_UNSHIPPED,
    "invalid_quantity": MessageProblem.INVALID_QUANTITY,
    "order_cancelled": MessageProblem.ORDER_CANCELLED,
    "nothing_to_ship": MessageProblem.INVALID_QUANTITY,
    "order_not_charged": MessageProblem.ORDER_NOT_CHARGED,
    "wrong_currency": MessageProblem.WRONG_CURRENCY,
    "invalid_amount": MessageProblem.INVALID_AMOUNT,
    "refund_above_charged": MessageProblem.REFUND_ABOVE_CHARGED,
    "not_a_credit": MessageProblem.NOT_A_CREDIT,
    "adjustment_already_applied": MessageProblem.ADJUSTMENT_ALREADY_APPLIED,
    "adjustment_id_reused": MessageProblem.ADJUSTMENT_ID_REUSED,
    "invalid_adjustment_reason": MessageProblem.INVALID_ADJUSTMENT_REASON,
    "sku_not_found": MessageProblem.SKU_NOT_FOUND,
    "invalid_stock_quantity": MessageProblem.INVALID_STOCK_QUANTITY,
    "invalid_price": MessageProblem.INVALID_PRICE,
}
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
