"""One feed, several tasks at once, on real threads with connections of their own. On PostgreSQL
the batches' row locks decide which task applies which batch, and which batch waits for which;
on SQLite the writers take turns. Either way every batch applies once, and messages whose order
matters apply in the feed's order."""

import io
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connection

from sellerdesk.feeds import processing
from sellerdesk.feeds.appliers import acknowledgement
from sellerdesk.feeds.batches import BatchOrder
from sellerdesk.feeds.kinds import feed_kind
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.parsers.adjustment import Adjustment
from sellerdesk.feeds.parsers.records import Acknowledgement, CancelLine
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.refunds.lines import AdjustedItem
from tests.factories import make_listing, make_order
from tests.feeds.test_processing import HEADER, ack, envelope, item, results, submit

pytestmark = pytest.mark.django_db(transaction=True)

ROW_LOCKS = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="batches held by one task while another runs: on SQLite writers take turns",
)


def run(name: str, call: Callable[[], str], outcomes: dict[str, object]) -> threading.Thread:
    def target() -> None:
        try:
            outcomes[name] = call()
        except BaseException as error:  # reported to the test
            outcomes[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


def task(feed: Feed) -> Callable[[], str]:
    return lambda: processing.feed_process(feed_pk=feed.pk)


class Pause:
    """Stops the task of one thread inside the batch that cancels `order_id`, in the batch's
    transaction but before it changes anything, until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, thread: str, order_id: str) -> None:
        self.entered, self.released = threading.Event(), threading.Event()
        real = acknowledgement.orders_cancel

        def paused(**kwargs: Any) -> Any:
            mine = threading.current_thread().name == thread
            if mine and any(r.amazon_order_id == order_id for r in kwargs["requests"]):
                self.entered.set()
                self.released.wait(60)
            return real(**kwargs)

        monkeypatch.setattr(acknowledgement, "orders_cancel", paused)


def wait_for_a_task_waiting_for_a_lock() -> None:
    deadline = time.monotonic() + 60
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            (waiting,) = cursor.fetchone()
        if waiting:
            return
        assert time.monotonic() < deadline, "no task came to wait for the held batch"
        time.sleep(0.02)


@pytest.fixture
def threads() -> Iterator[list[threading.Thread]]:
    started: list[threading.Thread] = []
    yield started
    for thread in started:
        thread.join(timeout=60)


def cancelled_once_with_one_email(orders: list[Order]) -> bool:
    events = list(OrderEvent.objects.filter(kind="cancelled").values_list("order_id", flat=True))
    return (
        sorted(events) == sorted(order.pk for order in orders)
        and OutboundEmail.objects.count() == len(orders)
        and Order.objects.filter(status="Canceled").count() == len(orders)
    )


def test_two_tasks_on_one_feed_apply_each_batch_once_and_report_in_message_order(
    seller, monkeypatch
):
    monkeypatch.setattr(processing, "BATCH_SIZE", 2)
    listing = make_listing(seller, quantity=100)
    orders = [make_order(seller, (listing, 1)) for _ in range(24)]
    lines = [f"{order.amazon_order_id}\tPricingError\t\n" for order in orders]
    lines[5:5] = ["123-4567890-1234567\tPricingError\t\n"]  # line 7: no such order
    lines[12:12] = [lines[2]]  # line 14: the order of line 4 again, a later batch
    feed = submit(seller, HEADER + "".join(lines))
    outcomes: dict[str, object] = {}

    for thread in [run(name, task(feed), outcomes) for name in ("a", "b")]:
        thread.join(timeout=120)

    feed.refresh_from_db()
    assert outcomes == {"a": "done", "b": "done"}
    assert (feed.processing_status, feed.records_done, feed.records_total) == ("DONE", 26, 26)
    assert (feed.messages_successful, feed.messages_with_error) == (25, 1)
    assert results(feed) == [(7, "Error", 18002), (14, "Warning", 18011)]
    assert list(feed.batches.values_list("done", flat=True)) == [True] * 13
    assert cancelled_once_with_one_email(orders)
    listing.refresh_from_db()
    assert listing.quantity == 100
    with feed.result_document.file.open("rb") as report:
        rows = [line.split("\t")[0] for line in report.read().decode().splitlines()[5:]]
    assert rows == ["7", "14"]


@ROW_LOCKS
def test_a_batch_held_by_another_task_is_passed_by_then_waited_for(seller, monkeypatch, threads):
    monkeypatch.setattr(processing, "BATCH_SIZE", 3)
    orders = [make_order(seller) for _ in range(12)]
    feed = submit(
        seller, HEADER + "".join(f"{o.amazon_order_id}\tPricingError\t\n" for o in orders)
    )
    pause = Pause(monkeypatch, thread="a", order_id=orders[4].amazon_order_id)  # batch 1
    outcomes: dict[str, object] = {}
    threads.append(run("a", task(feed), outcomes))
    assert pause.entered.wait(60)

    threads.append(run("b", task(feed), outcomes))
    wait_for_a_task_waiting_for_a_lock()
    meanwhile = Feed.objects.values_list("records_done", flat=True).get(pk=feed.pk)
    pause.released.set()
    for thread in threads:
        thread.join(timeout=60)

    feed.refresh_from_db()
    assert meanwhile == 9  # b applied every batch but the held one, then waited for it
    assert outcomes == {"a": "done", "b": "done"}
    assert (feed.processing_status, feed.records_done) == ("DONE", 12)
    assert cancelled_once_with_one_email(orders)


@ROW_LOCKS
def test_messages_of_one_order_in_different_batches_apply_in_message_order(
    seller, monkeypatch, threads
):
    monkeypatch.setattr(processing, "BATCH_SIZE", 1)
    listing = make_listing(seller, quantity=10)
    other, order = make_order(seller), make_order(seller, (listing, 2))
    code = order.items.get().order_item_id
    content = envelope(
        ack(1, other.amazon_order_id, items=item(other.items.get().order_item_id, "PricingError")),
        ack(2, order.amazon_order_id, items=item(code, "PricingError", 1)),
        ack(3, order.amazon_order_id, items=item(code, "PricingError", 2)),
    )
    feed = submit(seller, content, feed_type=FeedType.ORDER_ACKNOWLEDGEMENT)
    pause = Pause(monkeypatch, thread="a", order_id=order.amazon_order_id)  # batch 1
    outcomes: dict[str, object] = {}
    threads.append(run("a", task(feed), outcomes))
    assert pause.entered.wait(60)

    threads.append(run("b", task(feed), outcomes))
    wait_for_a_task_waiting_for_a_lock()  # b, at batch 2, for batch 1
    pause.released.set()
    for thread in threads:
        thread.join(timeout=60)

    feed.refresh_from_db()
    assert outcomes == {"a": "done", "b": "done"}
    # The first message cancels one unit; the second asks for two of the one left.
    assert results(feed) == [(3, "Error", 18007)]
    assert order.items.get().quantity_cancelled == 1


@ROW_LOCKS
def test_a_cancellation_that_empties_stock_keeps_the_stock_of_the_feed_in_order(
    seller, monkeypatch, threads
):
    monkeypatch.setattr(processing, "BATCH_SIZE", 1)
    listing = make_listing(seller, quantity=10)
    orders = [make_order(seller, (listing, 1)) for _ in range(3)]
    content = HEADER + "".join(
        f"{order.amazon_order_id}\t{reason}\t\n"
        for order, reason in zip(
            orders, ["PricingError", "NoInventory", "PricingError"], strict=True
        )
    )
    feed = submit(seller, content)
    pause = Pause(monkeypatch, thread="a", order_id=orders[1].amazon_order_id)  # batch 1
    outcomes: dict[str, object] = {}
    threads.append(run("a", task(feed), outcomes))
    assert pause.entered.wait(60)

    threads.append(run("b", task(feed), outcomes))
    wait_for_a_task_waiting_for_a_lock()  # b, at batch 2, for the barrier
    pause.released.set()
    for thread in threads:
        thread.join(timeout=60)

    listing.refresh_from_db()
    assert outcomes == {"a": "done", "b": "done"}
    # In the file's order: 7 + 1 after the first, 0 after NoInventory, 1 after the last.
    ledger = listing.ledger.filter(cause__startswith="cancellation").order_by("pk")
    assert list(ledger.values_list("quantity_after", flat=True)) == [8, 0, 1]
    assert listing.quantity == 1


def test_a_batch_that_loses_a_deadlock_is_applied_again(seller, monkeypatch):
    orders = [make_order(seller) for _ in range(3)]
    feed = submit(
        seller, HEADER + "".join(f"{o.amazon_order_id}\tPricingError\t\n" for o in orders)
    )
    real = acknowledgement.orders_cancel
    calls: list[int] = []

    def loses_a_deadlock_once(**kwargs: Any) -> Any:
        calls.append(1)
        outcomes = real(**kwargs)  # its changes made, then rolled back with the transaction
        if len(calls) == 1:
            cause = psycopg.errors.DeadlockDetected("deadlock detected")
            raise OperationalError("deadlock detected") from cause
        return outcomes

    monkeypatch.setattr(acknowledgement, "orders_cancel", loses_a_deadlock_once)

    outcome = processing.feed_process(feed_pk=feed.pk)

    feed.refresh_from_db()
    assert (outcome, len(calls)) == ("done", 2)
    assert (feed.processing_status, feed.messages_successful) == ("DONE", 3)
    assert cancelled_once_with_one_email(orders)


def test_any_other_database_error_fails_the_task_and_leaves_the_batch_to_do(seller, monkeypatch):
    order = make_order(seller)
    feed = submit(seller, HEADER + f"{order.amazon_order_id}\tPricingError\t\n")

    def fails(**kwargs: Any) -> Any:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(acknowledgement, "orders_cancel", fails)

    with pytest.raises(OperationalError):
        processing.feed_process(feed_pk=feed.pk)

    feed.refresh_from_db()
    assert (feed.processing_status, feed.records_done) == ("IN_PROGRESS", 0)
    assert list(feed.batches.values_list("done", flat=True)) == [False]
    assert not OrderEvent.objects.filter(kind="cancelled").exists()


def test_a_batch_follows_the_latest_batches_of_its_keys_and_the_latest_barrier(seller):
    kind = feed_kind(FeedType.ORDER_CANCELLATION_FILE)
    feed = Feed(seller=seller, feed_type=kind.feed_type, options={})
    records = {
        name: next(kind.read(_file(f"{order_id}\t{reason}\t\n")))
        for name, order_id, reason in [
            ("a", "111-0000000-0000001", "PricingError"),
            ("b", "111-0000000-0000002", "PricingError"),
            ("c", "111-0000000-0000003", "PricingError"),
            ("empties", "111-0000000-0000004", "NoInventory"),
        ]
    }
    order = BatchOrder(feed=feed, kind=kind)

    follows = [
        order.follows(0, [records["a"]]),
        order.follows(1, [records["b"]]),
        order.follows(2, [records["c"], records["a"]]),
        order.follows(3, [records["b"], records["a"]]),
        order.follows(4, [records["empties"]]),
        order.follows(5, [records["c"]]),
        order.follows(6, [records["empties"]]),
    ]

    assert follows == [set(), set(), {0}, {1, 2}, {0, 1, 2, 3}, {2, 4}, {4, 5}]


def _file(line: str) -> io.BytesIO:
    return io.BytesIO((HEADER + line).encode())


def ack_record(status: str = "Failure", *reasons: str | None) -> Acknowledgement:
    items = tuple(CancelLine(f"1000000000000{n}", reason, None) for n, reason in enumerate(reasons))
    return Acknowledgement(1, "111-0000000-0000001", status, None, None, items)


def adjustment(reason: str, quantity_cancelled: int) -> Adjustment:
    zero = Decimal("0.00")
    line = AdjustedItem(
        "10000000000001", reason, None, quantity_cancelled, "SEK", zero, zero, zero, zero, zero
    )
    return Adjustment(1, "111-0000000-0000001", (line,))


@pytest.mark.parametrize(
    ("feed_type", "options", "record", "barrier"),
    [
        (FeedType.ORDER_ACKNOWLEDGEMENT, {}, ack_record("Failure", "NoInventory"), True),
        (FeedType.ORDER_ACKNOWLEDGEMENT, {}, ack_record("Failure", "PricingError"), False),
        (FeedType.ORDER_ACKNOWLEDGEMENT, {}, ack_record("Failure", None, "NoInventory"), True),
        (FeedType.ORDER_ACKNOWLEDGEMENT, {}, ack_record("Success"), False),
        (
            FeedType.ORDER_CANCELLATION_FILE,
            {"reason": "NoInventory"},
            ack_record("Failure", "PricingError"),
            True,
        ),
        (FeedType.PAYMENT_ADJUSTMENT, {}, adjustment("NoInventory", 1), True),
        (FeedType.PAYMENT_ADJUSTMENT, {}, adjustment("NoInventory", 0), False),
        (FeedType.PAYMENT_ADJUSTMENT, {}, adjustment("CustomerCancel", 1), False),
    ],
)
def test_the_kinds_say_which_messages_empty_stock(seller, feed_type, options, record, barrier):
    kind = feed_kind(feed_type)
    feed = Feed(seller=seller, feed_type=feed_type, options=options)

    assert kind.barrier is not None
    assert kind.barrier(feed, record) is barrier
