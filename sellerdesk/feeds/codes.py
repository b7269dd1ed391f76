"""ResultMessageCode values of processing reports. Stable: integrations key on them, and
docs/feed-result-codes.md documents each one. Never renumber; add new codes at the end."""

from collections.abc import Mapping
from enum import IntEnum

from sellerdesk.core.errors import ErrorCode


class FileProblem(IntEnum):
    """Whole-file errors: the feed ends FATAL and nothing in it is applied."""

    MALFORMED = 5000  # XML not well-formed or truncated
    EMPTY = 5001  # no bytes, or no message at all
    WRONG_MESSAGE_TYPE = 5002  # envelope MessageType is not the feed type's
    FORBIDDEN_MARKUP = 5003  # DTD, entity declaration or processing instruction that could expand
    UNREADABLE_TEXT = 5004  # binary data, or text neither UTF-8 nor Windows-1252
    BAD_HEADER = 5005  # flat file: missing or unknown columns
    TOO_LARGE = 5006  # over the documented size limit
    WRONG_ENVELOPE = 5007  # root element is not AmazonEnvelope, or Header is missing
    PROCESSING_INTERRUPTED = 5008  # the worker died or failed MAX_RUNS times; the rest not applied
    NESTED_TOO_DEEP = 5009  # XML elements nested deeper than the reader's MAX_DEPTH (32)
    PERMISSION_WITHDRAWN = 5010  # its submitter lost the permission (or was removed) before it ran


class MessageProblem(IntEnum):
    """Per-message results: an Error changes nothing for that message; a Warning is reported
    alongside what was (or was not) applied."""

    INVALID_MESSAGE = 18000  # a required element is missing or malformed
    INVALID_ORDER_ID = 18001
    ORDER_NOT_FOUND = 18002  # unknown, or another seller's
    INVALID_REASON = 18003
    MISSING_REASON = 18004
    ITEM_NOT_IN_ORDER = 18005
    INVALID_QUANTITY = 18006
    QUANTITY_ABOVE_UNSHIPPED = 18007
    DUPLICATE_MESSAGE = 18008  # the same MessageID earlier in this feed
    ORDER_PENDING = 18009
    ORDER_SHIPPED = 18010  # shipped or partially shipped: a whole-order cancel is refused
    ALREADY_CANCELLED = 18011  # Warning: nothing left to cancel; nothing changed
    INVALID_ITEM_CODE = 18012
    REASON_WITHOUT_FAILURE = 18013  # CancelReason on a Success acknowledgement
    DEFAULT_REASON_USED = 18014  # Warning: Failure without a CancelReason; GeneralAdjustment used
    ORDER_CANCELLED = 18015  # a Success acknowledgement of an order that is cancelled
    DRY_RUN_FORECAST = 18016  # Warning, MessageID 0: a dry run applied nothing; the rate forecast
    ORDER_NOT_SHIPPABLE = 18017  # Pending, cancelled or already shipped: nothing to confirm
    ORDER_NOT_CHARGED = 18018  # an adjustment of an order not yet charged: nothing to refund
    WRONG_CURRENCY = 18019  # an amount in another currency than the order's
    INVALID_AMOUNT = 18020  # not a number, more than 2 decimals, or the wrong sign
    REFUND_ABOVE_CHARGED = 18021  # a component's refunds would exceed what was charged for it
    NOT_A_CREDIT = 18022  # the adjustment's net is not a credit to the buyer
    ADJUSTMENT_ALREADY_APPLIED = 18023  # Warning: MerchantAdjustmentItemID seen; nothing changed
    ADJUSTMENT_ID_REUSED = 18024  # MerchantAdjustmentItemID already used for another item
    INVALID_ADJUSTMENT_REASON = 18025  # not an AdjustmentReason, or it cannot cancel units
    UNSUPPORTED_COMPONENT = 18026  # a component type Seller Desk does not refund (e.g. GiftWrap)
    SKU_NOT_FOUND = 18027  # inventory file: no listing has the SKU (unknown, or another seller's)
    INVALID_STOCK_QUANTITY = 18028  # inventory file: not a whole number from 0 up
    INVALID_PRICE = 18029  # inventory file: not a price above 0 with at most two decimals
    VALUE_IGNORED = 18030  # Warning: a template column Seller Desk does not use had a value
    UNSUPPORTED_FULFILLMENT_CHANNEL = 18031  # fulfilled by the marketplace, not the seller


# The errors that no specific result code describes (most cannot come of a feed message at all):
# reported as an invalid message.
_INVALID_MESSAGE = (
    ErrorCode.APPLICATION_ERROR,
    ErrorCode.NOT_FOUND,
    ErrorCode.INVALID_INPUT,
    ErrorCode.INVALID_TRANSITION,
    ErrorCode.ALREADY_DONE,
    ErrorCode.INSUFFICIENT_INVENTORY,
    ErrorCode.EMAIL_NOT_FOUND,
    ErrorCode.DUPLICATE_ORDER,
    ErrorCode.ORDER_WITHOUT_ITEMS,
    ErrorCode.INVALID_ORDER_ID,
    ErrorCode.INVALID_EMAIL,
    ErrorCode.INVALID_DATE,
    ErrorCode.INVALID_LANGUAGE,
    ErrorCode.NOT_ONE_LINE,
    ErrorCode.UNKNOWN_SKU,
    ErrorCode.DUPLICATE_ITEM,
    ErrorCode.SHIPMENT_INCOMPLETE,
    ErrorCode.MEMO_TOO_LONG,
    ErrorCode.BUYER_CANCEL_REASON_REQUIRED,
    ErrorCode.BUYER_CANCEL_REASON_TOO_LONG,
    ErrorCode.BUYER_CANCEL_REASON_INVALID,
    ErrorCode.CANCELLATION_ALREADY_REQUESTED,
    ErrorCode.SELF_CANCEL_WINDOW_PASSED,
    ErrorCode.CANNOT_SELF_CANCEL_SHIPPED,
    ErrorCode.CANNOT_SELF_CANCEL_PARTIALLYSHIPPED,
    ErrorCode.CANNOT_REQUEST_CANCEL_SHIPPED,
    ErrorCode.CANNOT_REQUEST_CANCEL_PARTIALLYSHIPPED,
    ErrorCode.NOTHING_TO_ADJUST,
    ErrorCode.FEED_NOT_FOUND,
    ErrorCode.FEED_NOT_IN_QUEUE,
    ErrorCode.DOCUMENT_NOT_FOUND,
    ErrorCode.DOCUMENT_EMPTY,
    ErrorCode.DOCUMENT_TOO_LARGE,
    ErrorCode.ALREADY_UPLOADED,
    ErrorCode.UPLOAD_URL_EXPIRED,
    ErrorCode.INVALID_CONTENT_TYPE,
    ErrorCode.UNSUPPORTED_FEED_TYPE,
    ErrorCode.INVALID_MARKETPLACE,
    ErrorCode.REPORT_NOT_FOUND,
    ErrorCode.REPORT_NOT_IN_QUEUE,
    ErrorCode.UNSUPPORTED_REPORT_TYPE,
    ErrorCode.INVALID_REPORT_OPTIONS,
    ErrorCode.SELLER_NOT_FOUND,
    ErrorCode.NAME_REQUIRED,
    ErrorCode.NAME_TOO_LONG,
    ErrorCode.APPLICATION_NOT_FOUND,
    ErrorCode.APPLICATION_ALREADY_REVOKED,
    ErrorCode.APPLICATION_REVOKED,
    ErrorCode.INVALID_CLIENT,
    ErrorCode.INVALID_GRANT,
    ErrorCode.PERMISSION_DENIED,
    ErrorCode.USER_NOT_FOUND,
    ErrorCode.EMAIL_OF_ANOTHER_SELLER,
    ErrorCode.EMAIL_ALREADY_A_USER,
    ErrorCode.INVITATION_INVALID,
    ErrorCode.INVITATION_EXPIRED,
    ErrorCode.INVITATION_USED,
    ErrorCode.INVITATION_OTHER_SELLER,
    ErrorCode.USERNAME_TAKEN,
    ErrorCode.LAST_ADMINISTRATOR,
    ErrorCode.OWN_LEVELS_RAISED,
    ErrorCode.LEVELS_ABOVE_OWN,
    ErrorCode.TOO_MANY_VALUES,
    ErrorCode.MARKETPLACE_IDS_REQUIRED,
    ErrorCode.INVALID_NEXT_TOKEN,
    ErrorCode.NEXT_TOKEN_WITH_FILTERS,
    ErrorCode.FEED_TYPES_REQUIRED,
    ErrorCode.REPORT_TYPES_REQUIRED,
    ErrorCode.INVALID_PROCESSING_STATUS,
    ErrorCode.INVALID_DRY_RUN,
    ErrorCode.INVALID_DATE_RANGE,
    ErrorCode.CONFLICTING_DATE_FILTERS,
    ErrorCode.DATE_FILTER_REQUIRED,
    ErrorCode.INVALID_ORDER_STATUS,
    ErrorCode.DUPLICATE_ORDER_ITEM,
    ErrorCode.INVALID_IDEMPOTENCY_KEY,
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    ErrorCode.DESTINATION_NOT_FOUND,
    ErrorCode.DESTINATION_IN_USE,
    ErrorCode.INVALID_DESTINATION,
    ErrorCode.WEBHOOK_URL_REFUSED,
    ErrorCode.UNSUPPORTED_NOTIFICATION_TYPE,
    ErrorCode.INVALID_PAYLOAD_VERSION,
    ErrorCode.INVALID_EVENT_FILTER,
    ErrorCode.SUBSCRIPTION_NOT_FOUND,
    ErrorCode.SUBSCRIPTION_EXISTS,
    ErrorCode.NOTIFICATION_NOT_FOUND,
)
# The result code of each error that a service refuses a feed's message with: every ErrorCode.
PROBLEMS: Mapping[ErrorCode, MessageProblem] = {
    **dict.fromkeys(_INVALID_MESSAGE, MessageProblem.INVALID_MESSAGE),
    ErrorCode.ORDER_NOT_FOUND: MessageProblem.ORDER_NOT_FOUND,
    ErrorCode.INVALID_REASON: MessageProblem.INVALID_REASON,
    ErrorCode.REASON_REQUIRED: MessageProblem.MISSING_REASON,
    ErrorCode.ALREADY_CANCELLED: MessageProblem.ALREADY_CANCELLED,
    ErrorCode.ITEMS_ALREADY_CANCELLED: MessageProblem.ALREADY_CANCELLED,
    ErrorCode.CANNOT_CANCEL_PENDING: MessageProblem.ORDER_PENDING,
    ErrorCode.CANNOT_CANCEL_SHIPPED: MessageProblem.ORDER_SHIPPED,
    ErrorCode.CANNOT_CANCEL_PARTIALLYSHIPPED: MessageProblem.ORDER_SHIPPED,
    ErrorCode.UNKNOWN_ITEM: MessageProblem.ITEM_NOT_IN_ORDER,
    ErrorCode.QUANTITY_ABOVE_UNSHIPPED: MessageProblem.QUANTITY_ABOVE_UNSHIPPED,
    ErrorCode.INVALID_QUANTITY: MessageProblem.INVALID_QUANTITY,
    ErrorCode.ORDER_CANCELLED: MessageProblem.ORDER_CANCELLED,
    ErrorCode.NOTHING_TO_SHIP: MessageProblem.INVALID_QUANTITY,
    ErrorCode.CANNOT_SHIP_PENDING: MessageProblem.ORDER_NOT_SHIPPABLE,
    ErrorCode.CANNOT_SHIP_SHIPPED: MessageProblem.ORDER_NOT_SHIPPABLE,
    ErrorCode.CANNOT_SHIP_CANCELED: MessageProblem.ORDER_NOT_SHIPPABLE,
    ErrorCode.ORDER_NOT_CHARGED: MessageProblem.ORDER_NOT_CHARGED,
    ErrorCode.WRONG_CURRENCY: MessageProblem.WRONG_CURRENCY,
    ErrorCode.INVALID_AMOUNT: MessageProblem.INVALID_AMOUNT,
    ErrorCode.REFUND_ABOVE_CHARGED: MessageProblem.REFUND_ABOVE_CHARGED,
    ErrorCode.NOT_A_CREDIT: MessageProblem.NOT_A_CREDIT,
    ErrorCode.ADJUSTMENT_ALREADY_APPLIED: MessageProblem.ADJUSTMENT_ALREADY_APPLIED,
    ErrorCode.ADJUSTMENT_ID_REUSED: MessageProblem.ADJUSTMENT_ID_REUSED,
    ErrorCode.INVALID_ADJUSTMENT_REASON: MessageProblem.INVALID_ADJUSTMENT_REASON,
    ErrorCode.SKU_NOT_FOUND: MessageProblem.SKU_NOT_FOUND,
    ErrorCode.INVALID_STOCK_QUANTITY: MessageProblem.INVALID_STOCK_QUANTITY,
    ErrorCode.INVALID_PRICE: MessageProblem.INVALID_PRICE,
}
