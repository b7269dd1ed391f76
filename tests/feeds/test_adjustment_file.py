"""The BatchRefunds (Order Adjustment) file parser: tab-separated text or .xlsx in, adjustments or
errors out."""

import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.adjustment import AdjustedItem, Adjustment
from sellerdesk.feeds.parsers.adjustment_file import (
    PAYMENT_ADJUSTMENT_TEMPLATE,
    read_payment_adjustments,
)
from sellerdesk.feeds.parsers.records import FeedRejected, RecordError

ORDER = "203-1234567-7654321"
OTHER_ORDER = "203-7654321-1234567"
ITEM = "12345678901234"
OTHER_ITEM = "22345678901234"
THIRD_ITEM = "32345678901234"
TEMPLATE_ROW = (
    "TemplateType=BatchRefunds\tVersion=1.0\t"
    "This row for Amazon.com use only.  Do not modify or delete."
)
HEADER_COLUMNS = (
    "order-id, order-item-id, adjustment-reason-code, currency, item-price-adj, item-tax-adj, "
    "shipping-price-adj, shipping-tax-adj, gift-wrap-price-adj, gift-wrap-tax-adj, "
    "item-promotion-adj, item-promotion-id, ship-promotion-adj, ship-promotion-id, "
    "quantity-cancelled, merchant-adjustment-item-id, restocking-fee"
)
HEADER_ROW = HEADER_COLUMNS.replace(", ", "\t")
COLUMNS_HINT = (
    f"The columns are {HEADER_COLUMNS}; only order-id, order-item-id, adjustment-reason-code "
    "are required."
)


def row(
    order: str = ORDER,
    item: str = ITEM,
    reason: str = "CustomerReturn",
    currency: str = "SEK",
    price: str = "100.00",
    tax: str = "",
    shipping: str = "",
    shipping_tax: str = "",
    gift_wrap: str = "",
    gift_wrap_tax: str = "",
    item_promotion: str = "",
    item_promotion_id: str = "",
    ship_promotion: str = "",
    ship_promotion_id: str = "",
    cancelled: str = "",
    key: str = "",
    fee: str = "",
) -> str:
    return "\t".join(
        [
            order,
            item,
            reason,
            currency,
            price,
            tax,
            shipping,
            shipping_tax,
            gift_wrap,
            gift_wrap_tax,
            item_promotion,
            item_promotion_id,
            ship_promotion,
            ship_promotion_id,
            cancelled,
            key,
            fee,
        ]
    )


def text(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return "".join(line + newline for line in lines).encode(encoding)


def parse(data: bytes, filename: str = "") -> list[Adjustment | RecordError]:
    return list(read_payment_adjustments(io.BytesIO(data), filename=filename))


def rejection(data: bytes, filename: str = "") -> FeedRejected:
    with pytest.raises(FeedRejected) as caught:
        parse(data, filename)
    return caught.value


def adjusted(
    item: str = ITEM,
    *,
    reason: str = "CustomerReturn",
    key: str | None = None,
    cancelled: int = 0,
    currency: str = "SEK",
    principal: str = "100.00",
    shipping: str = "0.00",
    tax: str = "0.00",
    shipping_tax: str = "0.00",
    fee: str = "0.00",
) -> AdjustedItem:
    return AdjustedItem(
        item,
        reason,
        key,
        cancelled,
        currency,
        Decimal(principal),
        Decimal(shipping),
        Decimal(tax),
        Decimal(shipping_tax),
        Decimal(fee),
    )


def adjustment(line: int, *items: AdjustedItem, order: str = ORDER) -> Adjustment:
    return Adjustment(line, order, items or (adjusted(),))


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


def test_a_refund_row_under_the_template_row_is_one_adjustment() -> None:
    # Given the template's two rows and a row refunding every supported component, with the
    # seller's key and a restocking fee
    data = text(
        TEMPLATE_ROW,
        HEADER_ROW,
        row(
            price="100",
            tax="25.5",
            shipping="49.00",
            shipping_tax="12.25",
            key="RET-1001-1",
            fee="10",
        ),
    )

    # When it is parsed
    records = parse(data)

    # Then each amount lands in its component, to two places, numbered by the physical line
    assert records == [
        adjustment(
            3,
            adjusted(
                principal="100.00",
                tax="25.50",
                shipping="49.00",
                shipping_tax="12.25",
                key="RET-1001-1",
                fee="10.00",
            ),
        )
    ]
    record = records[0]
    assert isinstance(record, Adjustment)
    assert str(record.items[0].principal) == "100.00"
    assert record.items[0].net == Decimal("176.75")


def test_the_template_is_the_template_row_and_the_header() -> None:
    # Given the template as downloaded
    lines = PAYMENT_ADJUSTMENT_TEMPLATE.splitlines()
    assert (lines[0], lines[-1]) == ("TemplateType=BatchRefunds\tVersion=1.0", HEADER_ROW)

    # When it is uploaded unchanged
    rejected = rejection(PAYMENT_ADJUSTMENT_TEMPLATE.encode())

    # Then its header is accepted and the feed is empty
    assert (rejected.code, rejected.description) == (
        FileProblem.EMPTY,
        "The file has a header but no adjustment rows.",
    )


def test_the_template_row_is_optional() -> None:
    # Given a file that starts with the header
    data = text(HEADER_ROW, row())

    # When it is parsed
    records = parse(data)

    # Then the row is line 2
    assert records == [adjustment(2)]


def test_a_row_that_only_cancels_units_needs_no_currency() -> None:
    # Given a row with no amount, only units cancelled
    data = text(HEADER_ROW, row(reason="NoInventory", currency="", price="", cancelled="2"))

    # When it is parsed
    records = parse(data)

    # Then the item cancels two units and refunds nothing, in no currency
    assert records == [
        adjustment(2, adjusted(reason="NoInventory", cancelled=2, currency="", principal="0.00"))
    ]


def test_a_restocking_fee_alone_is_read() -> None:
    # Given a row that only charges a restocking fee
    data = text(HEADER_ROW, row(price="", fee="5.00"))

    # When it is parsed
    records = parse(data)

    # Then the fee is kept (whether a fee alone is a credit is the refund service's to decide)
    assert records == [adjustment(2, adjusted(principal="0.00", fee="5.00"))]


def test_zero_gift_wrap_and_promotion_amounts_are_accepted() -> None:
    # Given gift-wrap and promotion columns written as 0 in several ways, and promotion ids
    data = text(
        HEADER_ROW,
        row(
            gift_wrap="0",
            gift_wrap_tax="0.00",
            item_promotion="-0",
            item_promotion_id="SPRING-10",
            ship_promotion="0.0",
            ship_promotion_id="FREESHIP",
        ),
    )

    # When it is parsed
    records = parse(data)

    # Then they change nothing
    assert records == [adjustment(2)]


@pytest.mark.parametrize(("written", "amount"), [("7", "7.00"), ("0.5", "0.50"), ("-0", "0.00")])
def test_amounts_are_kept_to_two_places(written: str, amount: str) -> None:
    # Given an amount written without or with fewer decimals, or as minus zero
    data = text(HEADER_ROW, row(price="1", tax=written))

    # When it is parsed
    records = parse(data)

    # Then it is a two-place amount, never negative zero
    assert records == [adjustment(2, adjusted(principal="1.00", tax=amount))]
    record = records[0]
    assert isinstance(record, Adjustment)
    assert str(record.items[0].tax) == amount


def test_adjacent_rows_of_one_order_become_one_adjustment() -> None:
    # Given two item rows of one order, one of them only cancelling units, then another order
    data = text(
        HEADER_ROW,
        row(item=ITEM),
        row(item=OTHER_ITEM, reason="NoInventory", currency="", price="", cancelled="1"),
        row(OTHER_ORDER, price="5"),
    )

    # When it is parsed
    records = parse(data)

    # Then each order gets one message, numbered by its first row
    assert records == [
        adjustment(
            2,
            adjusted(ITEM),
            adjusted(OTHER_ITEM, reason="NoInventory", cancelled=1, currency="", principal="0.00"),
        ),
        adjustment(4, adjusted(principal="5.00"), order=OTHER_ORDER),
    ]


def test_rows_of_one_order_that_are_not_adjacent_are_separate_messages() -> None:
    # Given an order, another, then the first again
    data = text(HEADER_ROW, row(item=ITEM), row(OTHER_ORDER), row(item=OTHER_ITEM))

    # When it is parsed
    records = parse(data)

    # Then the first order gets two messages
    assert records == [
        adjustment(2, adjusted(ITEM)),
        adjustment(3, order=OTHER_ORDER),
        adjustment(4, adjusted(OTHER_ITEM)),
    ]


def test_optional_columns_may_be_left_out_and_columns_come_in_any_order() -> None:
    # Given the required columns and a few others, reordered, padded, with an empty unnamed
    # column; the last row stops before its trailing empty cells
    data = text(
        "item-price-adj\t adjustment-reason-code \tcurrency\torder-item-id\torder-id\t"
        "quantity-cancelled\t",
        f"12.50\tPriceError\tSEK\t{ITEM}\t{ORDER}\t\t",
        f"\tNoInventory\t\t{OTHER_ITEM}\t{ORDER}\t1",
    )

    # When it is parsed
    records = parse(data)

    # Then cells are read by their header and the missing ones count as empty
    assert records == [
        adjustment(
            2,
            adjusted(reason="PriceError", principal="12.50"),
            adjusted(OTHER_ITEM, reason="NoInventory", cancelled=1, currency="", principal="0.00"),
        )
    ]


def test_blank_lines_are_skipped_but_counted() -> None:
    # Given blank lines, whitespace and a row of empty cells between rows
    data = text("", HEADER_ROW, "  ", "\t" * 16, row(item=ITEM), "", row(item=OTHER_ITEM), "")

    # When it is parsed
    records = parse(data)

    # Then the rows keep their physical line numbers and stay one adjustment
    assert records == [adjustment(5, adjusted(ITEM), adjusted(OTHER_ITEM))]


def test_a_row_error_is_not_merged_and_does_not_break_the_group() -> None:
    # Given three rows of one order, the middle one with a negative amount
    data = text(HEADER_ROW, row(item=ITEM), row(item=THIRD_ITEM, tax="-1.00"), row(item=OTHER_ITEM))

    # When it is parsed
    records = parse(data)

    # Then the two good rows are one message and the bad row its own error, in line order
    assert records == [
        adjustment(2, adjusted(ITEM), adjusted(OTHER_ITEM)),
        RecordError(
            3,
            MessageProblem.INVALID_AMOUNT,
            "item-tax-adj -1.00 is negative; the amounts are refunds to the buyer, written as "
            "positive amounts.",
            ORDER,
            THIRD_ITEM,
        ),
    ]


def test_an_error_on_the_first_row_of_an_order_comes_before_its_message() -> None:
    # Given an order whose first row lacks a reason
    data = text(HEADER_ROW, row(item=ITEM, reason=""), row(item=OTHER_ITEM))

    # When it is parsed
    records = parse(data)

    # Then results stay in line order, and the message starts at the good row
    assert records == [
        RecordError(
            2,
            MessageProblem.INVALID_ADJUSTMENT_REASON,
            "adjustment-reason-code is empty.",
            ORDER,
            ITEM,
        ),
        adjustment(3, adjusted(OTHER_ITEM)),
    ]


def test_a_repeated_item_row_is_reported_and_ignored() -> None:
    # Given the same item twice in an order's rows
    data = text(HEADER_ROW, row(item=ITEM, price="10"), row(item=ITEM, price="20"))

    # When it is parsed
    records = parse(data)

    # Then the first row counts and the repeat is an error
    assert records == [
        adjustment(2, adjusted(principal="10.00")),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            f"Order {ORDER} already adjusts item {ITEM} on line 2; this row repeats it and is "
            "ignored.",
            ORDER,
            ITEM,
        ),
    ]


def test_a_row_in_another_currency_than_its_order_is_reported_and_ignored() -> None:
    # Given an order's rows in SEK, then one in EUR, then one without amounts or currency
    data = text(
        HEADER_ROW,
        row(item=ITEM),
        row(item=OTHER_ITEM, currency="EUR"),
        row(item=THIRD_ITEM, reason="NoInventory", currency="", price="", cancelled="1"),
    )

    # When it is parsed
    records = parse(data)

    # Then the first currency stands, the EUR row is an error, the row without one is merged
    assert records == [
        adjustment(
            2,
            adjusted(ITEM),
            adjusted(THIRD_ITEM, reason="NoInventory", cancelled=1, currency="", principal="0.00"),
        ),
        RecordError(
            3,
            MessageProblem.WRONG_CURRENCY,
            f"Order {ORDER} has amounts in SEK on line 2; one adjustment is in one currency, so "
            "this row in EUR is ignored.",
            ORDER,
            OTHER_ITEM,
        ),
    ]


def test_the_currency_of_an_order_is_set_by_its_first_row_with_one() -> None:
    # Given a row without currency, then rows in EUR and SEK
    data = text(
        HEADER_ROW,
        row(item=ITEM, reason="NoInventory", currency="", price="", cancelled="1"),
        row(item=OTHER_ITEM, currency="EUR"),
        row(item=THIRD_ITEM),
    )

    # When it is parsed
    records = parse(data)

    # Then EUR, the first currency given, stands and the SEK row is refused
    assert records == [
        adjustment(
            2,
            adjusted(reason="NoInventory", cancelled=1, currency="", principal="0.00"),
            adjusted(OTHER_ITEM, currency="EUR"),
        ),
        RecordError(
            4,
            MessageProblem.WRONG_CURRENCY,
            f"Order {ORDER} has amounts in EUR on line 3; one adjustment is in one currency, so "
            "this row in SEK is ignored.",
            ORDER,
            THIRD_ITEM,
        ),
    ]


def test_an_order_with_more_than_a_thousand_rows_is_split() -> None:
    # Given 1,001 item rows of one order
    rows = [row(item=f"{n:014d}") for n in range(1, 1002)]
    data = text(HEADER_ROW, *rows)

    # When it is parsed
    records = parse(data)

    # Then a thousand rows make one message and the rest the next
    assert [(r.message_id, len(r.items)) for r in records if isinstance(r, Adjustment)] == [
        (2, 1000),
        (1002, 1),
    ]


REASONS = (
    "Abandoned, CarrierCoverageFailure, CarrierCreditDecision, CouldNotShip, "
    "CustomerAddressIncorrect, CustomerCancel, CustomerReturn, DifferentItem, Exchange, "
    "GeneralAdjustment, NoInventory, Other, PriceError, ProductOutofStock, RefusedDelivery, "
    "RiskAssessmentInformationNotValid, TransactionRecord, Undeliverable"
)


@pytest.mark.parametrize(
    ("bad_row", "error"),
    [
        (
            row(order=""),
            RecordError(3, MessageProblem.INVALID_ORDER_ID, "order-id is empty.", None, ITEM),
        ),
        (
            row(order="203-1234567"),
            RecordError(
                3,
                MessageProblem.INVALID_ORDER_ID,
                "order-id '203-1234567' is not an order id like 123-1234567-1234567.",
                None,
                ITEM,
            ),
        ),
        (
            row(item=""),
            RecordError(3, MessageProblem.INVALID_ITEM_CODE, "order-item-id is empty.", ORDER),
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
        (
            row(reason="customerreturn"),
            RecordError(
                3,
                MessageProblem.INVALID_ADJUSTMENT_REASON,
                "adjustment-reason-code 'customerreturn' is not an adjustment reason; did you "
                "mean CustomerReturn?",
                ORDER,
                ITEM,
            ),
        ),
        (
            row(reason="BuyerCanceled"),
            RecordError(
                3,
                MessageProblem.INVALID_ADJUSTMENT_REASON,
                "adjustment-reason-code 'BuyerCanceled' is not an adjustment reason; use one of "
                f"{REASONS}.",
                ORDER,
                ITEM,
            ),
        ),
        *(
            (
                row(currency=currency),
                RecordError(
                    3,
                    MessageProblem.WRONG_CURRENCY,
                    f"currency '{currency}' is not a currency code like SEK.",
                    ORDER,
                    ITEM,
                ),
            )
            for currency in ["sek", "kr", "SEKR", "€"]
        ),
        (
            row(currency=""),
            RecordError(
                3,
                MessageProblem.WRONG_CURRENCY,
                "currency is empty; it names the currency of the amounts, like SEK.",
                ORDER,
                ITEM,
            ),
        ),
        (
            row(currency="", price="", fee="5"),
            RecordError(
                3,
                MessageProblem.WRONG_CURRENCY,
                "currency is empty; it names the currency of the amounts, like SEK.",
                ORDER,
                ITEM,
            ),
        ),
        (
            row(price="10.005"),
            RecordError(
                3,
                MessageProblem.INVALID_AMOUNT,
                "item-price-adj '10.005' has more than two decimals.",
                ORDER,
                ITEM,
            ),
        ),
        (
            row(shipping="49,00"),
            RecordError(
                3,
                MessageProblem.INVALID_AMOUNT,
                "shipping-price-adj '49,00' is not an amount: write it with a point and no "
                "commas, like 12.50.",
                ORDER,
                ITEM,
            ),
        ),
        (
            row(shipping_tax="12 kr"),
            RecordError(
                3,
                MessageProblem.INVALID_AMOUNT,
                "shipping-tax-adj '12 kr' is not an amount like 12.50.",
                ORDER,
                ITEM,
            ),
        ),
        (
            row(price="12345678901"),
            RecordError(
                3,
                MessageProblem.INVALID_AMOUNT,
                "item-price-adj '12345678901' is not an amount like 12.50.",
                ORDER,
                ITEM,
            ),
        ),
        *(
            (
                row(**{field: "-5.00"}),
                RecordError(
                    3,
                    MessageProblem.INVALID_AMOUNT,
                    f"{column} -5.00 is negative; the amounts are refunds to the buyer, written "
                    "as positive amounts.",
                    ORDER,
                    ITEM,
                ),
            )
            for field, column in [
                ("price", "item-price-adj"),
                ("tax", "item-tax-adj"),
                ("shipping", "shipping-price-adj"),
                ("shipping_tax", "shipping-tax-adj"),
            ]
        ),
        (
            row(fee="-10.00"),
            RecordError(
                3,
                MessageProblem.INVALID_AMOUNT,
                "restocking-fee -10.00 is negative; the fee charged to the buyer is written as a "
                "positive amount, like 10.00.",
                ORDER,
                ITEM,
            ),
        ),
        *(
            (
                row(**{field: "-2.5"}),
                RecordError(
                    3,
                    MessageProblem.UNSUPPORTED_COMPONENT,
                    f"{column} is -2.5, but Seller Desk sells no gift wrap, so there is none to "
                    "refund; leave it empty or 0.",
                    ORDER,
                    ITEM,
                ),
            )
            for field, column in [
                ("gift_wrap", "gift-wrap-price-adj"),
                ("gift_wrap_tax", "gift-wrap-tax-adj"),
            ]
        ),
        *(
            (
                row(**{field: "10"}),
                RecordError(
                    3,
                    MessageProblem.UNSUPPORTED_COMPONENT,
                    f"{column} is 10, but Seller Desk refunds no promotions; leave it empty or 0.",
                    ORDER,
                    ITEM,
                ),
            )
            for field, column in [
                ("item_promotion", "item-promotion-adj"),
                ("ship_promotion", "ship-promotion-adj"),
            ]
        ),
        (
            row(gift_wrap="free"),
            RecordError(
                3,
                MessageProblem.INVALID_AMOUNT,
                "gift-wrap-price-adj 'free' is not an amount like 12.50.",
                ORDER,
                ITEM,
            ),
        ),
        *(
            (
                row(cancelled=quantity),
                RecordError(
                    3,
                    MessageProblem.INVALID_QUANTITY,
                    f"quantity-cancelled '{quantity}' is not a whole number from 0 to 2147483647.",
                    ORDER,
                    ITEM,
                ),
            )
            for quantity in ["-1", "1.5", "two", "2147483648", "9" * 30]
        ),
        (
            row(key="K" * 101),
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                f"merchant-adjustment-item-id '{'K' * 40}…' is longer than 100 characters.",
                ORDER,
                ITEM,
            ),
        ),
        *(
            (
                row(price=price, fee=fee, cancelled=cancelled),
                RecordError(
                    3,
                    MessageProblem.INVALID_MESSAGE,
                    "The row has nothing to adjust: every amount is empty or 0, and so is "
                    "quantity-cancelled.",
                    ORDER,
                    ITEM,
                ),
            )
            for price, fee, cancelled in [("", "", ""), ("0.00", "0", "0")]
        ),
        (
            row() + "\tplease hurry",
            RecordError(
                3,
                MessageProblem.INVALID_MESSAGE,
                "The row has a value in column 18, which has no header.",
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

    # Then the good row is kept and the bad one reported, naming the column and the value
    assert records == [adjustment(2, order=OTHER_ORDER), error]


def test_a_key_of_100_characters_is_kept() -> None:
    # Given a merchant-adjustment-item-id at the length limit
    data = text(HEADER_ROW, row(key="K" * 100))

    # When it is parsed
    records = parse(data)

    # Then it is the item's key, whole
    assert records == [adjustment(2, adjusted(key="K" * 100))]


def test_a_file_cut_off_mid_row_reports_the_cut_row() -> None:
    # Given a file that stops inside its last row, before its currency and amounts
    data = text(HEADER_ROW, row(), row(OTHER_ORDER))
    data = data[: data.rindex(b"CustomerReturn") + len(b"CustomerReturn")]

    # When it is parsed
    records = parse(data)

    # Then the complete rows count and the cut row is an error
    assert records == [
        adjustment(2),
        RecordError(
            3,
            MessageProblem.INVALID_MESSAGE,
            "The row has nothing to adjust: every amount is empty or 0, and so is "
            "quantity-cancelled.",
            OTHER_ORDER,
            ITEM,
        ),
    ]


# --- whole-file problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        (
            "\t".join([ORDER, ITEM, "CustomerReturn", "SEK"]),
            f"unknown column(s) '{ORDER}', '{ITEM}', 'CustomerReturn', 'SEK'; missing "
            "column(s) order-id, order-item-id, adjustment-reason-code",
        ),
        (
            "order-id\torder-item-id\titem-price-adj",
            "missing column(s) adjustment-reason-code",
        ),
        (
            "order_id\torder-item-id\tadjustment-reason-code\tcurrency\tcurrency",
            "column 'currency' twice; unknown column(s) 'order_id'; missing column(s) order-id",
        ),
        (
            "order-id\tcancellation-reason-code\tamazon-order-item-code",
            "unknown column(s) 'cancellation-reason-code', 'amazon-order-item-code'; missing "
            "column(s) order-item-id, adjustment-reason-code",
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
    # Given a workbook (named .txt) with the template row, numeric item codes, amounts and
    # quantities as Excel stores them, and a blank row inside an order
    header = HEADER_ROW.split("\t")
    data = workbook(
        TEMPLATE_ROW.split("\t"),
        header,
        [ORDER, int(ITEM), "CustomerReturn", "SEK", 99.5, 24.88, 49, None, 0],
        [],
        [ORDER, float(OTHER_ITEM), "NoInventory", None, *[None] * 10, 2],
        [OTHER_ORDER, ITEM, "PriceError", "SEK", 10, *[None] * 10, "RET-7", 5.25],
    )

    # When it is parsed
    records = parse(data, filename="refunds.txt")

    # Then rows are read like text rows, numbered by sheet row
    assert records == [
        adjustment(
            3,
            adjusted(principal="99.50", tax="24.88", shipping="49.00"),
            adjusted(OTHER_ITEM, reason="NoInventory", cancelled=2, currency="", principal="0.00"),
        ),
        adjustment(
            6,
            adjusted(reason="PriceError", principal="10.00", key="RET-7", fee="5.25"),
            order=OTHER_ORDER,
        ),
    ]


def test_an_xlsx_amount_with_more_than_two_decimals_is_invalid() -> None:
    # Given a workbook whose tax cell holds a computed 25% of 99.50, shown rounded by Excel
    data = workbook(
        HEADER_ROW.split("\t"), [ORDER, ITEM, "CustomerReturn", "SEK", 99.5, 99.5 * 0.25]
    )

    # When it is parsed
    records = parse(data)

    # Then the amount is refused as stored in the cell, not rounded into a refund
    assert records == [
        RecordError(
            2,
            MessageProblem.INVALID_AMOUNT,
            "item-tax-adj '24.875' has more than two decimals.",
            ORDER,
            ITEM,
        )
    ]


def test_an_xlsx_with_a_bad_header_is_rejected() -> None:
    # Given a workbook whose header lacks the reason
    data = workbook(["order-id", "order-item-id", "item-price-adj"], [ORDER, ITEM, 10])

    # When it is parsed
    rejected = rejection(data)

    # Then the header is bad
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        f"The header on line 1 has missing column(s) adjustment-reason-code. {COLUMNS_HINT}",
    )


# --- any input ---------------------------------------------------------------------------------

CELLS = [
    "",
    " ",
    ORDER,
    OTHER_ORDER,
    ITEM,
    OTHER_ITEM,
    "1.23457E+13",
    "CustomerReturn",
    "NoInventory",
    "SEK",
    "EUR",
    "12.50",
    "-1",
    "0",
    "2",
    "10.005",
    "order-id",
    "order-item-id",
    "adjustment-reason-code",
    "currency",
    "item-price-adj",
    "quantity-cancelled",
    "restocking-fee",
    "TemplateType=BatchRefunds",
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
    records = read_payment_adjustments(io.BytesIO(data))

    # When it is read to the end
    yielded: list[Adjustment | RecordError] = []
    try:
        yielded.extend(records)
    except FeedRejected:
        # Then a rejection only ever comes before the first record
        assert yielded == []

    # And every record's line number points into the file; every amount is two-place and
    # not negative, and every item adjusts something
    assert all(1 <= record.message_id <= len(lines) for record in yielded)
    items = [item for record in yielded if isinstance(record, Adjustment) for item in record.items]
    for item in items:
        amounts = (item.principal, item.shipping, item.tax, item.shipping_tax, item.restocking_fee)
        assert all(amount >= 0 and amount.as_tuple().exponent == -2 for amount in amounts)
        assert item.quantity_cancelled or any(amounts)
