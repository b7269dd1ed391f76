"""The reader every flat-file feed format shares: tab-separated text (UTF-8, UTF-8 with BOM or
Windows-1252) or an .xlsx workbook in, the rows under a checked header out.

A format declares its columns in a FlatSpec, judges each Row into a record or a RecordError, and
may merge adjacent rows into one message with grouped(). Whole-file problems raise FeedRejected
before the first row: a text file's bytes are scanned to its end first; a workbook's zip
directory is checked, then its header from the first rows, then every row, before any is used."""

import codecs
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import itemgetter
from typing import BinaryIO, Protocol

from defusedxml import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.fields import (
    Invalid,
    is_order_id,
    is_order_item_id,
    item_code_problem,
    order_id_problem,
    quoted,
)
from sellerdesk.feeds.parsers.records import MAX_ITEMS_PER_MESSAGE, FeedRejected, RecordError

TEMPLATE_PREFIX = "TemplateType="
# Rows above the header that start with this are notes for the reader and are skipped: the
# downloadable templates describe each column on such rows. Below the header every row is data.
NOTE_PREFIX = "#"
CHUNK = 64 * 1024
MAX_LINE_BYTES = 64 * 1024  # a real row is under 100 bytes; this bounds one line in memory
# A workbook part (sheet, shared strings) may unpack to this much: about 400,000 rows of the
# Order Cancellation template. zipfile never yields more than a part's declared size, so checking
# the directory bounds what is read; a zip bomb is refused before any part is unpacked.
MAX_WORKBOOK_PART_BYTES = 64 * 1024 * 1024
# openpyxl yields an empty row for each gap in a sheet's row numbers, and keeps an emptied
# element of each row it has read until the sheet's end; this bounds both.
MAX_SHEET_ROWS = 500_000
MAX_SHEET_COLUMNS = 64  # the widest template has 17; openpyxl pads a row up to its last cell
EXCEL_NUMBER = re.compile(r"[0-9.,]+E\+?[0-9]+", re.IGNORECASE)  # 1.23457E+13
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_LINE_END_BYTES = re.compile(rb"[\r\n]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

Cells = tuple[int, list[str]]  # physical line (or sheet row) number, stripped cell texts


@dataclass(frozen=True, slots=True)
class FlatSpec:
    """What a flat-file format's header may hold, and how its whole-file errors name it."""

    template_type: str  # of a "TemplateType=" first row; also the workbook tab to prefer
    takes: str  # what the feed takes, for a TemplateType row naming another template
    noun: str  # what a data row is: "The file has a header but no {noun} rows."
    columns: tuple[str, ...]  # every column, in the template's order
    required: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of which the header needs at least one
    ignored: tuple[str, ...] = ()  # accepted, their values reported as not used
    note: str = ""  # follows "The columns are …" in a bad header's description
    # Of a format whose rows are about orders and their items (read_order_messages):
    order_column: str = ""
    item_column: str = ""
    message_key: tuple[str, ...] = ()  # adjacent rows with the same cells here are one message


class Group[R, T](Protocol):
    """The rows of one message: merge() takes a row in, or says why it cannot."""

    def merge(self, row: R, /) -> RecordError | None: ...

    def record(self) -> T: ...


class Row(dict[str, str]):
    """A data row: its cells by column name ("" for a column the header leaves out)."""

    __slots__ = ("ignored", "line", "stray")

    def __init__(self, line: int, values: dict[str, str], spec: FlatSpec, stray: int | None):
        super().__init__(values)
        self.line = line
        self.stray = stray  # 1-based number of the first column with a value but no header
        # The spec's ignored columns that have a value.
        self.ignored = tuple(name for name in spec.ignored if values[name])

    def check_stray(self) -> None:
        if self.stray is not None:
            raise Invalid(
                MessageProblem.INVALID_MESSAGE,
                f"The row has a value in column {self.stray}, which has no header.",
            )


@dataclass(frozen=True, slots=True)
class ColumnNote:
    """What a template says of a column: the values the reader takes, and an example."""

    valid: str
    example: str


ORDER_ID_NOTE = ColumnNote("an order id of 3, 7 and 7 digits", "402-8817390-2235514")


def item_code_note(empty: str | None = None) -> ColumnNote:
    """An order item id column's note; `empty` says what an empty cell does, if allowed."""
    valid = "an order item id of 14 digits" + (f"; empty {empty}" if empty else "")
    return ColumnNote(valid, "52091234567890")


def codes_note(codes: Iterable[str], example: str) -> ColumnNote:
    return ColumnNote(f"one of {', '.join(codes)}", example)


def template_file(
    columns: Sequence[str],
    notes: Mapping[str, ColumnNote],
    *,
    noun: str,
    template_type: str | None = None,
) -> str:
    """The downloadable template: the TemplateType row if the format has one, note rows with
    each column's valid values and an example, then the header. The notes sit above the header
    and start with NOTE_PREFIX, so the reader skips them: uploaded unchanged, the template is a
    file with a header and no rows, which is rejected as such and changes nothing."""
    rows = [] if template_type is None else [[f"{TEMPLATE_PREFIX}{template_type}", "Version=1.0"]]
    rows.append(
        [
            f"{NOTE_PREFIX} Rows that start with {NOTE_PREFIX} above the header are notes and are "
            f"not read. Write one row per {noun} under the header."
        ]
    )
    for label, values in (
        ("Valid values", [notes[column].valid for column in columns]),
        ("Example", [notes[column].example for column in columns]),
    ):
        rows.append([f"{NOTE_PREFIX} {label}: {values[0]}", *values[1:]])
    rows.append(list(columns))
    return "".join("\t".join(row) + "\n" for row in rows)


def read_order_messages[R, T](
    source: BinaryIO,
    spec: FlatSpec,
    build: Callable[[Row, str, str | None], R],
    start: Callable[[R], Group[R, T]],
    *,
    filename: str = "",
) -> Iterator[T | RecordError]:
    """The messages of a file whose rows are about orders: each row judged by _order_row, and
    adjacent rows with the same message key grouped."""
    key = itemgetter(*spec.message_key)
    rows = read_rows(source, spec, filename=filename)
    yield from grouped(((key(row), _order_row(row, spec, build)) for row in rows), start)


def _order_row[R](
    row: Row, spec: FlatSpec, build: Callable[[Row, str, str | None], R]
) -> R | RecordError:
    """A row about an order or one of its items, judged: no stray value and a valid order id,
    then build(row, order id, item code if valid). An Invalid raised on the way becomes the row's
    RecordError, naming the ids that are valid."""
    order_column = spec.order_column
    order_id, item_code = row[order_column], row[spec.item_column]
    valid_order_id = order_id if is_order_id(order_id) else None
    valid_item_code = item_code if is_order_item_id(item_code) else None
    try:
        row.check_stray()
        if valid_order_id is None:
            problem = order_id_problem(order_column, order_id)
            raise Invalid(MessageProblem.INVALID_ORDER_ID, problem)
        return build(row, valid_order_id, valid_item_code)
    except Invalid as invalid:
        return RecordError(
            row.line, invalid.code, invalid.description, valid_order_id, valid_item_code
        )


def invalid_item_code(column: str, value: str) -> Invalid:
    problem = item_code_problem(column, value)
    if EXCEL_NUMBER.fullmatch(value):
        problem += " Excel shows long numbers like this; format the column as Text."
    return Invalid(MessageProblem.INVALID_ITEM_CODE, problem)


def ignored(line: int, order_id: str, item_code: str | None, why: str) -> RecordError:
    """A row that an earlier row of its message contradicts or repeats: reported, not merged."""
    return RecordError(
        line, MessageProblem.INVALID_MESSAGE, f"Order {order_id} {why}", order_id, item_code
    )


def read_rows(source: BinaryIO, spec: FlatSpec, *, filename: str = "") -> Iterator[Row]:
    """The data rows under the header, in line order; blank rows are skipped but counted.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    magic = source.read(len(_OLE_MAGIC))
    source.seek(0)
    if magic.startswith(_OLE_MAGIC):
        raise _unreadable(
            f"{_name(filename)}is an Excel 97-2003 workbook (.xls); save it as .xlsx or as "
            "tab-delimited text.",
        )
    if magic.startswith(_ZIP_MAGIC):
        yield from _workbook_rows(source, spec, filename)
        return
    scan = _ByteScan()
    while chunk := source.read(CHUNK):
        scan.scan(chunk)
    source.seek(0)
    yield from _rows(_filled(_text_rows(source, scan.encoding())), spec)


def _unreadable(description: str) -> FeedRejected:
    return FeedRejected(FileProblem.UNREADABLE_TEXT, description)


def _name(filename: str) -> str:
    return f"{quoted(filename)} " if filename else "The file "


def _filled(rows: Iterable[Cells]) -> Iterator[Cells]:
    return (row for row in rows if any(row[1]))  # skips blank lines and rows of empty cells


def _rows(filled: Iterator[Cells], spec: FlatSpec) -> Iterator[Row]:
    columns = _header(filled, spec)
    absent = {name: "" for name in spec.columns if name not in columns}
    width = max(columns.values()) + 1
    any_row = False
    for line, cells in filled:
        any_row = True
        if len(cells) < width:  # a row may end before its last empty cells
            cells = cells + [""] * (width - len(cells))
        values = {name: cells[index] for name, index in columns.items()}
        values.update(absent)
        yield Row(line, values, spec, _stray(cells, width, columns))
    if not any_row:
        raise FeedRejected(FileProblem.EMPTY, f"The file has a header but no {spec.noun} rows.")


def _stray(cells: list[str], width: int, columns: dict[str, int]) -> int | None:
    """The 1-based number of the first column with a value but no header, if any."""
    if len(columns) == width == len(cells):  # every cell has its column: the usual row
        return None
    used = columns.values()
    return next((n + 1 for n, cell in enumerate(cells) if cell and n not in used), None)


def _header(filled: Iterator[Cells], spec: FlatSpec) -> dict[str, int]:
    """The cell index of each column the header names, after the TemplateType row and the note
    rows if any."""
    first = _after_notes(filled)
    if first is None:
        raise FeedRejected(FileProblem.EMPTY, "The file is empty.")
    line, cells = first
    if cells[0].startswith(TEMPLATE_PREFIX):
        template_type = cells[0].removeprefix(TEMPLATE_PREFIX)
        if template_type != spec.template_type:
            raise FeedRejected(
                FileProblem.WRONG_MESSAGE_TYPE,
                f"The template is {quoted(template_type)}; this feed takes {spec.takes}.",
            )
        header = _after_notes(filled)
        if header is None:
            raise FeedRejected(
                FileProblem.BAD_HEADER,
                f"Line {line} is the TemplateType row but no header row follows it.",
            )
        line, cells = header
    return _columns(line, cells, spec)


def _after_notes(filled: Iterator[Cells]) -> Cells | None:
    return next((row for row in filled if not row[1][0].startswith(NOTE_PREFIX)), None)


def _columns(line: int, cells: list[str], spec: FlatSpec) -> dict[str, int]:
    indexes: dict[str, int] = {}
    twice: list[str] = []
    for index, name in enumerate(cells):
        if name in indexes:
            if name not in twice:
                twice.append(name)
        elif name:  # an unnamed column is tolerated; a value under it is not
            indexes[name] = index
    problems = [f"column {quoted(name)} twice" for name in twice]
    if unknown := [quoted(name) for name in indexes if name not in spec.columns]:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    missing = [name for name in spec.required if name not in indexes]
    missing += [" or ".join(g) for g in spec.one_of if not any(name in indexes for name in g)]
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if problems:
        raise FeedRejected(
            FileProblem.BAD_HEADER,
            f"The header on line {line} has {'; '.join(problems)}. "
            f"The columns are {', '.join(spec.columns)}{spec.note}.",
        )
    return indexes


def grouped[R, T](
    keyed: Iterable[tuple[Hashable, R | RecordError]], start: Callable[[R], Group[R, T]]
) -> Iterator[T | RecordError]:
    """Adjacent rows with the same key become one message, each row's error in line order
    beside it. A run of more than MAX_ITEMS_PER_MESSAGE rows is split, so memory stays bounded."""
    run_key: Hashable = None
    rows = 0
    entries: list[Group[R, T] | RecordError] = []
    group: Group[R, T] | None = None
    for key, row in keyed:
        if rows and (key != run_key or rows >= MAX_ITEMS_PER_MESSAGE):
            yield from _results(entries)
            rows, entries, group = 0, [], None
        run_key = key
        rows += 1
        if isinstance(row, RecordError):
            entries.append(row)
            continue
        if group is None:
            group = start(row)
            entries.append(group)
        if (error := group.merge(row)) is not None:
            entries.append(error)
    yield from _results(entries)


def _results[R, T](entries: list[Group[R, T] | RecordError]) -> Iterator[T | RecordError]:
    return (entry if isinstance(entry, RecordError) else entry.record() for entry in entries)


@dataclass(slots=True)
class Named:
    """The lines on which a message's rows named the whole order and each item."""

    whole_order: int | None = None
    items: dict[str, int] = field(default_factory=dict)

    def earlier(self, item_code: str | None, line: int) -> str | None:
        """What an earlier row already named, like "item … on line 4"; else None, noting it."""
        if item_code is None:
            if self.whole_order is not None:
                return f"the whole order on line {self.whole_order}"
            self.whole_order = line
        elif item_code in self.items:
            return f"item {item_code} on line {self.items[item_code]}"
        else:
            self.items[item_code] = line
        return None


@dataclass(slots=True)
class _ByteScan:
    """The first pass over a text file: which encoding fits, and that it is text at all."""

    offset: int = 0
    utf8: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")("strict")
    )
    utf8_error_at: int | None = None
    cp1252_error_at: int | None = None
    line_start: int = 0  # byte offset of the line still open at the end of the last chunk
    starts_with_bom: bool = False

    def scan(self, chunk: bytes) -> None:
        if self.offset == 0:
            if chunk.startswith(_UTF16_BOMS):
                raise _unreadable(
                    "The file is UTF-16 text (Excel's “Unicode Text”); save it as UTF-8 or as "
                    "tab-delimited text.",
                )
            self.starts_with_bom = chunk.startswith(_UTF8_BOM)
        if found := _BINARY.search(chunk):
            raise _unreadable(
                f"The file is not text: byte {self.offset + found.start()} is the control "
                f"character 0x{found.group()[0]:02x}.",
            )
        self._check_line_lengths(chunk)
        self._decode(chunk, final=False)
        self.offset += len(chunk)

    def encoding(self) -> str:
        valid_so_far = self.utf8_error_at is None
        self._decode(b"", final=True)
        if valid_so_far and self.utf8_error_at is not None:
            # UTF-8 to the last bytes, which are half a character: a file cut short, not
            # Windows-1252 text (which would turn every å of it into Ã¥).
            raise _unreadable(
                "The file ends in the middle of a UTF-8 character: it seems cut short.",
            )
        if self.utf8_error_at is None:
            return "utf-8-sig" if self.starts_with_bom else "utf-8"
        if self.starts_with_bom:
            raise _unreadable(
                "The file starts with a UTF-8 byte-order mark but is not UTF-8: "
                f"byte {self.utf8_error_at} is not part of a UTF-8 character.",
            )
        if self.cp1252_error_at is not None:
            raise _unreadable(
                "The file is neither UTF-8 nor Windows-1252 text: "
                f"byte {self.cp1252_error_at} is not a Windows-1252 character.",
            )
        return "cp1252"

    def _decode(self, chunk: bytes, *, final: bool) -> None:
        if self.utf8_error_at is None:
            try:
                self.utf8.decode(chunk, final=final)
            except UnicodeDecodeError as error:
                self.utf8_error_at = self.offset + error.start
        if self.cp1252_error_at is None and (found := _CP1252_UNDEFINED.search(chunk)):
            self.cp1252_error_at = self.offset + found.start()

    def _check_line_lengths(self, chunk: bytes) -> None:
        # Lines wholly inside a chunk are shorter than CHUNK <= MAX_LINE_BYTES.
        first_end = _LINE_END_BYTES.search(chunk)
        if first_end is not None:
            self._check_line(ends_at=self.offset + first_end.start())
            last_end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
            self.line_start = self.offset + last_end + 1
        self._check_line(ends_at=self.offset + len(chunk))

    def _check_line(self, *, ends_at: int) -> None:
        if ends_at - self.line_start > MAX_LINE_BYTES:
            raise FeedRejected(
                FileProblem.TOO_LARGE,
                f"The line starting at byte {self.line_start} is longer than "
                f"{MAX_LINE_BYTES} bytes.",
            )


def _text_lines(source: BinaryIO, encoding: str) -> Iterator[str]:
    """Physical lines without their ends; \\n, \\r\\n and a lone \\r each end a line."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    pending = ""
    while chunk := source.read(CHUNK):
        pending += decoder.decode(chunk)
        # A \r at the end may be the first half of \r\n: keep it for the next chunk.
        held = 1 if pending.endswith("\r") else 0
        lines = _LINE_BREAK.split(pending[: len(pending) - held])
        pending = lines.pop() + pending[len(pending) - held :]
        yield from lines
    pending += decoder.decode(b"", final=True)
    lines = _LINE_BREAK.split(pending)
    if lines[-1] == "":
        lines.pop()
    yield from lines


def _text_rows(source: BinaryIO, encoding: str) -> Iterator[Cells]:
    for number, line in enumerate(_text_lines(source, encoding), start=1):
        yield number, [cell.strip() for cell in line.split("\t")]


def _workbook_rows(source: BinaryIO, spec: FlatSpec, filename: str) -> Iterator[Row]:
    with _unreadable_as_rejected(filename):
        _check_parts(source, filename)
        source.seek(0)
        reader = _UnsizedSheetsReader(source, read_only=True, data_only=True)
        reader.read()
        workbook = reader.wb
    try:
        with _unreadable_as_rejected(filename):
            # The header from the first rows, before a sheet of any length is read through.
            _header(_filled(_sheet_rows(workbook, spec)), spec)
            for _ in _sheet_rows(workbook, spec):
                pass
        yield from _rows(_filled(_sheet_rows(workbook, spec)), spec)
    finally:
        workbook.close()


@contextmanager
def _unreadable_as_rejected(filename: str) -> Iterator[None]:
    try:
        yield
    except FeedRejected:
        raise
    except DefusedXmlException:
        raise FeedRejected(
            FileProblem.FORBIDDEN_MARKUP,
            f"{_name(filename)}is a workbook whose XML declares a DTD or entities.",
        ) from None
    # A damaged zip or workbook part fails in zipfile, openpyxl or the XML parser with many
    # exception types; whichever it is, the file cannot be read.
    except Exception as error:
        raise _unreadable(
            f"{_name(filename)}is a zip file but not a readable .xlsx workbook "
            f"({type(error).__name__}).",
        ) from None


def _check_parts(source: BinaryIO, filename: str) -> None:
    with zipfile.ZipFile(source) as archive:
        for part in archive.infolist():
            if part.file_size > MAX_WORKBOOK_PART_BYTES:
                raise FeedRejected(
                    FileProblem.TOO_LARGE,
                    f"{_name(filename)}is a workbook whose part {quoted(part.filename)} unpacks "
                    f"to {part.file_size} bytes, more than the limit of "
                    f"{MAX_WORKBOOK_PART_BYTES} bytes.",
                )


class _UnsizedSheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        """openpyxl looks for the stored dimension here and, when a sheet has none, parses the
        whole sheet to its end, keeping every element; the dimension is not used (it can be
        wrong, see reset_dimensions), so the sheet is left unread until its rows are."""


class _UnsizedSheetsReader(ExcelReader):
    """openpyxl's read-only workbook reader, with _UnsizedSheet for each worksheet. It relies on
    openpyxl's internals; tests/feeds/test_flat_formats.py fails if they change."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]


def _sheet_rows(workbook: Workbook, spec: FlatSpec) -> Iterator[Cells]:
    sheets = [sheet for sheet in workbook.worksheets if isinstance(sheet, ReadOnlyWorksheet)]
    named = [sheet for sheet in sheets if sheet.title == spec.template_type]
    for sheet in (named or sheets)[:1]:
        # The stored dimension can be wrong, and read-only mode would stop at it.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS or len(values) > MAX_SHEET_COLUMNS:
                raise FeedRejected(
                    FileProblem.TOO_LARGE,
                    f"Row {number} of the sheet is beyond the limit of {MAX_SHEET_ROWS} rows "
                    f"of {MAX_SHEET_COLUMNS} columns.",
                )
            yield number, [_cell_text(value) for value in values]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel keeps 15 significant digits, so a 14-digit item code survives as a number.
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()
