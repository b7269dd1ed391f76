"""The Order Cancellation file parser: tab-separated text or .xlsx in, records or errors out."""

import io
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers import (
    ORDER_CANCELLATION_TEMPLATE,
    Acknowledgement,
    CancelLine,
    FeedRejected,
    RecordError,
    read_order_cancellations,
)

ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "22345678901234"
TEMPLATE_ROW = (
    "TemplateType=OrderCancellation\tVersion=1.0\t"
    "This row for Amazon.com use only.  Do not modify or delete."
)
HEADER_ROW = "order-id\tcancellation-reason-code\tamazon-order-item-code"


def text(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return "".join(line + newline for line in lines).encode(encoding)


def parse(data: bytes, filename: str = "") -> list[Acknowledgement | RecordError]:
    return list(read_order_cancellations(io.BytesIO(data), filename=filename))


def rejection(data: bytes, filename: str = "") -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data, filename)
    return caught.value


def whole_order(line: int, reason: str, order: str = ORDER) -> Acknowledgement:
    return Acknowledgement(line, order, "Failure", None, reason, ())


def workbook(*rows: Sequence[object], sheet: str = "OrderCancellation", first: str = "") -> bytes:
    book = Workbook()
    active = book.active
    assert active is not None
    if first:
        active.title = first
        active.append(["Fill in the OrderCancellation tab."])
        target = book.create_sheet(sheet)
    else:
        active.title = sheet
        target = active
    for row in rows:
        target.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- rows and grouping -------------------------------------------------------------------------


def test_a_whole_order_row_under_the_template_row_cancels_the_order() -> None:
    # Given the template's two rows and one row without an item code
    data = text(TEMPLATE_ROW, HEADER_ROW, f"{ORDER}\tNoInventory\t")

    # When it is parsed
    records = parse(data)

    # Then the order is cancelled as a whole, numbered by its physical line
    assert records == [whole_order(3, "NoInventory")]


def test_the_template_row_is_optional() -> None:
    # Given a file that starts with the header
    data = text(HEADER_ROW, f"{ORDER}\tBuyerCanceled")

    # When it is parsed
    records = parse(data)

    # Then the row is line 2, and a missing trailing cell counts as empty
    assert records == [whole_order(2, "BuyerCanceled")]


def test_adjacent_rows_of_one_order_become_one_acknowledgement() -> None:
    # Given two item rows of one order, then a whole-order row of another
    data = text(
        TEMPLATE_ROW,
        HEADER_ROW,
        f"{ORDER}\tNoInventory\t{ITEM}",
        f"{ORDER}\tBuyerCanceled\t{OTHER_ITEM}",
        f"{OTHER_ORDER}\tPricingError\t",
    )

    # When it is parsed
    records = parse(data)

    # Then each order gets one message, numbered by its first row
    assert records == [
        Acknowledgement(
            3,
            ORDER,
            "Failure",
            None,
            None,
            (CancelLine(ITEM, "NoInventory", None), CancelLine(OTHER_ITEM, "BuyerCanceled", None)),
        ),
        whole_order(5, "PricingError", OTHER_ORDER),
    ]


def test_a_whole_order_row_wins_over_item_rows_of_the_same_order() -> None:
    # Given item rows around a whole-order row of the same order
    data = text(
        HEADER_ROW,
        f"{ORDER}\tNoInventory\t{ITEM}",
        f"{ORDER}\tGeneralAdjustment\t",
        f"{ORDER}\tNoInventory\t{OTHER_ITEM}",
    )

    # When it is parsed
    records = parse(data)

    # Then the whole order is cancelled with the whole-order row's reason
    assert records == [whole_order(2, "GeneralAdjustment")]


def test_rows_of_one_order_that_are_not_adjacent_are_separate_messages() -> None:
    # Given an order, another, then the first again
    data = text(
        HEADER_ROW,
        f"{ORDER}\tNoInventory\t{ITEM}",
        f"{OTHER_ORDER}\tNoInventory\t",
        f"{ORDER}\tNoInventory\t{OTHER_ITEM}",
    )

    # When it is parsed
    records = parse(data)

    # Then the first order gets two messages
    assert records == [
        Acknowledgement(2, ORDER, "Failure", None, None, (CancelLine(ITEM, "NoInventory", None),)),
        whole_order(3, "NoInventory", OTHER_ORDER),
        Acknowledgement(
            4, ORDER, "Failure", None, None, (CancelLine(OTHER_ITEM, "NoInventory", None),)
        ),
    ]


def test_columns_may_come_in_any_order_with_unnamed_empty_columns() -> None:
    # Given reordered columns, padded cells and an empty unnamed column at the end
    data = text(
        "amazon-order-item-code\t order-id \tcancellation-reason-code\t",
        f"{ITEM}\t{ORDER}\tCustomerExchange\t",
    )

    # When it is parsed
    records = parse(data)

    # Then cells are read by their header
    assert records == [
        Acknowledgement(
            2, ORDER, "Failure", None, None, (CancelLine(ITEM, "CustomerExchange", None),)
        )
    ]


def test_blank_lines_are_skipped_but_counted() -> None:
    # Given blank lines, whitespace and an Excel row of empty cells between rows
    data = text("", TEMPLATE_ROW, "  ", HEADER_ROW, "", "\t\t", f"{ORDER}\tNoInventory\t", "", "")

    # When it is parsed
    records = parse(data)

    # Then the row keeps its physical line number
    assert records == [whole_order(7, "NoInventory")]


def test_a_row_error_is_not_merged_and_does_not_break_the_group() -> None:
    # Given three rows of one order, the middle one with a bad reason
    data = text(
        HEADER_ROW,
        f"{ORDER}\tNoInventory\t{ITEM}",
        f"{ORDER}\tOutOfStock\t32345678901234",
        f"{ORDER}\tNoInventory\t{OTHER_ITEM}",
    )

    # When it is parsed
    records = parse(data)

    # Then the two good rows are one message and the bad row its own error, in line order
    assert records == [
        Acknowledgement(
            2,
            ORDER,
            "Failure",
            None,
            None,
            (CancelLine(ITEM, "NoInventory", None), CancelLine(OTHER_ITEM, "NoInventory", None)),
        ),
        RecordError(
            3,
            MessageProblem.INVALID_REASON,
            "cancellation-reason-code 'OutOfStock' is not a cancellation reason; use one of "
            "BuyerCanceled, CarrierCoverageFailure, CarrierCreditDecision, CustomerExchange, "
            "CustomerReturn, GeneralAdjustment, MerchandiseNotReceived, NoInventory, "
            "PricingError, RiskAssessmentInformationNotValid, ShippingAddressUndeliverable.",
            ORDER,
            "32345678901234",
        ),
    ]


def test_an_error_on_the_first_row_of_an_order_comes_before_its_message() -> None:
    # Given an order whose first row lacks a reason
    data = text(HEADER_ROW, f"{ORDER}\t\t{ITEM}", f"{ORDER}\tNoInventory\t{OTHER_ITEM}")

    # When it is parsed
    records = parse(data)

    # Then results stay in line order, and the message starts at the good row
    assert records == [
        RecordError(
            2, MessageProblem.MISSING_REASON, "cancellation-reason-code is empty.", ORDER, ITEM
        ),
        Acknowledgement(
            3, ORDER, "Failure", None, None, (CancelLine(OTHER_ITEM, "NoInventory", None),)
        ),
    ]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        (
            "\tNoInventory\t",
            RecordError(4, MessageProblem.INVALID_ORDER_ID, "order-id is empty."),
        ),
        (
            "203-1234567\tNoInventory\t",
            RecordError(
                4,
                MessageProblem.INVALID_ORDER_ID,
                "order-id '203-1234567' is not an order id like 123-1234567-1234567.",
            ),
        ),
        (
            f"{ORDER}\t\t",
            RecordError(
                4, MessageProblem.MISSING_REASON, "cancellation-reason-code is empty.", ORDER
            ),
        ),
        (
            f"{ORDER}\tno inventory\t",
            RecordError(
                4,
                MessageProblem.INVALID_REASON,
                "cancellation-reason-code 'no inventory' is not a cancellation reason; use one "
                "of BuyerCanceled, CarrierCoverageFailure, CarrierCreditDecision, "
                "CustomerExchange, CustomerReturn, GeneralAdjustment, MerchandiseNotReceived, "
                "NoInventory, PricingError, RiskAssessmentInformationNotValid, "
                "ShippingAddressUndeliverable.",
                ORDER,
            ),
        ),
        (
            f"{ORDER}\tbuyercanceled\t",
            RecordError(
                4,
                MessageProblem.INVALID_REASON,
                "cancellation-reason-code 'buyercanceled' is not a cancellation reason; "
                "did you mean BuyerCanceled?",
                ORDER,
            ),
        ),
        (
            f"{ORDER}\tNoInventory\t1234567890123",
            RecordError(
                4,
                MessageProblem.INVALID_ITEM_CODE,
                "amazon-order-item-code '1234567890123' is not an order item id of 14 digits.",
                ORDER,
            ),
        ),
        (
            f"{ORDER}\tNoInventory\t1.23457E+13",
            RecordError(
                4,
                MessageProblem.INVALID_ITEM_CODE,
                "amazon-order-item-code '1.23457E+13' is not an order item id of 14 digits. "
                "Excel shows long numbers like this; format the column as Text.",
                ORDER,
            ),
        ),
        (
            f"{ORDER}\tNoInventory\t{ITEM}\tplease hurry",
            RecordError(
                4,
                MessageProblem.INVALID_MESSAGE,
                "The row has a value in column 4, which has no header.",
                ORDER,
                ITEM,
            ),
        ),
    ],
)
def test_a_bad_row_is_an_error(row: str, error: RecordError) -> None:
    # Given a row with one problem, after a good row of another order
    data = text(TEMPLATE_ROW, HEADER_ROW, f"{OTHER_ORDER}\tNoInventory\t", row)

    # When it is parsed
    records = parse(data)

    # Then the good row is kept and the bad one reported
    assert records == [whole_order(3, "NoInventory", OTHER_ORDER), error]


def test_a_repeated_item_row_is_reported_and_ignored() -> None:
    # Given the same item twice in a row
    data = text(HEADER_ROW, f"{ORDER}\tNoInventory\t{ITEM}", f"{ORDER}\tBuyerCanceled\t{ITEM}")

    # When it is parsed
    records = parse(data)

    # Then the first row counts and the repeat is an error
    assert records == [
        Acknowledgement(2, ORDER, "Failure", None, None, (CancelLine(ITEM, "NoInventory", None),)),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            f"Order {ORDER} already cancels item {ITEM} on line 2; "
            "this row repeats it and is ignored.",
            ORDER,
            ITEM,
        ),
    ]


def test_a_repeated_whole_order_row_is_reported_and_ignored() -> None:
    # Given two whole-order rows of one order
    data = text(HEADER_ROW, f"{ORDER}\tNoInventory\t", f"{ORDER}\tBuyerCanceled\t")

    # When it is parsed
    records = parse(data)

    # Then the first reason counts and the repeat is an error
    assert records == [
        whole_order(2, "NoInventory"),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            f"Order {ORDER} already cancels the whole order on line 2; "
            "this row repeats it and is ignored.",
            ORDER,
        ),
    ]


def test_an_order_with_more_than_a_thousand_rows_is_split() -> None:
    # Given 1,001 item rows of one order
    rows = [f"{ORDER}\tNoInventory\t{n:014d}" for n in range(1, 1002)]
    data = text(HEADER_ROW, *rows)

    # When it is parsed
    records = parse(data)

    # Then a thousand rows make one message and the rest the next
    assert [(r.message_id, len(r.items)) for r in records if isinstance(r, Acknowledgement)] == [
        (2, 1000),
        (1002, 1),
    ]


# --- encodings ---------------------------------------------------------------------------------


def test_an_unknown_column_in_windows_1252_is_named_correctly() -> None:
    # Given a Windows-1252 header with an extra column named in Swedish
    data = text(HEADER_ROW + "\tanteckning-å", f"{ORDER}\tNoInventory\t\t", encoding="cp1252")

    # When it is parsed
    rejected = rejection(data)

    # Then the column is named as the seller wrote it
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        "The header on line 1 has unknown column(s) 'anteckning-å'. "
        "The columns are order-id, cancellation-reason-code, amazon-order-item-code.",
    )


# --- whole-file problems -----------------------------------------------------------------------


def test_the_downloadable_template_is_a_valid_but_empty_file() -> None:
    # Given the template as downloaded
    lines = ORDER_CANCELLATION_TEMPLATE.splitlines()
    assert (lines[0], lines[-1]) == ("TemplateType=OrderCancellation\tVersion=1.0", HEADER_ROW)

    # When it is uploaded unchanged
    rejected = rejection(ORDER_CANCELLATION_TEMPLATE.encode())

    # Then its header is accepted and the feed is empty
    assert (rejected.code, rejected.description) == (
        FileProblem.EMPTY,
        "The file has a header but no order rows.",
    )


def test_a_data_row_in_place_of_the_header_is_a_bad_header() -> None:
    # Given a file whose header was deleted
    rejected = rejection(text(f"{ORDER}\tNoInventory\t"))

    # Then the header is reported with what was found and what is missing
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        f"The header on line 1 has unknown column(s) '{ORDER}', 'NoInventory'; missing "
        "column(s) order-id, cancellation-reason-code, amazon-order-item-code. "
        "The columns are order-id, cancellation-reason-code, amazon-order-item-code.",
    )


def test_misspelt_and_repeated_columns_are_a_bad_header() -> None:
    # Given a header with order_id for order-id and a repeated column
    data = text(
        "order_id\tcancellation-reason-code\tamazon-order-item-code\tamazon-order-item-code",
        f"{ORDER}\tNoInventory\t\t",
    )

    # When it is parsed
    rejected = rejection(data)

    # Then every problem is named
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        "The header on line 1 has column 'amazon-order-item-code' twice; unknown "
        "column(s) 'order_id'; missing column(s) order-id. "
        "The columns are order-id, cancellation-reason-code, amazon-order-item-code.",
    )


# --- xlsx --------------------------------------------------------------------------------------


def test_an_xlsx_workbook_is_read_by_its_magic_bytes() -> None:
    # Given a workbook (named .txt) with the template row, a blank row, and a numeric item code
    data = workbook(
        TEMPLATE_ROW.split("\t"),
        HEADER_ROW.split("\t"),
        [ORDER, "NoInventory", int(ITEM)],
        [],
        [ORDER, "BuyerCanceled", OTHER_ITEM],
        [OTHER_ORDER, "PricingError", None],
    )

    # When it is parsed
    records = parse(data, filename="cancellations.txt")

    # Then rows are read like text rows, numbered by sheet row; the blank row does not split
    # the order
    assert records == [
        Acknowledgement(
            3,
            ORDER,
            "Failure",
            None,
            None,
            (CancelLine(ITEM, "NoInventory", None), CancelLine(OTHER_ITEM, "BuyerCanceled", None)),
        ),
        whole_order(6, "PricingError", OTHER_ORDER),
    ]


def test_the_order_cancellation_sheet_is_preferred_over_the_first() -> None:
    # Given a workbook whose first sheet holds instructions
    data = workbook(
        HEADER_ROW.split("\t"), [ORDER, "NoInventory", float(ITEM)], first="Instructions"
    )

    # When it is parsed
    records = parse(data)

    # Then the OrderCancellation sheet is read, and an integral float is an item code
    assert records == [
        Acknowledgement(2, ORDER, "Failure", None, None, (CancelLine(ITEM, "NoInventory", None),))
    ]


def test_the_first_sheet_is_read_when_none_is_named_order_cancellation() -> None:
    # Given a workbook with one sheet named otherwise
    data = workbook(HEADER_ROW.split("\t"), [ORDER, "NoInventory"], sheet="Sheet1")

    # When it is parsed
    records = parse(data)

    # Then that sheet is read
    assert records == [whole_order(2, "NoInventory")]


def test_an_xlsx_with_a_bad_header_is_rejected() -> None:
    # Given a workbook whose header lacks the reason column
    data = workbook(["order-id", "amazon-order-item-code"], [ORDER, ITEM])

    # When it is parsed
    rejected = rejection(data)

    # Then the header is bad
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        "The header on line 1 has missing column(s) cancellation-reason-code. "
        "The columns are order-id, cancellation-reason-code, amazon-order-item-code.",
    )


# --- any input ---------------------------------------------------------------------------------

CELLS = [
    "",
    " ",
    ORDER,
    OTHER_ORDER,
    "NoInventory",
    "noinventory",
    ITEM,
    "1.23457E+13",
    "order-id",
    "cancellation-reason-code",
    "amazon-order-item-code",
    "TemplateType=OrderCancellation",
    "Version=1.0",
    "Ö",
]
LINES = st.lists(st.sampled_from(CELLS), max_size=5).map("\t".join)


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
    records = read_order_cancellations(io.BytesIO(text(*lines, encoding=encoding, newline=newline)))

    # When it is read to the end
    yielded: list[Acknowledgement | RecordError] = []
    try:
        yielded.extend(records)
    except FeedRejected:
        # Then a rejection only ever comes before the first record
        assert yielded == []

    # And every row's line number points into the file
    assert all(1 <= record.message_id <= len(lines) for record in yielded)
