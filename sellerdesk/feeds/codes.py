"""ResultMessageCode values of processing reports. Stable: integrations key on them, and
docs/feed-result-codes.md documents each one. Never renumber; add new codes at the end."""

from enum import IntEnum


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
