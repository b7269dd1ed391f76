"""Identifiers in the marketplace's formats."""

import re
import secrets

ORDER_ID_RE = re.compile(r"^\d{3}-\d{7}-\d{7}$")
ORDER_ITEM_ID_RE = re.compile(r"^\d{14}$")
MARKETPLACE_SE = "A2NODRKZP88ZB9"
CURRENCY_SE = "SEK"


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def new_order_id() -> str:
    return f"{_digits(3)}-{_digits(7)}-{_digits(7)}"


def new_order_item_id() -> str:
    return _digits(14)


def is_order_id(value: str) -> bool:
    # \d also matches non-ASCII digits, and $ a trailing newline: require ASCII and a full match.
    return value.isascii() and ORDER_ID_RE.fullmatch(value) is not None
