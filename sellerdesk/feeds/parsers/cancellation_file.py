"""POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA: the Order Cancellation file, as tab-separated text
(UTF-8, UTF-8 with BOM or Windows-1252) or as an .xlsx workbook.

Whole-file problems raise FeedRejected before the first record: a first pass checks the bytes
(text) or reads every row (xlsx), and the header is checked before any row is judged. Adjacent
rows of one order become one Acknowledgement, so one order gets one message."""

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import BinaryIO

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sellerdesk.feeds.codes import FileProblem, MessageProblem
from sellerdesk.feeds.parsers.fields import (
    is_order_id,
    is_order_item_id,
    item_code_problem,
    order_id_problem,
    quoted,
    reason_problem,
)
from sellerdesk.feeds.parsers.records import (
    FAILURE,
    MAX_ITEMS_PER_MESSAGE,
    Acknowledgement,
    CancelLine,
    FeedRejected,
    RecordError,
)

ORDER_ID = "order-id"
REASON = "cancellation-reason-code"
ITEM_CODE = "amazon-order-item-code"
COLUMNS = (ORDER_ID, REASON, ITEM_CODE)
TEMPLATE_TYPE = "OrderCancellation"  # also the workbook tab of Amazon's template
_TEMPLATE_PREFIX = "TemplateType="

ORDER_CANCELLATION_TEMPLATE = (
    f"{_TEMPLATE_PREFIX}{TEMPLATE_TYPE}\tVersion=1.0\t"
    "This row for Amazon.com use only.  Do not modify or delete.\n" + "\t".join(COLUMNS) + "\n"
)

CHUNK = 64 * 1024
MAX_LINE_BYTES = 64 * 1024  # a real row is under 100 bytes; this bounds one line in memory
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_LINE_END_BYTES = re.compile(rb"[\r\n]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_EXCEL_NUMBER = re.compile(r"[0-9.,]+E\+?[0-9]+", re.IGNORECASE)  # 1.23457E+13

Row = tuple[int, list[str]]  # physical line (or sheet row) number, stripped cell texts


def read_order_cancellations(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[Acknowledgement | RecordError]:
    """Acknowledgements (status Failure) and RecordErrors, in the order of their first line.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    magic = source.read(len(_OLE_MAGIC))
    source.seek(0)
    if magic.startswith(_ZIP_MAGIC):
        _check_workbook(source, filename)
        source.seek(0)
        rows = _workbook_rows(source)
    elif magic.startswith(_OLE_MAGIC):
        raise FeedRejected(
            FileProblem.UNREADABLE_TEXT,
            f"{_name(filename)}is an Excel 97-2003 workbook (.xls); save it as .xlsx or as "
            "tab-delimited text.",
        )
    else:
        encoding = _detect_encoding(source)
        source.seek(0)
        rows = _text_rows(source, encoding)
    yield from _records(rows)


def _name(filename: str) -> str:
    return f"{quoted(filename)} " if filename else "The file "


# --- text --------------------------------------------------------------------------------------


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

    def scan(self, chunk: bytes) -> None:
        if self.offset == 0 and chunk.startswith(_UTF16_BOMS):
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                "The file is UTF-16 text (Excel's “Unicode Text”); save it as UTF-8 or as "
                "tab-delimited text.",
            )
        if found := _BINARY.search(chunk):
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                f"The file is not text: byte {self.offset + found.start()} is the control "
                f"character 0x{found.group()[0]:02x}.",
            )
        self._check_line_lengths(chunk)
        self._decode(chunk, final=False)
        self.offset += len(chunk)

    def encoding(self, starts_with_bom: bool) -> str:
        valid_so_far = self.utf8_error_at is None
        self._decode(b"", final=True)
        if valid_so_far and self.utf8_error_at is not None:
            # UTF-8 to the last bytes, which are half a character: a file cut short, not
            # Windows-1252 text (which would turn every å of it into Ã¥).
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                "The file ends in the middle of a UTF-8 character: it seems cut short.",
            )
        if self.utf8_error_at is None:
            return "utf-8-sig" if starts_with_bom else "utf-8"
        if starts_with_bom:
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
                "The file starts with a UTF-8 byte-order mark but is not UTF-8: "
                f"byte {self.utf8_error_at} is not part of a UTF-8 character.",
            )
        if self.cp1252_error_at is not None:
            raise FeedRejected(
                FileProblem.UNREADABLE_TEXT,
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


def _detect_encoding(source: BinaryIO) -> str:
    scan = _ByteScan()
    first = b""
    while chunk := source.read(CHUNK):
        first = first or chunk
        scan.scan(chunk)
    return scan.encoding(first.startswith(_UTF8_BOM))


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


def _text_rows(source: BinaryIO, encoding: str) -> Iterator[Row]:
    for number, line in enumerate(_text_lines(source, encoding), start=1):
        yield number, [cell.strip() for cell in line.split("\t")]


# --- xlsx --------------------------------------------------------------------------------------


def _check_workbook(source: BinaryIO, filename: str) -> None:
    """Reads every row once, so a damaged workbook is rejected before anything is applied."""
    try:
        for _ in _workbook_rows(source):
            pass
    except DefusedXmlException:
        raise FeedRejected(
            FileProblem.FORBIDDEN_MARKUP,
            f"{_name(filename)}is a workbook whose XML declares a DTD or entities.",
        ) from None
    # A damaged zip or workbook part fails in zipfile, openpyxl or the XML parser with many
    # exception types; whichever it is, the file cannot be read.
    except Exception as error:
        raise FeedRejected(
            FileProblem.UNREADABLE_TEXT,
            f"{_name(filename)}is a zip file but not a readable .xlsx workbook "
            f"({type(error).__name__}).",
        ) from None


def _workbook_rows(source: BinaryIO) -> Iterator[Row]:
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        sheets = [sheet for sheet in workbook.worksheets if isinstance(sheet, ReadOnlyWorksheet)]
        named = [sheet for sheet in sheets if sheet.title == TEMPLATE_TYPE]
        for sheet in (named or sheets)[:1]:
            # The stored dimension can be wrong, and read-only mode would stop at it.
            sheet.reset_dimensions()
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel keeps 15 significant digits, so a 14-digit item code survives as a number.
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Columns:
    order_id: int
    reason: int
    item_code: int

    def used(self) -> frozenset[int]:
        return frozenset({self.order_id, self.reason, self.item_code})


@dataclass(frozen=True, slots=True)
class _CancelRow:
    line: int
    order_id: str
    reason: str
    item_code: str | None  # None: the whole order


def _records(rows: Iterable[Row]) -> Iterator[Acknowledgement | RecordError]:
    filled = (row for row in rows if any(row[1]))  # skips blank lines and rows of empty cells
    columns = _read_header(filled)
    runs = _Runs()
    any_row = False
    for line, cells in filled:
        any_row = True
        key = _cell(cells, columns.order_id)
        yield from runs.add(key, _judge_row(line, cells, columns))
    if not any_row:
        raise FeedRejected(FileProblem.EMPTY, "The file has a header but no order rows.")
    yield from runs.flush()


def _read_header(rows: Iterator[Row]) -> _Columns:
    return _columns(*_header_row(rows, check_template=_check_template_type))


def _header_row(rows: Iterator[Row], *, check_template: Callable[[str], None]) -> Row:
    """The header row, after the template's TemplateType row if the file keeps it."""
    first = next(rows, None)
    if first is None:
        raise FeedRejected(FileProblem.EMPTY, "The file is empty.")
    line, cells = first
    if cells[0].startswith(_TEMPLATE_PREFIX):
        check_template(cells[0])
        header = next(rows, None)
        if header is None:
            raise FeedRejected(
                FileProblem.BAD_HEADER,
                f"Line {line} is the TemplateType row but no header row follows it.",
            )
        return header
    return first


def _template_type_check(cell: str, *, expected: str, takes: str) -> None:
    """A first row "TemplateType=…" must name the file's own template; takes says what the
    feed takes instead, for the description."""
    template_type = cell.removeprefix(_TEMPLATE_PREFIX)
    if template_type != expected:
        raise FeedRejected(
            FileProblem.WRONG_MESSAGE_TYPE,
            f"The template is {quoted(template_type)}; this feed takes {takes}.",
        )


_check_template_type = partial(
    _template_type_check, expected=TEMPLATE_TYPE, takes=f"an {TEMPLATE_TYPE} file"
)


def _columns(line: int, cells: list[str]) -> _Columns:
    indexes: dict[str, int] = {}
    problems: list[str] = []
    for index, name in enumerate(cells):
        if name in indexes:
            problems.append(f"column {quoted(name)} twice")
        elif name:  # an unnamed column is tolerated; a value under it is not
            indexes[name] = index
    unknown = [quoted(name) for name in indexes if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in indexes]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if problems:
        raise FeedRejected(
            FileProblem.BAD_HEADER,
            f"The header on line {line} has {'; '.join(problems)}. "
            f"The columns are {', '.join(COLUMNS)}.",
        )
    return _Columns(indexes[ORDER_ID], indexes[REASON], indexes[ITEM_CODE])


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _judge_row(line: int, cells: list[str], columns: _Columns) -> _CancelRow | RecordError:
    order_id = _cell(cells, columns.order_id)
    reason = _cell(cells, columns.reason)
    item_code = _cell(cells, columns.item_code)
    valid_order_id = order_id if is_order_id(order_id) else None
    valid_item_code = item_code if is_order_item_id(item_code) else None

    def error(code: MessageProblem, description: str) -> RecordError:
        return RecordError(line, code, description, valid_order_id, valid_item_code)

    used = columns.used()
    stray = [index + 1 for index, cell in enumerate(cells) if cell and index not in used]
    if stray:
        return error(
            MessageProblem.INVALID_MESSAGE,
            f"The row has a value in column {stray[0]}, which has no header.",
        )
    if valid_order_id is None:
        return error(MessageProblem.INVALID_ORDER_ID, order_id_problem(ORDER_ID, order_id))
    if not reason:
        return error(MessageProblem.MISSING_REASON, f"{REASON} is empty.")
    if (problem := reason_problem(REASON, reason)) is not None:
        return error(MessageProblem.INVALID_REASON, problem)
    if item_code and valid_item_code is None:
        return error(MessageProblem.INVALID_ITEM_CODE, _item_code_problem(item_code))
    return _CancelRow(line, order_id, reason, valid_item_code)


def _item_code_problem(value: str) -> str:
    problem = item_code_problem(ITEM_CODE, value)
    if _EXCEL_NUMBER.fullmatch(value):
        problem += " Excel shows long numbers like this; format the column as Text."
    return problem


# --- grouping ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """The rows of one order that become one Acknowledgement."""

    line: int
    order_id: str
    reason: str | None = None  # of the whole-order row
    whole_order_line: int | None = None
    items: dict[str, CancelLine] = field(default_factory=dict)
    item_lines: dict[str, int] = field(default_factory=dict)

    def merge(self, row: _CancelRow) -> RecordError | None:
        if row.item_code is None:
            if self.whole_order_line is not None:
                return _repeated(row, f"the whole order on line {self.whole_order_line}")
            self.reason, self.whole_order_line = row.reason, row.line
        elif row.item_code in self.item_lines:
            earlier = self.item_lines[row.item_code]
            return _repeated(row, f"item {row.item_code} on line {earlier}")
        else:
            self.items[row.item_code] = CancelLine(row.item_code, row.reason, None)
            self.item_lines[row.item_code] = row.line
        return None

    def acknowledgement(self) -> Acknowledgement:
        # A whole-order row wins over item rows of the same order.
        items = () if self.whole_order_line is not None else tuple(self.items.values())
        return Acknowledgement(self.line, self.order_id, FAILURE, None, self.reason, items)


def _repeated(row: _CancelRow, earlier: str) -> RecordError:
    return RecordError(
        row.line,
        MessageProblem.INVALID_MESSAGE,
        f"Order {row.order_id} already cancels {earlier}; this row repeats it and is ignored.",
        row.order_id,
        row.item_code,
    )


@dataclass(slots=True)
class _Run:
    """Adjacent rows with the same order-id cell: at most one group, and the rows' errors."""

    key: str
    rows: int = 0
    entries: list[_Group | RecordError] = field(default_factory=list)
    group: _Group | None = None

    def add(self, row: _CancelRow | RecordError) -> None:
        self.rows += 1
        if isinstance(row, RecordError):
            self.entries.append(row)
            return
        if self.group is None:
            self.group = _Group(row.line, row.order_id)
            self.entries.append(self.group)
        if (error := self.group.merge(row)) is not None:
            self.entries.append(error)

    def results(self) -> Iterator[Acknowledgement | RecordError]:
        for entry in self.entries:
            yield entry.acknowledgement() if isinstance(entry, _Group) else entry


class _Runs:
    def __init__(self) -> None:
        self._run: _Run | None = None

    def add(
        self, key: str, row: _CancelRow | RecordError
    ) -> Iterator[Acknowledgement | RecordError]:
        run = self._run
        # A very long run is split into several messages so memory stays bounded.
        if run is not None and (key != run.key or run.rows >= MAX_ITEMS_PER_MESSAGE):
            yield from self.flush()
            run = None
        if run is None:
            run = self._run = _Run(key)
        run.add(row)

    def flush(self) -> Iterator[Acknowledgement | RecordError]:
        if self._run is not None:
            yield from self._run.results()
            self._run = None
