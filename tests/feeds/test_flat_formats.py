"""What every flat-file format shares, run over each of them: encodings, line ends, whole-file
errors, .xlsx workbooks and their bounds, and memory."""

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from bench.xlsx_bomb import workbook_bomb
from sellerdesk.cancellations.reasons import ALL_REASONS
from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.adjustment_file import (
    PAYMENT_ADJUSTMENT_TEMPLATE,
    read_payment_adjustments,
)
from sellerdesk.feeds.parsers.cancellation_file import (
    ORDER_CANCELLATION_TEMPLATE,
    read_order_cancellations,
)
from sellerdesk.feeds.parsers.fulfillment_file import (
    SHIPMENT_CONFIRMATION_TEMPLATE,
    read_shipment_confirmations,
)
from sellerdesk.feeds.parsers.inventory_file import (
    PRICE_AND_QUANTITY_TEMPLATE,
    read_inventory_updates,
)
from sellerdesk.feeds.parsers.records import Acknowledgement, FeedRejected, RecordError
from sellerdesk.refunds.reasons import ADJUSTMENT_REASONS
from tests.feeds import test_adjustment_file as adjustments
from tests.feeds import test_fulfillment_file as shipments
from tests.feeds import test_inventory_file as inventory
from tests.feeds.test_cancellation_file import HEADER_ROW, ITEM, OTHER_ITEM, OTHER_ORDER, text
from tests.feeds.test_cancellation_file import workbook as cancellation_workbook

SHEET = "xl/worksheets/sheet1.xml"


@dataclass(frozen=True)
class Format:
    read: Callable[..., Iterator[Any]]
    header: str
    good_row: str  # of OTHER_ORDER (or another SKU), one message
    good: Callable[[int], Any]  # the good row's record on a line
    accented_row: str  # with å or Ö, one message
    accented: Callable[[int], Any]
    template: str
    template_row: str  # "TemplateType=…" naming the format's own template
    foreign_template: str  # another format's TemplateType
    takes: str  # what the WRONG_MESSAGE_TYPE description says the feed takes
    noun: str  # "The file has a header but no {noun} rows."
    stem: str  # of file names
    message_rows: Callable[[int], list[str]]  # the rows of message number n, for the memory test


FORMATS = {
    "cancellation": Format(
        read=read_order_cancellations,
        header=HEADER_ROW,
        good_row=f"{OTHER_ORDER}\tPricingError\t",
        good=lambda line: Acknowledgement(line, OTHER_ORDER, "Failure", None, "PricingError", ()),
        accented_row="Ö03-1234567-7654321\tNoInventory\t",
        accented=lambda line: RecordError(
            line,
            MessageProblem.INVALID_ORDER_ID,
            "order-id 'Ö03-1234567-7654321' is not an order id like 123-1234567-1234567.",
        ),
        template=ORDER_CANCELLATION_TEMPLATE,
        template_row="TemplateType=OrderCancellation\tVersion=1.0",
        foreign_template="ShippingConfirmation",
        takes="an OrderCancellation file",
        noun="order",
        stem="cancel",
        message_rows=lambda n: [
            f"203-{n:07d}-7654321\tNoInventory\t{ITEM}",
            f"203-{n:07d}-7654321\tNoInventory\t{OTHER_ITEM}",
        ],
    ),
    "fulfillment": Format(
        read=read_shipment_confirmations,
        header=shipments.HEADER_ROW,
        good_row=shipments.row(OTHER_ORDER),
        good=lambda line: shipments.shipped(line, order=OTHER_ORDER),
        accented_row=shipments.row(code="Other", name="Åkeri Öst"),
        accented=lambda line: shipments.shipped(line, carrier="Åkeri Öst"),
        template=SHIPMENT_CONFIRMATION_TEMPLATE,
        template_row="TemplateType=ShippingConfirmation\tVersion=1.0",
        foreign_template="OrderCancellation",
        takes=(
            "a shipping confirmation file, whose first row is the header "
            f"{shipments.HEADER_COLUMNS}"
        ),
        noun="shipment",
        stem="shipments",
        message_rows=lambda n: [
            shipments.row(f"203-{n:07d}-7654321", ITEM, "1", tracking=f"0037071234{n:010d}"),
            shipments.row(f"203-{n:07d}-7654321", OTHER_ITEM, tracking=f"0037071234{n:010d}"),
        ],
    ),
    "adjustment": Format(
        read=read_payment_adjustments,
        header=adjustments.HEADER_ROW,
        good_row=adjustments.row(OTHER_ORDER),
        good=lambda line: adjustments.adjustment(line, order=OTHER_ORDER),
        accented_row=adjustments.row(key="Retur-Åsa-Öst"),
        accented=lambda line: adjustments.adjustment(
            line, adjustments.adjusted(key="Retur-Åsa-Öst")
        ),
        template=PAYMENT_ADJUSTMENT_TEMPLATE,
        template_row=adjustments.TEMPLATE_ROW,
        foreign_template="OrderCancellation",
        takes="a BatchRefunds file",
        noun="adjustment",
        stem="refunds",
        message_rows=lambda n: [
            adjustments.row(f"203-{n:07d}-7654321", ITEM, key=f"R{n}-1"),
            adjustments.row(f"203-{n:07d}-7654321", OTHER_ITEM, price="", cancelled="1"),
        ],
    ),
    "inventory": Format(
        read=read_inventory_updates,
        header=inventory.HEADER,
        good_row="MUGG\t\t1",
        good=lambda line: inventory.update(line, "MUGG", 1),
        accented_row="SKÅL-Ö\t\t1",
        accented=lambda line: inventory.update(line, "SKÅL-Ö", 1),
        template=PRICE_AND_QUANTITY_TEMPLATE,
        template_row="TemplateType=PriceInventory\tVersion=1.0",
        foreign_template="OrderCancellation",
        takes=(
            "a price and quantity file (PriceInventory), whose header has sku and price or quantity"
        ),
        noun="SKU",
        stem="stock",
        message_rows=lambda n: [f"SKU-{n}\t19.50\t{n % 100}"],
    ),
}
formats = pytest.mark.parametrize("form", list(FORMATS.values()), ids=list(FORMATS))


def parse(form: Format, data: bytes, filename: str = "") -> list[Any]:
    return list(form.read(io.BytesIO(data), filename=filename))


def rejection(form: Format, data: bytes, filename: str = "") -> FeedRejected:
    """The rejection, raised before the first record."""
    records = form.read(io.BytesIO(data), filename=filename)
    with pytest.raises(FeedRejected) as caught:
        next(records)
    return caught.value


def workbook(*rows: list[str]) -> bytes:
    return cancellation_workbook(*rows, sheet="Sheet1")


def with_sheet(data: bytes, sheet: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its sheet part's XML replaced by sheet(the XML)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for part in source.infolist():
            content = source.read(part)
            archive.writestr(part, sheet(content) if part.filename == SHEET else content)
    return out.getvalue()


def sheet_xml(rows: dict[int, list[str]], *, first_column: int = 1, tail: bytes = b"") -> bytes:
    """A worksheet without a stored dimension, its rows numbered as given; tail replaces the
    closing tags."""
    xml = [b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    xml.append(b"<sheetData>")
    for number, cells in rows.items():
        xml.append(f'<row r="{number}">'.encode())
        for column, value in enumerate(cells, start=first_column if number > 1 else 1):
            ref = f"{get_column_letter(column)}{number}"
            xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode())
        xml.append(b"</row>")
    xml.append(tail or b"</sheetData></worksheet>")
    return b"".join(xml)


# --- encodings and line ends -------------------------------------------------------------------


@formats
def test_utf8_with_a_byte_order_mark_reads_the_first_column(form: Format) -> None:
    # Given UTF-8 with a BOM, as Excel saves "UTF-8 text"
    data = text(form.header, form.accented_row, encoding="utf-8-sig")

    # When it is parsed
    records = parse(form, data)

    # Then the BOM is not part of the first header cell
    assert records == [form.accented(2)]


@formats
def test_utf8_text_is_decoded_as_utf8(form: Format) -> None:
    # Given a UTF-8 file with Å or Ö in a row
    data = text(form.header, form.accented_row, form.good_row)

    # When it is parsed
    records = parse(form, data)

    # Then the letters are read as written, not as two Windows-1252 characters each
    assert records == [form.accented(2), form.good(3)]


@formats
def test_windows_1252_text_is_decoded_as_windows_1252(form: Format) -> None:
    # Given a Windows-1252 file (Ö is the single byte 0xD6, invalid as UTF-8)
    data = text(form.header, form.accented_row, form.good_row, encoding="cp1252")
    assert b"\xd6" in data

    # When it is parsed
    records = parse(form, data)

    # Then the letters are decoded right and the next row still counts
    assert records == [form.accented(2), form.good(3)]


@formats
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends_count_one_line_each(form: Format, newline: str) -> None:
    # Given CRLF or CR line ends
    data = text(form.header, "", form.good_row, newline=newline)

    # When it is parsed
    records = parse(form, data)

    # Then each line end is one line
    assert records == [form.good(3)]


@formats
def test_a_crlf_split_across_read_chunks_is_one_line_end(form: Format) -> None:
    # Given a blank line whose \r is the last byte of the first 64 KiB chunk and \n the first
    # of the next
    header = form.header + "\r\n"
    filler = " " * (64 * 1024 - len(header) - 1) + "\r\n"
    data = (header + filler + form.good_row + "\r\n").encode()
    assert data[64 * 1024 - 1 : 64 * 1024 + 1] == b"\r\n"

    # When it is parsed
    records = parse(form, data)

    # Then the row is line 3, not 4
    assert records == [form.good(3)]


@formats
def test_utf16_text_is_unreadable(form: Format) -> None:
    # Given Excel's "Unicode Text", which is UTF-16
    data = text(form.header, form.good_row, encoding="utf-16")

    # When it is parsed
    rejected = rejection(form, data)

    # Then it is refused with the way out
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        "The file is UTF-16 text (Excel's “Unicode Text”); save it as UTF-8 or as "
        "tab-delimited text.",
    )


@formats
def test_text_that_is_neither_utf8_nor_windows_1252_is_unreadable(form: Format) -> None:
    # Given a byte Windows-1252 leaves undefined, in text that is not UTF-8
    data = bytearray(text(form.header, form.good_row))
    data[5] = 0x81

    # When it is parsed
    rejected = rejection(form, bytes(data))

    # Then the byte is named
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        "The file is neither UTF-8 nor Windows-1252 text: byte 5 is not a Windows-1252 character.",
    )


@formats
def test_a_byte_order_mark_on_text_that_is_not_utf8_is_unreadable(form: Format) -> None:
    # Given a UTF-8 BOM in front of Windows-1252 text
    data = b"\xef\xbb\xbf" + text(form.header, form.accented_row, encoding="cp1252")

    # When it is parsed
    rejected = rejection(form, data)

    # Then the contradiction is reported
    first_letter = next(at for at, byte in enumerate(data) if at > 2 and byte > 0x7F)
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        "The file starts with a UTF-8 byte-order mark but is not UTF-8: "
        f"byte {first_letter} is not part of a UTF-8 character.",
    )


@formats
def test_utf8_cut_in_the_middle_of_a_character_is_rejected_not_read_as_cp1252(
    form: Format,
) -> None:
    # Given UTF-8 text whose last byte, the second half of an Å, is missing
    data = text(form.header, form.good_row, "Å")[:-2]

    # When it is parsed
    rejected = rejection(form, data)

    # Then the file is refused as cut short
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        "The file ends in the middle of a UTF-8 character: it seems cut short.",
    )


# --- whole-file problems -----------------------------------------------------------------------


@formats
@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n\t\n", b"\xef\xbb\xbf"])
def test_a_file_without_rows_is_empty(form: Format, data: bytes) -> None:
    # Given nothing, only blank lines, or a bare byte-order mark
    # When it is parsed
    rejected = rejection(form, data)

    # Then the feed is empty
    assert (rejected.code, rejected.description) == (FileProblem.EMPTY, "The file is empty.")


@formats
def test_the_downloadable_template_is_a_valid_but_empty_file(form: Format) -> None:
    # Given the template as downloaded, uploaded unchanged
    rejected = rejection(form, form.template.encode())

    # Then its header is accepted and the feed is empty
    assert (rejected.code, rejected.description) == (
        FileProblem.EMPTY,
        f"The file has a header but no {form.noun} rows.",
    )


def template_notes(template: str) -> dict[str, list[str]]:
    """The template's note rows by label ("Valid values", "Example"), cell by cell."""
    notes = {}
    for line in template.splitlines():
        first, *rest = line.split("\t")
        if first.startswith("# ") and ": " in first:
            label, _, value = first.removeprefix("# ").partition(": ")
            notes[label] = [value, *rest]
    return notes


@formats
def test_the_template_notes_each_columns_valid_values_and_an_example(form: Format) -> None:
    header = form.template.splitlines()[-1].split("\t")

    notes = template_notes(form.template)

    assert list(notes) == ["Valid values", "Example"]
    assert [len(cells) for cells in notes.values()] == [len(header), len(header)]
    assert all(notes["Valid values"])
    assert "Amazon.com" not in form.template


@formats
def test_the_templates_example_is_a_valid_row(form: Format) -> None:
    # Given the template with its example copied under the header, as a seller would write it
    example = "\t".join(template_notes(form.template)["Example"])
    data = form.template.encode() + text(example)

    # When it is parsed
    records = parse(form, data)

    # Then it is one message and no error
    assert len(records) == 1
    assert not isinstance(records[0], RecordError)


def test_the_templates_name_every_reason_code_their_reader_takes() -> None:
    cancellation = template_notes(ORDER_CANCELLATION_TEMPLATE)["Valid values"][1]
    adjustment = template_notes(PAYMENT_ADJUSTMENT_TEMPLATE)["Valid values"][2]

    assert set(cancellation.removeprefix("one of ").split(", ")) == ALL_REASONS
    assert set(adjustment.removeprefix("one of ").split(", ")) == ADJUSTMENT_REASONS


@formats
def test_a_template_row_of_the_format_is_tolerated(form: Format) -> None:
    # Given the format's own TemplateType row above the header
    data = text(form.template_row, form.header, form.good_row)

    # When it is parsed
    records = parse(form, data)

    # Then the rows are read, numbered by line
    assert records == [form.good(3)]


@formats
def test_a_template_row_without_header_is_a_bad_header(form: Format) -> None:
    # Given only a TemplateType row
    rejected = rejection(form, text(form.template_row))

    # Then the header is missing
    assert (rejected.code, rejected.description) == (
        FileProblem.BAD_HEADER,
        "Line 1 is the TemplateType row but no header row follows it.",
    )


@formats
def test_another_template_type_is_the_wrong_message_type(form: Format) -> None:
    # Given another format's template sent to this feed
    data = text(f"TemplateType={form.foreign_template}\tVersion=1.0", form.header, form.good_row)

    # When it is parsed
    rejected = rejection(form, data)

    # Then the template type is named, with what this feed takes
    assert (rejected.code, rejected.description) == (
        FileProblem.WRONG_MESSAGE_TYPE,
        f"The template is '{form.foreign_template}'; this feed takes {form.takes}.",
    )


@formats
def test_nul_bytes_are_unreadable_even_after_good_rows(form: Format) -> None:
    # Given good rows followed by binary data
    data = text(form.header, form.good_row) + b"\x00\x01\x02"

    # When the first record is asked for
    rejected = rejection(form, data)

    # Then the file is rejected before anything was yielded
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        f"The file is not text: byte {len(data) - 3} is the control character 0x00.",
    )


@formats
def test_a_line_longer_than_64_kib_is_too_large(form: Format) -> None:
    # Given a line of 70,000 bytes, spanning two read chunks
    data = text(form.header, "x" * 70_000)

    # When it is parsed
    rejected = rejection(form, data)

    # Then the file is refused before the line is held in memory
    assert (rejected.code, rejected.description) == (
        FileProblem.TOO_LARGE,
        f"The line starting at byte {len(form.header) + 1} is longer than 65536 bytes.",
    )


@formats
def test_a_legacy_xls_workbook_is_unreadable(form: Format) -> None:
    # Given an Excel 97-2003 file
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100

    # When it is parsed
    rejected = rejection(form, data, filename=f"{form.stem}.xls")

    # Then the seller is told to save it otherwise
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        f"'{form.stem}.xls' is an Excel 97-2003 workbook (.xls); save it as .xlsx or as "
        "tab-delimited text.",
    )


@formats
def test_a_zip_that_is_not_a_workbook_is_unreadable(form: Format) -> None:
    # Given a zip archive of a text file
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(f"{form.stem}.txt", form.template)

    # When it is parsed
    rejected = rejection(form, out.getvalue(), filename=f"{form.stem}.zip")

    # Then it is unreadable, naming the file and the failure
    assert (rejected.code, rejected.description) == (
        FileProblem.UNREADABLE_TEXT,
        f"'{form.stem}.zip' is a zip file but not a readable .xlsx workbook (KeyError).",
    )


@formats
def test_entities_in_a_workbook_sheet_are_refused_without_expanding(form: Format) -> None:
    # Given a workbook whose sheet XML declares nested entities (billion laughs)
    laughs = (
        b'<!DOCTYPE worksheet [<!ENTITY a "lol">'
        + b"".join(
            b'<!ENTITY %c "%s">' % (ord("a") + n, b"&%c;" % (ord("a") + n - 1) * 10)
            for n in range(1, 10)
        )
        + b"]>"
    )
    good = workbook(form.header.split("\t"), form.good_row.split("\t"))
    data = with_sheet(good, lambda xml: laughs + xml)

    # When it is parsed
    rejected = rejection(form, data, filename=f"{form.stem}.xlsx")

    # Then the workbook is refused as forbidden markup
    assert (rejected.code, rejected.description) == (
        FileProblem.FORBIDDEN_MARKUP,
        f"'{form.stem}.xlsx' is a workbook whose XML declares a DTD or entities.",
    )


# --- xlsx --------------------------------------------------------------------------------------


@formats
def test_an_xlsx_with_only_a_header_is_empty(form: Format) -> None:
    # Given a workbook with the header and nothing else
    data = workbook(form.header.split("\t"))

    # When it is parsed
    rejected = rejection(form, data)

    # Then the feed is empty
    assert (rejected.code, rejected.description) == (
        FileProblem.EMPTY,
        f"The file has a header but no {form.noun} rows.",
    )


@formats
def test_an_xlsx_row_is_read_like_a_text_row(form: Format) -> None:
    # Given a workbook with the header and one row, as text cells
    data = workbook(form.header.split("\t"), form.good_row.split("\t"))

    # When it is parsed
    records = parse(form, data)

    # Then the row is read as from text, numbered by sheet row
    assert records == [form.good(2)]


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook of about 2 MB whose sheet part unpacks to 300 MB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    with path.open("wb") as out:
        workbook_bomb(out, sheet_bytes=300_000_000, level=1)
    return path


@formats
def test_a_workbook_part_over_the_limit_is_refused_before_it_is_unpacked(
    form: Format, zip_bomb: Path
) -> None:
    # Given a small workbook whose sheet declares 300 MB of XML
    with zipfile.ZipFile(zip_bomb) as archive:
        declared = archive.getinfo(SHEET).file_size
    assert declared > 250_000_000 > 100 * zip_bomb.stat().st_size

    # When it is parsed under tracemalloc
    with zip_bomb.open("rb") as source:
        records = form.read(source, filename=f"{form.stem}.xlsx")
        tracemalloc.start()
        try:
            with pytest.raises(FeedRejected) as caught:
                next(records)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    # Then its zip directory is enough to refuse it, with next to nothing read
    assert (caught.value.code, caught.value.description) == (
        FileProblem.TOO_LARGE,
        f"'{form.stem}.xlsx' is a workbook whose part 'xl/worksheets/sheet1.xml' unpacks to "
        f"{declared} bytes, more than the limit of 67108864 bytes.",
    )
    assert peak < 1024 * 1024


@formats
def test_a_workbook_header_is_checked_before_the_sheet_is_read(form: Format) -> None:
    # Given a sheet without a stored dimension whose header is wrong and whose XML breaks off
    # after its rows
    rows = {1: ["not-a-header"], 2: form.good_row.split("\t")}
    data = with_sheet(workbook(["x"]), lambda _: sheet_xml(rows, tail=b"<row><c"))

    # When it is parsed
    rejected = rejection(form, data)

    # Then the header is refused, read from the first row before the broken end
    assert rejected.code == FileProblem.BAD_HEADER
    assert rejected.description.startswith(
        "The header on line 1 has unknown column(s) 'not-a-header'; missing column(s) "
    )


@formats
def test_a_workbook_row_beyond_the_row_limit_is_too_large(form: Format) -> None:
    # Given a good header and a row numbered 500,001 (openpyxl fills the gap with empty rows)
    rows = {1: form.header.split("\t"), 500_001: form.good_row.split("\t")}
    data = with_sheet(workbook(["x"]), lambda _: sheet_xml(rows))

    # When it is parsed
    rejected = rejection(form, data)

    # Then the sheet is refused before any row is used
    assert (rejected.code, rejected.description) == (
        FileProblem.TOO_LARGE,
        "Row 500001 of the sheet is beyond the limit of 500000 rows of 64 columns.",
    )


@formats
def test_a_workbook_row_beyond_the_column_limit_is_too_large(form: Format) -> None:
    # Given a good header and a row whose cells end in column 65 (openpyxl pads the row)
    cells = form.good_row.split("\t")
    rows = {1: form.header.split("\t"), 2: cells}
    data = with_sheet(workbook(["x"]), lambda _: sheet_xml(rows, first_column=66 - len(cells)))

    # When it is parsed
    rejected = rejection(form, data)

    # Then the sheet is refused before any row is used
    assert (rejected.code, rejected.description) == (
        FileProblem.TOO_LARGE,
        "Row 2 of the sheet is beyond the limit of 500000 rows of 64 columns.",
    )


# --- memory ------------------------------------------------------------------------------------


@formats
def test_a_hundred_thousand_messages_parse_in_bounded_memory(form: Format, tmp_path: Path) -> None:
    # Given a file of 100,000 messages (up to about 16 MB)
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write(form.template)
        for number in range(100_000):
            out.writelines(line + "\n" for line in form.message_rows(number))

    # When both passes run over it under tracemalloc
    with path.open("rb") as source:
        tracemalloc.start()
        try:
            count = sum(1 for record in form.read(source) if record.message_id)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    # Then every message was one record while the peak stayed small (measured: about 0.4 MB)
    assert count == 100_000
    assert peak < 5 * 1024 * 1024


@formats
def test_a_row_starting_with_a_note_mark_under_the_header_is_data(form: Format) -> None:
    # Given a file whose first data row starts with "#", under the header
    data = text(form.header, "# Example: " + form.good_row)

    # When it is parsed
    records = parse(form, data)

    # Then the row is read as data (a note is only a note above the header), not skipped
    assert [record.message_id for record in records] == [2]
