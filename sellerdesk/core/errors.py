"""Errors of the domain, each with a stable code.

The API maps them to JSON, the pages to form errors, the feed processor to report results
(feeds/codes.py). The codes are one enumeration: integrations key on their values, so a value
never changes; a new error gets a new member.
"""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext as _


class ErrorCode(StrEnum):
    # The kinds of error, for an error raised without a more specific code.
    APPLICATION_ERROR = "application_error"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    INVALID_TRANSITION = "invalid_transition"
    ALREADY_DONE = "already_done"
    INSUFFICIENT_INVENTORY = "insufficient_inventory"

    # Orders and their items.
    ORDER_NOT_FOUND = "order_not_found"
    EMAIL_NOT_FOUND = "email_not_found"
    DUPLICATE_ORDER = "duplicate_order"
    ORDER_WITHOUT_ITEMS = "order_without_items"
    INVALID_ORDER_ID = "invalid_order_id"
    INVALID_EMAIL = "invalid_email"
    INVALID_DATE = "invalid_date"
    INVALID_LANGUAGE = "invalid_language"
    NOT_ONE_LINE = "not_one_line"
    UNKNOWN_SKU = "unknown_sku"
    UNKNOWN_ITEM = "unknown_item"
    DUPLICATE_ITEM = "duplicate_item"
    INVALID_QUANTITY = "invalid_quantity"
    QUANTITY_ABOVE_UNSHIPPED = "quantity_above_unshipped"
    ORDER_CANCELLED = "order_cancelled"

    # Shipment confirmation.
    SHIPMENT_INCOMPLETE = "shipment_incomplete"
    NOTHING_TO_SHIP = "nothing_to_ship"
    CANNOT_SHIP_PENDING = "cannot_ship_pending"
    CANNOT_SHIP_SHIPPED = "cannot_ship_shipped"
    CANNOT_SHIP_CANCELED = "cannot_ship_canceled"

    # The seller's cancellation.
    REASON_REQUIRED = "reason_required"
    INVALID_REASON = "invalid_reason"
    MEMO_TOO_LONG = "memo_too_long"
    ALREADY_CANCELLED = "already_cancelled"
    ITEMS_ALREADY_CANCELLED = "items_already_cancelled"
    CANNOT_CANCEL_PENDING = "cannot_cancel_pending"
    CANNOT_CANCEL_SHIPPED = "cannot_cancel_shipped"
    CANNOT_CANCEL_PARTIALLYSHIPPED = "cannot_cancel_partiallyshipped"

    # The buyer's cancellation and requests to cancel.
    BUYER_CANCEL_REASON_REQUIRED = "buyer_cancel_reason_required"
    BUYER_CANCEL_REASON_TOO_LONG = "buyer_cancel_reason_too_long"
    BUYER_CANCEL_REASON_INVALID = "buyer_cancel_reason_invalid"
    CANCELLATION_ALREADY_REQUESTED = "cancellation_already_requested"
    SELF_CANCEL_WINDOW_PASSED = "self_cancel_window_passed"
    CANNOT_SELF_CANCEL_SHIPPED = "cannot_self_cancel_shipped"
    CANNOT_SELF_CANCEL_PARTIALLYSHIPPED = "cannot_self_cancel_partiallyshipped"
    CANNOT_REQUEST_CANCEL_SHIPPED = "cannot_request_cancel_shipped"
    CANNOT_REQUEST_CANCEL_PARTIALLYSHIPPED = "cannot_request_cancel_partiallyshipped"

    # Refunds.
    ORDER_NOT_CHARGED = "order_not_charged"
    NOTHING_TO_ADJUST = "nothing_to_adjust"
    INVALID_ADJUSTMENT_REASON = "invalid_adjustment_reason"
    WRONG_CURRENCY = "wrong_currency"
    INVALID_AMOUNT = "invalid_amount"
    REFUND_ABOVE_CHARGED = "refund_above_charged"
    NOT_A_CREDIT = "not_a_credit"
    ADJUSTMENT_ALREADY_APPLIED = "adjustment_already_applied"
    ADJUSTMENT_ID_REUSED = "adjustment_id_reused"

    # Listings.
    SKU_NOT_FOUND = "sku_not_found"
    INVALID_STOCK_QUANTITY = "invalid_stock_quantity"
    INVALID_PRICE = "invalid_price"

    # Feeds and their documents.
    FEED_NOT_FOUND = "feed_not_found"
    FEED_NOT_IN_QUEUE = "feed_not_in_queue"
    DOCUMENT_NOT_FOUND = "document_not_found"
    DOCUMENT_EMPTY = "document_empty"
    DOCUMENT_TOO_LARGE = "document_too_large"
    ALREADY_UPLOADED = "already_uploaded"
    UPLOAD_URL_EXPIRED = "upload_url_expired"
    INVALID_CONTENT_TYPE = "invalid_content_type"
    UNSUPPORTED_FEED_TYPE = "unsupported_feed_type"
    INVALID_MARKETPLACE = "invalid_marketplace"

    # Reports.
    REPORT_NOT_FOUND = "report_not_found"
    REPORT_NOT_IN_QUEUE = "report_not_in_queue"
    UNSUPPORTED_REPORT_TYPE = "unsupported_report_type"
    INVALID_REPORT_OPTIONS = "invalid_report_options"

    # Sellers, developer applications and their tokens.
    SELLER_NOT_FOUND = "seller_not_found"
    NAME_REQUIRED = "name_required"
    NAME_TOO_LONG = "name_too_long"
    APPLICATION_NOT_FOUND = "application_not_found"
    APPLICATION_ALREADY_REVOKED = "application_already_revoked"
    APPLICATION_REVOKED = "application_revoked"
    INVALID_CLIENT = "invalid_client"
    INVALID_GRANT = "invalid_grant"

    # Users of a seller, their permissions and invitations.
    PERMISSION_DENIED = "permission_denied"
    USER_NOT_FOUND = "user_not_found"
    EMAIL_OF_ANOTHER_SELLER = "email_of_another_seller"
    EMAIL_ALREADY_A_USER = "email_already_a_user"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED = "invitation_used"
    INVITATION_OTHER_SELLER = "invitation_other_seller"
    USERNAME_TAKEN = "username_taken"
    LAST_ADMINISTRATOR = "last_administrator"
    OWN_LEVELS_RAISED = "own_levels_raised"
    LEVELS_ABOVE_OWN = "levels_above_own"

    # Requests to the API.
    TOO_MANY_VALUES = "too_many_values"
    MARKETPLACE_IDS_REQUIRED = "marketplace_ids_required"
    INVALID_NEXT_TOKEN = "invalid_next_token"  # noqa: S105 (a code, not a secret)
    NEXT_TOKEN_WITH_FILTERS = "next_token_with_filters"  # noqa: S105
    FEED_TYPES_REQUIRED = "feed_types_required"
    REPORT_TYPES_REQUIRED = "report_types_required"
    INVALID_PROCESSING_STATUS = "invalid_processing_status"
    INVALID_DRY_RUN = "invalid_dry_run"
    INVALID_DATE_RANGE = "invalid_date_range"
    CONFLICTING_DATE_FILTERS = "conflicting_date_filters"
    DATE_FILTER_REQUIRED = "date_filter_required"
    INVALID_ORDER_STATUS = "invalid_order_status"
    DUPLICATE_ORDER_ITEM = "duplicate_order_item"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"

    # Notifications: destinations, subscriptions, deliveries.
    DESTINATION_NOT_FOUND = "destination_not_found"
    DESTINATION_IN_USE = "destination_in_use"
    INVALID_DESTINATION = "invalid_destination"
    WEBHOOK_URL_REFUSED = "webhook_url_refused"
    UNSUPPORTED_NOTIFICATION_TYPE = "unsupported_notification_type"
    INVALID_PAYLOAD_VERSION = "invalid_payload_version"
    INVALID_EVENT_FILTER = "invalid_event_filter"
    SUBSCRIPTION_NOT_FOUND = "subscription_not_found"
    SUBSCRIPTION_EXISTS = "subscription_exists"
    NOTIFICATION_NOT_FOUND = "notification_not_found"


class ApplicationError(Exception):
    code = ErrorCode.APPLICATION_ERROR
    http_status = 400

    def __init__(self, message: str | Promise, *, code: ErrorCode | None = None, **details: object):
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code
        self.details = details


class NotFound(ApplicationError):
    """Missing and not-yours look the same."""

    code = ErrorCode.NOT_FOUND
    http_status = 404


class OrderNotFound(NotFound):
    """The seller's order, or for the marketplace any order, is not there: unknown, another
    seller's, or not an order id at all."""

    code = ErrorCode.ORDER_NOT_FOUND

    def __init__(self, amazon_order_id: str):
        super().__init__(_("Order %(order_id)s was not found.") % {"order_id": amazon_order_id})


class InvalidInput(ApplicationError):
    code = ErrorCode.INVALID_INPUT
    http_status = 400


class InvalidTransition(ApplicationError):
    """The order's state does not allow the change."""

    code = ErrorCode.INVALID_TRANSITION
    http_status = 409


class NothingToDo(ApplicationError):
    """A repeat of a change that already happened: reported, never applied again."""

    code = ErrorCode.ALREADY_DONE
    http_status = 409


class InsufficientInventory(ApplicationError):
    code = ErrorCode.INSUFFICIENT_INVENTORY
    http_status = 409
