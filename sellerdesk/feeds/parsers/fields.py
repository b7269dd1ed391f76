"""Checks of single values that every feed format shares, whatever reads them (a flat-file cell
or an XML element's text): order ids, item codes, reasons, quantities and the seller's own ids.

A check either returns the value as the record wants it or raises Invalid with the problem's
code and an English description that names the field and quotes the value."""

import re
from collections.abc import Collection

from sellerdesk.cancellations.reasons import ALL_REASONS
from sellerdesk.core.ids import ORDER_ID_RE, ORDER_ITEM_ID_RE
from sellerdesk.feeds.codes import MessageProblem

MAX_MERCHANT_ID_LENGTH = 100  # MerchantOrderID and MerchantOrderItemID
MAX_QUANTITY = 2_147_483_647  # fits a 32-bit integer column; unshipped units are checked later
QUOTE_LIMIT = 40  # characters of a bad value repeated in a description
QUANTITY_RE = re.compile(r"[0-9]{1,10}")
ID_NUMBER_RE = re.compile(r"[0-9]{1,20}")  # the XML schema's IDNumber: MessageID and others


class Invalid(Exception):
    """A value, or a message, that cannot be applied: its problem's code and description, and
    the order item it concerns when there is one."""

    def __init__(
        self, code: MessageProblem, description: str, order_item_id: str | None = None
    ) -> None:
        super().__init__(code, description)
        self.code = code
        self.description = description
        self.order_item_id = order_item_id


def is_order_id(value: str) -> bool:
    # ORDER_ID_RE's \d also matches non-ASCII digits and its $ a trailing newline.
    return value.isascii() and ORDER_ID_RE.fullmatch(value) is not None


def is_order_item_id(value: str) -> bool:
    return value.isascii() and ORDER_ITEM_ID_RE.fullmatch(value) is not None


def quoted(value: str) -> str:
    """A user's value for a description: quoted, and cut short if long."""
    if len(value) > QUOTE_LIMIT:
        value = value[:QUOTE_LIMIT] + "…"
    return f"'{value}'"


def order_id_problem(what: str, value: str) -> str:
    if not value:
        return f"{what} is empty."
    return f"{what} {quoted(value)} is not an order id like 123-1234567-1234567."


def item_code_problem(what: str, value: str) -> str:
    if not value:
        return f"{what} is empty."
    return f"{what} {quoted(value)} is not an order item id of 14 digits."


def reason_problem(what: str, value: str) -> str | None:
    """Why value is not a CancelReason code, or None if it is one."""
    return code_problem(what, value, ALL_REASONS, "a cancellation reason")


def code_problem(what: str, value: str, codes: Collection[str], kind: str) -> str | None:
    """Why value is not one of codes (kind names them, e.g. "an adjustment reason"), or None."""
    if value in codes:
        return None
    if not value:
        return f"{what} is empty."
    for code in codes:
        if code.casefold() == value.casefold():
            return f"{what} {quoted(value)} is not {kind}; did you mean {code}?"
    return f"{what} {quoted(value)} is not {kind}; use one of {', '.join(sorted(codes))}."


def quantity(what: str, value: str | None) -> int | None:
    """A positive whole number of units, or None when the field is absent."""
    if value is None:
        return None
    if not QUANTITY_RE.fullmatch(value) or not 1 <= int(value) <= MAX_QUANTITY:
        raise Invalid(
            MessageProblem.INVALID_QUANTITY,
            f"{what} {quoted(value)} is not a whole number from 1 to {MAX_QUANTITY}.",
        )
    return int(value)


def merchant_id(what: str, value: str | None) -> str | None:
    """The seller's own id of an order or item, which Seller Desk carries but does not key on."""
    if value and len(value) > MAX_MERCHANT_ID_LENGTH:
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{what} {quoted(value)} is longer than {MAX_MERCHANT_ID_LENGTH} characters.",
        )
    return value or None


def id_number(what: str, value: str | None) -> None:
    """An optional IDNumber of the schema: a positive number of 1 to 20 digits."""
    if value and (not ID_NUMBER_RE.fullmatch(value) or int(value) == 0):
        raise Invalid(
            MessageProblem.INVALID_MESSAGE,
            f"{what} {quoted(value)} is not a positive whole number of 1 to 20 digits.",
        )


def units(what: str, value: str, code: MessageProblem) -> int:
    """A whole number of units from 0 to MAX_QUANTITY (stock, or units cancelled)."""
    if not QUANTITY_RE.fullmatch(value) or int(value) > MAX_QUANTITY:
        raise Invalid(
            code, f"{what} {quoted(value)} is not a whole number from 0 to {MAX_QUANTITY}."
        )
    return int(value)


def item_code(where: str, value: str | None) -> str:
    """The AmazonOrderItemCode of an item (`where`, e.g. "Item 2", begins the description)."""
    if value is None:
        raise Invalid(MessageProblem.INVALID_ITEM_CODE, f"{where}: AmazonOrderItemCode is missing.")
    if not is_order_item_id(value):
        raise Invalid(
            MessageProblem.INVALID_ITEM_CODE,
            f"{where}: {item_code_problem('AmazonOrderItemCode', value)}",
        )
    return value


class about_item:  # lower case, used as a function; a class costs less than @contextmanager
    """Within it, an Invalid names the item: "Item 2 (12345678901234): …" and its code."""

    def __init__(self, where: str, code: str) -> None:
        self.where, self.code = where, code

    def __enter__(self) -> None:
        return None

    def __exit__(self, _kind: object, error: BaseException | None, _trace: object) -> None:
        if isinstance(error, Invalid):
            description = f"{self.where} ({self.code}): {error.description}"
            raise Invalid(error.code, description, self.code) from None
