"""Rules of free text that the domain stores and shows to people."""

import re

# One line of text: no control characters (C0, DEL, C1) and no Unicode line or paragraph
# separator, which mail programs and the seller's pages would show as a line break.
ONE_LINE = "[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*"
_ONE_LINE = re.compile(ONE_LINE)


def is_one_line(value: str) -> bool:
    return _ONE_LINE.fullmatch(value) is not None
