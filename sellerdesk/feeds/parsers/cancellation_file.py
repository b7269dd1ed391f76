"""POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA: the Order Cancellation file, read by flat.py.

Adjacent rows of one order become one Acknowledgement, so one order gets one message."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers.fields import Invalid, reason_problem
from sellerdesk.feeds.parsers.flat import (
    FlatSpec,
    Named,
    Row,
    grouped,
    ignored,
    invalid_item_code,
    order_row,
    read_rows,
    template_file,
)
from sellerdesk.feeds.parsers.records import FAILURE, Acknowledgement, CancelLine, RecordError

ORDER_ID = "order-id"
REASON = "cancellation-reason-code"
ITEM_CODE = "amazon-order-item-code"
COLUMNS = (ORDER_ID, REASON, ITEM_CODE)
TEMPLATE_TYPE = "OrderCancellation"  # also the workbook tab of Amazon's template

ORDER_CANCELLATION_TEMPLATE = template_file(COLUMNS, TEMPLATE_TYPE)

SPEC = FlatSpec(
    template_type=TEMPLATE_TYPE,
    takes=f"an {TEMPLATE_TYPE} file",
    noun="order",
    columns=COLUMNS,
    required=COLUMNS,
)


def read_order_cancellations(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[Acknowledgement | RecordError]:
    """Acknowledgements (status Failure) and RecordErrors, in the order of their first line.

    Raises FeedRejected, before yielding anything, if the file as a whole is unacceptable."""
    rows = read_rows(source, SPEC, filename=filename)
    yield from grouped(((row[ORDER_ID], _judge_row(row)) for row in rows), _Order.start)


@dataclass(frozen=True, slots=True)
class _CancelRow:
    line: int
    order_id: str
    reason: str
    item_code: str | None  # None: the whole order


def _judge_row(row: Row) -> _CancelRow | RecordError:
    return order_row(row, ORDER_ID, ITEM_CODE, _cancel_row)


def _cancel_row(row: Row, order_id: str, item_code: str | None) -> _CancelRow:
    reason = row[REASON]
    if not reason:
        raise Invalid(MessageProblem.MISSING_REASON, f"{REASON} is empty.")
    if (problem := reason_problem(REASON, reason)) is not None:
        raise Invalid(MessageProblem.INVALID_REASON, problem)
    if row[ITEM_CODE] and item_code is None:
        raise invalid_item_code(ITEM_CODE, row[ITEM_CODE])
    return _CancelRow(row.line, order_id, reason, item_code)


@dataclass(slots=True)
class _Order:
    """The rows of one order that become one Acknowledgement."""

    line: int
    order_id: str
    reason: str | None = None  # of the whole-order row
    named: Named = field(default_factory=Named)
    items: list[CancelLine] = field(default_factory=list)

    @classmethod
    def start(cls, row: _CancelRow) -> "_Order":
        return cls(row.line, row.order_id)

    def merge(self, row: _CancelRow) -> RecordError | None:
        if (earlier := self.named.earlier(row.item_code, row.line)) is not None:
            why = f"already cancels {earlier}; this row repeats it and is ignored."
            return ignored(row.line, row.order_id, row.item_code, why)
        if row.item_code is None:
            self.reason = row.reason
        else:
            self.items.append(CancelLine(row.item_code, row.reason, None))
        return None

    def record(self) -> Acknowledgement:
        # A whole-order row wins over item rows of the same order.
        items = () if self.named.whole_order is not None else tuple(self.items)
        return Acknowledgement(self.line, self.order_id, FAILURE, None, self.reason, items)
