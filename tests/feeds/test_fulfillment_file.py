"""The Shipping Confirmation file parser: tab-separated text or .xlsx in, records or errors out."""

import datetime
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.fulfillment import ShipmentConfirmation, ShippedItem
from sellerdesk.feeds.parsers.fulfillment_file import (
    SHIPMENT_CONFIRMATION_TEMPLATE,
    read_shipment_confirmations,
)
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "22345678901234"
TRACKING = "00370712345678901234"
OTHER_TRACKING = "00370712345678905678"
DATE = "2024-05-03"
SHIPPED_ON = datetime.datetime(2024, 5, 3, tzinfo=STOCKHOLM)
HEADER_ROW = (
    "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\t"
    "tracking-number\tship-method"
)
HEADER_COLUMNS = (
    "order-id, order-item-id, quantity, ship-date, carrier-code, carrier-name, "
    "tracking-number, ship-method"
)
COLUMNS_HINT = (
    f"The columns are {HEADER_COLUMNS}; order-item-id, quantity, ship-method and one of "
    "carrier-code and carrier-name may be left out."
)


def row(
    order: str = ORDER,
    item: str = "",
    quantity: str = "",
    date: str = DATE,
    code: str = "PostNord",
    name: str = "",
    tracking: str = TRACKING,
    method: str = "",
) -> str:
    return "\t".join([order, item, quantity, date, code, name, tracking, method])


def text(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return "".join(line + newline for line in lines).encode(encoding)


def parse(data: bytes, filename: str = "") -> list[ShipmentConfirmation | RecordError]:
    return list(read_shipment_confirmations(io.BytesIO(data), filename=filename))


def rejection(data: bytes, filename: str = "") -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data, filename)
    return caught.value


def shipped(
    line: int,
    *,
    order: str = ORDER,
    carrier: str = "PostNord",
    method: str = "",
    tracking: str = TRACKING,
    items: tuple[ShippedItem, ...] = (),
    at: datetime.datetime = SHIPPED_ON,
) -> ShipmentConfirmation:
    return ShipmentConfirmation(line, order, at, carrier, method, tracking, items)


def workbook(*rows: list[Any], sheet: str = "Sheet1") -> bytes:
    book = Workbook()
    active = book.active
    assert active is not None
    active.title = sheet
    for values in rows:
        active.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- rows and grouping -------------------------------------------------------------------------


def test_a_whole_order_row_ships_the_whole_order() -> None:
    # Given the template's header and one row without an item
    data = text(HEADER_ROW, row())

    # When it is parsed
    records = parse(data)

    # Then every unshipped unit is confirmed, numbered by its physical line
    assert records == [shipped(2)]


def test_the_template_is_the_header_row() -> None:
    # Given the template as downloaded
    assert SHIPMENT_CONFIRMATION_TEMPLATE.splitlines()[-1] == HEADER_ROW

    # When it is uploaded unchanged
    rejected = rejection(SHIPMENT_CONFIRMATION_TEMPLATE.encode())

    # Then its header is accepted and the feed is empty
    assert (rejected.code, rejected.description) == (
        FileProblem.EMPTY,
        "The file has a header but no shipment rows.",
    )


def test_adjacent_rows_of_one_order_and_tracking_number_become_one_shipment() -> None:
    # Given two item rows of one package, a second package of the order, and another order
    data = text(
        HEADER_ROW,
        row(item=ITEM, quantity="2", method="MyPack"),
        row(item=OTHER_ITEM, method="MyPack"),
        row(item=ITEM, quantity="1", tracking=OTHER_TRACKING),
        row(OTHER_ORDER),
    )

    # When it is parsed
    records = parse(data)

    # Then each package gets one message, numbered by its first row
    assert records == [
        shipped(2, method="MyPack", items=(ShippedItem(ITEM, 2), ShippedItem(OTHER_ITEM, None))),
        shipped(4, tracking=OTHER_TRACKING, items=(ShippedItem(ITEM, 1),)),
        shipped(5, order=OTHER_ORDER),
    ]


def test_rows_of_one_package_that_are_not_adjacent_are_separate_messages() -> None:
    # Given a package, another order, then the first package again
    data = text(HEADER_ROW, row(item=ITEM), row(OTHER_ORDER), row(item=OTHER_ITEM))

    # When it is parsed
    records = parse(data)

    # Then the first package gets two messages
    assert records == [
        shipped(2, items=(ShippedItem(ITEM, None),)),
        shipped(3, order=OTHER_ORDER),
        shipped(4, items=(ShippedItem(OTHER_ITEM, None),)),
    ]


def test_a_whole_order_row_wins_over_item_rows_of_the_same_package() -> None:
    # Given item rows around a whole-order row of the same package
    data = text(HEADER_ROW, row(item=ITEM, quantity="1"), row(), row(item=OTHER_ITEM))

    # When it is parsed
    records = parse(data)

    # Then the whole order is shipped
    assert records == [shipped(2)]


@pytest.mark.parametrize(
    ("code", "name", "carrier"),
    [
        ("Other", "Bring", "Bring"),
        ("other", "Bring", "Bring"),
        ("", "Bring", "Bring"),
        ("DHL", "", "DHL"),
        ("DHL", "DHL Freight", "DHL"),
    ],
)
def test_the_carrier_is_the_code_or_the_name(code: str, name: str, carrier: str) -> None:
    # Given a carrier-code, a carrier-name, or both
    data = text(HEADER_ROW, row(code=code, name=name))

    # When it is parsed
    records = parse(data)

    # Then the name counts when the code is empty or Other, the code otherwise
    assert records == [shipped(2, carrier=carrier)]


@pytest.mark.parametrize("tracking", ["1Z999AA10123456784", "RR123456785SE", "123E4567", "T" * 100])
def test_tracking_numbers_are_kept_as_written(tracking: str) -> None:
    # Given UPS, UPU and other tracking numbers, one that only looks like an exponent, and one
    # at the length limit
    data = text(HEADER_ROW, row(tracking=tracking))

    # When it is parsed
    records = parse(data)

    # Then each is the package's tracking number
    assert records == [shipped(2, tracking=tracking)]


def test_optional_columns_may_be_left_out_and_columns_come_in_any_order() -> None:
    # Given only the required columns, reordered, padded, with an empty unnamed column
    data = text(
        "tracking-number\t carrier-name \tship-date\torder-id\t",
        f"{TRACKING}\tBring\t{DATE}\t{ORDER}\t",
    )

    # When it is parsed
    records = parse(data)

    # Then cells are read by their header and the missing ones count as empty
    assert records == [shipped(2, carrier="Bring")]


def test_blank_lines_are_skipped_but_counted() -> None:
    # Given blank lines, whitespace and a row of empty cells between rows
    data = text("", HEADER_ROW, "  ", "\t\t\t", row(item=ITEM), "", row(item=OTHER_ITEM), "")

    # When it is parsed
    records = parse(data)

    # Then the rows keep their physical line numbers and stay one package
    assert records == [shipped(5, items=(ShippedItem(ITEM, None), ShippedItem(OTHER_ITEM, None)))]


@pytest.mark.parametrize(
    ("date", "iso"),
    [
        ("2024-05-03", "2024-05-03T00:00:00+02:00"),
        ("2024-01-15", "2024-01-15T00:00:00+01:00"),
        ("2024-05-03T14:30:00+02:00", "2024-05-03T14:30:00+02:00"),
        ("2024-05-03T12:30:00Z", "2024-05-03T12:30:00+00:00"),
        ("2024-05-03T14:30", "2024-05-03T14:30:00+02:00"),
        ("2024-05-03 14:30:15", "2024-05-03T14:30:15+02:00"),
        ("2024-05-03T14:30:15.25-0500", "2024-05-03T14:30:15.250000-05:00"),
    ],
)
def test_a_ship_date_without_offset_is_stockholm_time(date: str, iso: str) -> None:
    # Given a bare date (summer or winter), or a date and time with or without an offset
    data = text(HEADER_ROW, row(date=date))

    # When it is parsed
    records = parse(data)

    # Then an unzoned value is the seller's wall clock in Stockholm, a bare date its midnight
    record = records[0]
    assert isinstance(record, ShipmentConfirmation)
    assert record.fulfillment_date.isoformat() == iso


def test_a_bare_date_falls_on_the_same_day_in_utc() -> None:
    # Given a bare ship-date
    data = text(HEADER_ROW, row(date="2024-05-03"))

    # When it is parsed
    record = parse(data)[0]

    # Then it is midnight in Stockholm, which is still the day before in UTC: the date is
    # Stockholm's, and a processor must read it in Stockholm's time zone
    assert isinstance(record, ShipmentConfirmation)
    assert record.fulfillment_date.astimezone(STOCKHOLM).date() == datetime.date(2024, 5, 3)
    assert record.fulfillment_date.astimezone(datetime.UTC).isoformat() == (
        "2024-05-02T22:00:00+00:00"
    )


def test_a_row_error_is_not_merged_and_does_not_break_the_package() -> None:
    # Given three rows of one package, the middle one with a bad quantity
    data = text(
        HEADER_ROW,
        row(item=ITEM),
        row(item="32345678901234", quantity="0"),
        row(item=OTHER_ITEM),
    )

    # When it is parsed
    records = parse(data)

    # Then the two good rows are one message and the bad row its own error, in line order
    assert records == [
        shipped(2, items=(ShippedItem(ITEM, None), ShippedItem(OTHER_ITEM, None))),
        RecordError(
            3,
            MessageProblem.INVALID_QUANTITY,
            "quantity '0' is not a whole number from 1 to 2147483647.",
            ORDER,
            "32345678901234",
        ),
    ]


def test_an_error_on_the_first_row_of_a_package_comes_before_its_message() -> None:
    # Given a package whose first row lacks a ship-date
    data = text(HEADER_ROW, row(item=ITEM, date=""), row(item=OTHER_ITEM))

    # When it is parsed
    records = parse(data)

    # Then results stay in line order, and the message starts at the good row
    assert records == [
        RecordError(2, MessageProblem.INVALID_MESSAGE, "ship-date is empty.", ORDER, ITEM),
        shipped(3, items=(ShippedItem(OTHER_ITEM, None),)),
    ]


@pytest.mark.parametrize(
    ("second", "what"),
    [
        (row(item=OTHER_ITEM, date="2024-05-04"), "ship-date"),
        (row(item=OTHER_ITEM, code="DHL"), "carrier"),
        (row(item=OTHER_ITEM, method="Express"), "ship-method"),
    ],
)
def test_a_row_that_contradicts_its_package_is_reported_and_ignored(second: str, what: str) -> None:
    # Given a second row of a package with another ship-date, carrier or method
    data = text(HEADER_ROW, row(item=ITEM), second)

    # When it is parsed
    records = parse(data)

    # Then the first row's values stand and the contradiction is an error
    assert records == [
        shipped(2, items=(ShippedItem(ITEM, None),)),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            f"Order {ORDER} already ships on line 2 with tracking-number '{TRACKING}' and "
            f"another {what}; one package has one {what}, so this row is ignored.",
            ORDER,
            OTHER_ITEM,
        ),
    ]


def test_the_same_instant_written_otherwise_is_not_a_contradiction() -> None:
    # Given two rows of a package whose ship-dates are the same instant
    data = text(
        HEADER_ROW,
        row(item=ITEM, date="2024-05-03"),
        row(item=OTHER_ITEM, date="2024-05-02T22:00Z"),
    )

    # When it is parsed
    records = parse(data)

    # Then they are one shipment
    assert records == [shipped(2, items=(ShippedItem(ITEM, None), ShippedItem(OTHER_ITEM, None)))]


def test_a_repeated_item_row_is_reported_and_ignored() -> None:
    # Given the same item twice in a package
    data = text(HEADER_ROW, row(item=ITEM, quantity="1"), row(item=ITEM, quantity="2"))

    # When it is parsed
    records = parse(data)

    # Then the first row counts and the repeat is an error
    assert records == [
        shipped(2, items=(ShippedItem(ITEM, 1),)),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            f"Order {ORDER} already ships item {ITEM} on line 2 with tracking-number "
            f"'{TRACKING}'; this row repeats it and is ignored.",
            ORDER,
            ITEM,
        ),
    ]


def test_a_repeated_whole_order_row_is_reported_and_ignored() -> None:
    # Given two whole-order rows of one package
    data = text(HEADER_ROW, row(), row())

    # When it is parsed
    records = parse(data)

    # Then the repeat is an error
    assert records == [
        shipped(2),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            f"Order {ORDER} already ships the whole order on line 2 with tracking-number "
            f"'{TRACKING}'; this row repeats it and is ignored.",
            ORDER,
        ),
    ]


def test_a_package_with_more_than_a_thousand_rows_is_split() -> None:
    # Given 1,001 item rows of one package
    rows = [row(item=f"{n:014d}") for n in range(1, 1002)]
    data = text(HEADER_ROW, *rows)

    # When it is parsed
    records = parse(data)

    # Then a thousand rows make one message and the rest the next
    assert [
        (r.message_id, len(r.items)) for r in records if isinstance(r, ShipmentConfirmation)
    ] == [
        (2, 1000),
        (1002, 1),
    ]


@pytest.mark.parametrize(
    ("bad_row", "error"),
    [
        (
            row(order=""),
            RecordError(3, MessageProblem.INVALID_ORDER_ID, "order-id is empty."),
        ),
        (
            row(order="203-1234567"),
            RecordError(
                3,
                MessageProblem.INVALID_ORDER_ID,
                "order-id '203-1234567' is not an order id like 123-1234567-1234567.",
            ),
        ),
        (
            row(item="1234567890123"),
            RecordError(
                3,
                MessageProblem.INVALID_ITEM_CODE,
                "order-item-id '1234567890123' is not an order item id of 14 digits.",
                ORDER,
            ),
        ),
        (
            row(item="1.23457E+13"),
            RecordError(
                3,
                MessageProblem.INVALID_ITEM_CODE,
                "order-item-id '1.23457E+13' is not an order item id of 14 digits. "
                "Excel shows long numbers like this; format the column as Text.",
                ORDER,
            ),
        ),
        *(
            (
                row(item=ITEM, quantity=quantity),
                RecordError(
                    3,
                    MessageProblem.INVALID_QUANTITY,
                    f"quantity '{quantity}' is not a whole number from 1 to 2147483647.",
                    ORDER,
                    ITEM,
                ),
            )
            for quantity in ["0", "-1", "1.5", "two", "2147483648", "9" * 30]
        ),
        (
            row(quantity="2"),
            RecordError(
                3,
                MessageProblem.INVALID_QUANTITY,
                "quantity 2 is given without an order-item-id; a quantity counts units of one "
                "item. Leave quantity empty to ship the whole order.",
                ORDER,
            ),
        ),
        (
            row(date=""),
            RecordError(3, MessageProblem.INVALID_MESSAGE, "ship-date is empty.", ORDER),
        ),
        *(
            (
                row(date=date),
                RecordError(
                    3,
                    MessageProblem.INVALID_MESSAGE,
                    f"ship-date '{date}' is not a date like 2024-05-03 or a date and time like "
                    "2024-05-03T14:30:00+02:00.",
                    ORDER,
                ),
            )
            for date in [
                "03/05/2024",
                "2024-5-3",
                "20240503",
                "2024-02-30",
                "2024-05-03T25:00",
                "2024-05-03T14:30:00+15:00",
                "45415",
                "today",
            ]
        ),
        (
            row(date="1999-12-31"),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "ship-date '1999-12-31' is not between the years 2000 and 2099.",
                ORDER,
            ),
        ),
        (
            row(code="", name=""),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "Neither carrier-code nor carrier-name is given; one of them names the carrier.",
                ORDER,
            ),
        ),
        (
            row(code="Other"),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "carrier-code is Other but carrier-name is missing; it names the carrier.",
                ORDER,
            ),
        ),
        (
            row(code="Other", name="B" * 101),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                f"carrier-name '{'B' * 40}…' is longer than 100 characters.",
                ORDER,
            ),
        ),
        (
            row(tracking=""),
            RecordError(3, MessageProblem.INVALID_MESSAGE, "tracking-number is empty.", ORDER),
        ),
        (
            row(tracking="NULL"),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "tracking-number is NULL, which clears a tracking number on Amazon; Seller Desk "
                "confirms a shipment only with its tracking number.",
                ORDER,
            ),
        ),
        (
            row(tracking="3.70071E+17"),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "tracking-number '3.70071E+17' is a number as Excel shortens it, not a tracking "
                "number; format the column as Text and enter the tracking numbers again.",
                ORDER,
            ),
        ),
        (
            row(tracking="T" * 101),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                f"tracking-number '{'T' * 40}…' is longer than 100 characters.",
                ORDER,
            ),
        ),
        (
            row(tracking="0037\x7f0712"),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "tracking-number contains the control character 0x7f at position 5.",
                ORDER,
            ),
        ),
        (
            row(method="M" * 101),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                f"ship-method '{'M' * 40}…' is longer than 100 characters.",
                ORDER,
            ),
        ),
        (
            row(item=ITEM) + "\tplease hurry",
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "The row has a value in column 9, which has no header.",
                ORDER,
                ITEM,
            ),
        ),
    ],
)
def test_a_bad_row_is_an_error(bad_row: str, error: RecordError) -> None:
    # Given a row with one problem, after a good row of another order
    data = text(HEADER_ROW, row(OTHER_ORDER), bad_row)

    # When it is parsed
    records = parse(data)

    # Then the good row is kept and the bad one reported
    assert records == [shipped(2, order=OTHER_ORDER), error]


def test_a_file_cut_off_mid_row_reports_the_cut_row() -> None:
    # Given a file that stops inside its last row, before the tracking number
    data = text(HEADER_ROW, row(), row(OTHER_ORDER))
    data = data[: data.rindex(b"PostNord") + len(b"PostNord")]

    # When it is parsed
    records = parse(data)

    # Then the complete rows count and the cut row is an error
    assert records == [
        shipped(2),
        RecordError(3, MessageProblem.INVALID_MESSAGE, "tracking-number is empty.", OTHER_ORDER),
    ]


# --- whole-file problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        (
            row(),
            f"unknown column(s) '{ORDER}', '{DATE}', 'PostNord', '{TRACKING}'; missing "
            "column(s) order-id, ship-date, tracking-number, carrier-code or carrier-name",
        ),
        (
            "order-id\tship-date\ttracking-number\tship-method",
            "missing column(s) carrier-code or carrier-name",
        ),
        (
            "order_id\tship-date\tcarrier-code\ttracking-number\ttracking-number",
            "column 'tracking-number' twice; unknown column(s) 'order_id'; missing column(s) "
            "order-id",
        ),
        (
            "order-id\tcancellation-reason-code\tamazon-order-item-code",
            "unknown column(s) 'cancellation-reason-code', 'amazon-order-item-code'; missing "
            "column(s) ship-date, tracking-number, carrier-code or carrier-name",
        ),
        (
            HEADER_ROW + "\tanteckning-å",
            "unknown column(s) 'anteckning-å'",
        ),
    ],
)
def test_a_bad_header_is_rejected_naming_every_problem(header: str, problems: str) -> None:
    # Given a data row in place of the header, or missing, misspelt, repeated or extra columns
    data = text(header, row(), encoding="cp1252")

    # When it is parsed
    rejected = rejection(data)

    # Then every problem is named, with the columns the file takes
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        f"The header on line 1 has {problems}. {COLUMNS_HINT}",
    )


# --- xlsx --------------------------------------------------------------------------------------


def test_an_xlsx_workbook_is_read_by_its_magic_bytes() -> None:
    # Given a workbook (named .txt) with a numeric item code and quantity, a date cell, a blank
    # row inside a package, and a date-time cell
    data = workbook(
        HEADER_ROW.split("\t"),
        [ORDER, int(ITEM), 2, datetime.datetime(2024, 5, 3), "PostNord", None, TRACKING],
        [],
        [ORDER, float(OTHER_ITEM), None, datetime.datetime(2024, 5, 3), "PostNord", None, TRACKING],
        [OTHER_ORDER, None, None, datetime.datetime(2024, 5, 3, 16, 45), "Other", "Bring", "B1"],
    )

    # When it is parsed
    records = parse(data, filename="shipments.txt")

    # Then rows are read like text rows, numbered by sheet row; Excel's dates are Stockholm time
    assert records == [
        shipped(2, items=(ShippedItem(ITEM, 2), ShippedItem(OTHER_ITEM, None))),
        shipped(
            5,
            order=OTHER_ORDER,
            carrier="Bring",
            tracking="B1",
            at=datetime.datetime(2024, 5, 3, 16, 45, tzinfo=STOCKHOLM),
        ),
    ]


def test_an_xlsx_tracking_number_with_a_line_break_is_invalid() -> None:
    # Given a workbook cell with a line break inside the tracking number
    data = workbook(HEADER_ROW.split("\t"), [ORDER, None, None, DATE, "PostNord", None, "A1\nB2"])

    # When it is parsed
    records = parse(data)

    # Then the control character is named
    assert records == [
        RecordError(
            2,
            MessageProblem.INVALID_MESSAGE,
            "tracking-number contains the control character 0x0a at position 3.",
            ORDER,
        )
    ]


def test_an_xlsx_with_a_bad_header_is_rejected() -> None:
    # Given a workbook whose header lacks the tracking number
    data = workbook(["order-id", "ship-date", "carrier-code"], [ORDER, DATE, "PostNord"])

    # When it is parsed
    rejected = rejection(data)

    # Then the header is bad
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        f"The header on line 1 has missing column(s) tracking-number. {COLUMNS_HINT}",
    )


# --- any input ---------------------------------------------------------------------------------

CELLS = [
    "",
    " ",
    ORDER,
    OTHER_ORDER,
    ITEM,
    "1.23457E+13",
    "2",
    "0",
    DATE,
    "2024-05-03T14:30:00+02:00",
    "03/05/2024",
    "PostNord",
    "Other",
    "Bring",
    TRACKING,
    "NULL",
    "order-id",
    "ship-date",
    "carrier-code",
    "tracking-number",
    "TemplateType=ShippingConfirmation",
    "Ö",
]
LINES = st.lists(st.sampled_from(CELLS), max_size=8).map("\t".join)


@given(
    st.lists(LINES, max_size=12),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
@settings(max_examples=300, deadline=None)
def test_any_text_gives_records_or_a_rejection_before_the_first_record(
    lines: list[str], newline: str, encoding: str
) -> None:
    # Given any arrangement of cells and lines, in any accepted encoding
    data = text(*lines, encoding=encoding, newline=newline)
    records = read_shipment_confirmations(io.BytesIO(data))

    # When it is read to the end
    yielded: list[ShipmentConfirmation | RecordError] = []
    try:
        yielded.extend(records)
    except FeedRejected:
        # Then a rejection only ever comes before the first record
        assert yielded == []

    # And every record's line number points into the file, every date aware
    assert all(1 <= record.message_id <= len(lines) for record in yielded)
    assert all(
        record.fulfillment_date.tzinfo is not None
        for record in yielded
        if isinstance(record, ShipmentConfirmation)
    )
