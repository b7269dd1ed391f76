"""The shared machinery of the order reports: what a report type is (its columns and how its
rows are read), and writing rows as the marketplace's flat files, streamed: tab-separated UTF-8
text with a header row, times in ISO 8601 (UTC), amounts with two decimals and a point."""

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from sellerdesk.accounts.models import Seller
from sellerdesk.reports.models import ReportType

# Rows fetched from the database at a time: memory stays the same whatever the report's size.
CHUNK_ROWS = 2000
# Bytes written to the file at a time.
WRITE_BYTES = 256 * 1024
_SEPARATORS = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


@dataclass(frozen=True, slots=True)
class DataRange:
    """What a report is made of: the seller's data, the range asked for, and the moment the
    report is made at (the reporting date)."""

    seller: Seller
    start: datetime.datetime
    end: datetime.datetime
    now: datetime.datetime


type Cell = str | int | Decimal | bool | datetime.datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportKind:
    report_type: ReportType
    columns: tuple[str, ...]
    rows: Callable[[DataRange], Iterator[Sequence[Cell]]]
    # The unshipped orders report lists what is unshipped now, whatever the range.
    uses_data_range: bool = True


def cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    # One line per row and one cell per column, whatever a buyer or a seller typed.
    return str(value).translate(_SEPARATORS)


def write_flat_report(
    out: IO[bytes], *, columns: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> int:
    """Write the header and the rows to `out`; returns the number of rows."""
    buffer = ["\t".join(columns) + "\n"]
    size = len(buffer[0])
    count = 0
    for row in rows:
        line = "\t".join(cell(value) for value in row) + "\n"
        buffer.append(line)
        size += len(line)
        count += 1
        if size >= WRITE_BYTES:
            out.write("".join(buffer).encode())
            buffer, size = [], 0
    out.write("".join(buffer).encode())
    return count
