"""Seller Desk benchmark: a small .xlsx whose sheet unpacks to gigabytes, through the flat-file
reader.

    .venv/bin/python -m bench.xlsx_bomb [PATH]

Writes a workbook of a few megabytes whose sheet part is 1.7 GB of XML (a bad header row, then
the same data row again and again) to PATH, or to a temporary file that is removed afterwards; an
existing PATH is read as it is, so that the reading alone can be measured from outside, e.g. with
`/usr/bin/time -v`. Then reads it as an Order Cancellation file and prints the outcome, the time
the reading took and the process's peak resident memory. The reader refuses the workbook from
its zip directory, before any of the sheet is unpacked.
"""

import io
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
SHEET_BYTES = 1_700_000_000
_ROW = b'<row><c t="inlineStr"><is><t>203-1234567-7654321</t></is></c></row>' * 64
_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row><c t="inlineStr"><is><t>not-a-header</t></is></c></row>'
)
_END = b"</sheetData></worksheet>"


def workbook_bomb(out: BinaryIO, *, sheet_bytes: int = SHEET_BYTES, level: int = 9) -> None:
    """A valid workbook whose one sheet is about sheet_bytes of XML, written without holding it."""
    template = io.BytesIO()
    Workbook().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as archive:
        for part in source.infolist():
            if part.filename != SHEET:
                archive.writestr(part, source.read(part))
                continue
            part.compress_type, part.compress_level = zipfile.ZIP_DEFLATED, level
            with archive.open(part, "w", force_zip64=True) as sheet:
                sheet.write(_START)
                chunk = _ROW * (1024 * 1024 // len(_ROW))
                for _ in range(sheet_bytes // len(chunk)):
                    sheet.write(chunk)
                sheet.write(_END)


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from sellerdesk.feeds.parsers.cancellation_file import read_order_cancellations
    from sellerdesk.feeds.parsers.records import FeedRejected

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(argv[0]) if argv else Path(scratch) / "bomb.xlsx"
        if not path.exists():
            with path.open("wb") as out:
                workbook_bomb(out)
        with zipfile.ZipFile(path) as archive:
            declared = archive.getinfo(SHEET).file_size
        print(f"workbook: {path.stat().st_size:,} bytes, sheet XML {declared:,} bytes")
        started = time.perf_counter()
        try:
            with path.open("rb") as source:
                outcome = f"{sum(1 for _ in read_order_cancellations(source))} records"
        except FeedRejected as rejected:
            outcome = f"FATAL {rejected}"
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"outcome: {outcome}")
    print(f"reading: {seconds:.3f} s; peak RSS of the process: {peak:.0f} MB")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main(sys.argv[1:])
