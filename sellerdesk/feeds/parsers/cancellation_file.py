"""POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA: the Order Cancellation file, read by flat.py.

Adjacent rows of one order become one Acknowledgement, so one order gets one message."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from sellerdesk.cancellations.reasons import FEED_ONLY_REASONS, CancelReason
from sellerdesk.feeds.codes import MessageProblem
from sellerdesk.feeds.parsers import flat
from sellerdesk.feeds.parsers.fields import Invalid, reason_problem
from sellerdesk.feeds.parsers.records import FAILURE, Acknowledgement, CancelLine, RecordError

ORDER_ID = "order-id"
REASON = "cancellation-reason-code"
ITEM_CODE = "amazon-order-item-code"
COLUMNS = (ORDER_ID, REASON, ITEM_CODE)
TEMPLATE_TYPE = "OrderCancellation"  # also the workbook tab of Amazon's template

NOTES = {
    ORDER_ID: flat.ORDER_ID_NOTE,
    REASON: flat.codes_note([*CancelReason.values, *sorted(FEED_ONLY_REASONS)], "NoInventory"),
    ITEM_CODE: flat.item_code_note("cancels the whole order"),
}
ORDER_CANCELLATION_TEMPLATE = flat.template_file(
    COLUMNS, NOTES, noun="order or order item to cancel", template_type=TEMPLATE_TYPE
)

SPEC = flat.FlatSpec(
    template_type=TEMPLATE_TYPE,
    takes=f"an {TEMPLATE_TYPE} file",
    noun="order",
    columns=COLUMNS,
    order_column=ORDER_ID,
    item_column=ITEM_CODE,
    message_key=(ORDER_ID,),
    required=COLUMNS,
)


def read_order_cancellations(
    source: BinaryIO, *, filename: str = ""
) -> Iterator[Acknowledgement | RecordError]:
    """Acknowledgements and RecordErrors in line order; FeedRejected, if raised, before any."""
    return flat.read_order_messages(source, SPEC, _cancel_row, _Order, filename=filename)


def _cancel_row(row: flat.Row, order_id: str, item_code: str | None) -> Acknowledgement:
    """The row as a cancellation of its own: of one item, or of the whole order (no items)."""
    reason = row[REASON]
    if not reason:
        raise Invalid(MessageProblem.MISSING_REASON, f"{REASON} is empty.")
    if (problem := reason_problem(REASON, reason)) is not None:
        raise Invalid(MessageProblem.INVALID_REASON, problem)
    if row[ITEM_CODE] and item_code is None:
        raise flat.invalid_item_code(ITEM_CODE, row[ITEM_CODE])
    if item_code is None:
        return Acknowledgement(row.line, order_id, FAILURE, None, reason, ())
    return Acknowledgement(
        row.line, order_id, FAILURE, None, None, (CancelLine(item_code, reason, None),)
    )


@dataclass(slots=True)
class _Order:
    """The rows of one order that become one Acknowledgement."""

    first: Acknowledgement
    reason: str | None = None  # of the whole-order row
    named: flat.Named = field(default_factory=flat.Named)
    items: list[CancelLine] = field(default_factory=list)

    def merge(self, row: Acknowledgement) -> RecordError | None:
        item_code = row.items[0].order_item_id if row.items else None
        if (earlier := self.named.earlier(item_code, row.message_id)) is not None:
            why = f"already cancels {earlier}; this row repeats it and is ignored."
            return flat.ignored(row.message_id, row.amazon_order_id, item_code, why)
        self.reason = self.reason or row.reason
        self.items.extend(row.items)
        return None

    def record(self) -> Acknowledgement:
        # A whole-order row wins over item rows of the same order.
        items = () if self.named.whole_order is not None else tuple(self.items)
        return replace(self.first, reason=self.reason, items=items)
