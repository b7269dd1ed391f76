"""What the shipment-confirmation parsers produce, and the rules their XML and flat-file forms
share: carrier, free text, dates. ORM-free: RecordError and FeedRejected are records.py's."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sellerdesk.feeds.parsers.fields import (
    quoted,
)

# The web form and the SP-API confirmShipment schema take carrier and tracking number up to 100
# characters (Amazon's own String type stops at 50); a feed takes what they take.
MAX_SHIPMENT_TEXT_LENGTH = 100
# CarrierCode "Other" means the carrier is named in CarrierName; "Others" is how some
# integrations spell it (sellerdesk/api/orders.py accepts it too).
OTHER_CARRIER_CODES = frozenset({"other", "others"})  # compared case-insensitively
# No real shipment is dated outside these years; the bound also keeps every offset's date
# convertible to UTC and back.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
MAX_UTC_OFFSET = datetime.timedelta(hours=14)  # xsd:dateTime's limit
# A flat-file date or date-time without an offset is the seller's wall clock: Amazon.se's and
# Seller Desk's TIME_ZONE. Excel's date cells carry no zone either.
FLAT_FILE_ZONE = ZoneInfo("Europe/Stockholm")

# xsd:dateTime without the year sign or the 24:00:00 end-of-day form; no offset = UTC.
XSD_DATE_TIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?"
)
# ISO 8601 as people type it: a date alone, or a date and time ("T" or a space between them),
# seconds optional, offset optional and with or without its colon.
FLAT_DATE_TIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?)?"
    r"(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ShippedItem:
    order_item_id: str  # 14 digits
    quantity: int | None  # None = all that is unshipped of that item


@dataclass(frozen=True, slots=True)
class ShipmentConfirmation:
    message_id: int  # XML: MessageID; flat file: physical line number of the message's first row
    amazon_order_id: str
    fulfillment_date: datetime.datetime  # timezone-aware
    carrier: str  # CarrierCode, or CarrierName when the code is absent or "Other"
    shipping_method: str  # may be ""
    tracking_number: str
    items: tuple[ShippedItem, ...]  # empty = every unshipped unit of the order


def text_problem(what: str, value: str) -> str | None:
    """Why value cannot be stored as a carrier, tracking number or method, or None."""
    if len(value) > MAX_SHIPMENT_TEXT_LENGTH:
        return f"{what} {quoted(value)} is longer than {MAX_SHIPMENT_TEXT_LENGTH} characters."
    if found := _CONTROL.search(value):
        return (
            f"{what} contains the control character 0x{ord(found.group()):02x} "
            f"at position {found.start() + 1}."
        )
    return None


def carrier_problem(code_field: str, code: str, name_field: str, name: str) -> str | None:
    """Why a carrier code and name (each "" when absent) do not name a carrier, or None."""
    if not code and not name:
        return f"Neither {code_field} nor {name_field} is given; one of them names the carrier."
    if code.casefold() in OTHER_CARRIER_CODES and not name:
        return f"{code_field} is {code} but {name_field} is missing; it names the carrier."
    return text_problem(code_field, code) or text_problem(name_field, name)


def chosen_carrier(code: str, name: str) -> str:
    """The carrier of a code and name that carrier_problem accepted."""
    if not code or (code.casefold() in OTHER_CARRIER_CODES and name):
        return name
    return code


def parse_timestamp(
    value: str, pattern: re.Pattern[str], default_zone: datetime.tzinfo
) -> datetime.datetime | None:
    """The aware date-time that value spells in pattern's form, or None.

    A missing time is midnight; a missing offset is default_zone's."""
    match = pattern.fullmatch(value)
    if match is None:
        return None
    part = match.group
    fraction = (part("fraction") or "")[:6].ljust(6, "0")
    try:
        zone = _zone(part("zone"), default_zone)
        return datetime.datetime(
            int(part("year")),
            int(part("month")),
            int(part("day")),
            int(part("hour") or 0),
            int(part("minute") or 0),
            int(part("second") or 0),
            int(fraction),
            tzinfo=zone,
        )
    except ValueError:  # a day, hour or offset out of range
        return None


def year_problem(what: str, value: str, moment: datetime.datetime) -> str | None:
    if EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    return f"{what} {quoted(value)} is not between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def _zone(text: str | None, default_zone: datetime.tzinfo) -> datetime.tzinfo:
    if text is None:
        return default_zone
    if text == "Z":
        return datetime.UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    offset = datetime.timedelta(hours=hours, minutes=minutes)
    if minutes >= 60 or offset > MAX_UTC_OFFSET:
        raise ValueError(f"offset {text} out of range")
    return datetime.timezone(-offset if text[0] == "-" else offset)
