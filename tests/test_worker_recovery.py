"""Real `db_worker` processes, killed with SIGKILL at the worst moments, and a mail server that
is down and comes back: another worker finishes all of the dead one's work by itself, with no
cron and no command, and every order is cancelled once with one email.

The deadlines are the promises of docs/operations.md (30 s to finish a dead worker's work, 60 s
to drain a backlog after the mail server's return); the tests wait up to them and no longer."""

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from sellerdesk.accounts.models import Seller, User
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import Listing
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.notifications.models import MailServerStatus, OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from tests.conftest import SmtpInbox, database_url, free_port, smtp_server
from tests.factories import make_listing, make_order
from tests.feeds.test_processing import HEADER, submit

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
TAKEOVER_DEADLINE = 30.0
DRAIN_DEADLINE = 60.0
STOCK = 1000


class Workers:
    """Worker processes of this test, all killed at its end."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(
        self, *, mail_port: int, stop_at: str | None = None, feed_batch_size: int | None = None
    ) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mail_port),
            "EMAIL_TIMEOUT": "5",
        }
        if feed_batch_size:
            env["FEED_BATCH_SIZE"] = str(feed_batch_size)
        options = ["--queue-name", "*", "--interval", "0.2", "--no-startup-delay", "-v", "0"]
        if stop_at:
            command = [sys.executable, "-m", "tests.fault_worker", stop_at, str(self.marker)]
        else:
            command = [sys.executable, "manage.py", "db_worker"]
        log = (self.logs / f"worker-{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and modules)
            [*command, *options], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    @property
    def marker(self) -> Path:
        return self.logs / "stopped-at-the-point"

    def wait_for_the_stop(self, process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while not self.marker.exists():
            assert process.poll() is None, f"the worker exited: {self.output()}"
            assert time.monotonic() < deadline, f"the worker never stopped: {self.output()}"
            time.sleep(0.05)

    def kill(self, process: subprocess.Popen[bytes]) -> float:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return time.monotonic()

    def output(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.logs.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Workers]:
    processes = Workers(tmp_path)
    try:
        yield processes
    finally:
        processes.stop_all()


@pytest.fixture
def inbox() -> Iterator[tuple[SmtpInbox, int]]:
    received = SmtpInbox()
    controller = smtp_server(received, free_port())
    try:
        yield received, controller.port
    finally:
        controller.stop()


def wait_until(done: Callable[[], bool], *, since: float, deadline: float, what: str) -> float:
    """Seconds from `since` until `done()`; fails at the deadline."""
    while not done():
        assert time.monotonic() - since < deadline, f"not within {deadline:.0f} s: {what}"
        time.sleep(0.1)
    return time.monotonic() - since


def wait_for_the_takeover(
    workers: "Workers", feed: Feed, *, since: float, deadline: float = TAKEOVER_DEADLINE
) -> None:
    """Waits until the other worker has finished the feed and sent every email."""
    wait_until(
        lambda: (
            Feed.objects.get(pk=feed.pk).processing_status == "DONE"
            and not OutboundEmail.objects.exclude(status="sent").exists()
        ),
        since=since,
        deadline=deadline,
        what=f"the feed and its emails finished by the other worker\n{workers.output()}",
    )


def unshipped_orders(seller: Seller, count: int) -> tuple[list[Order], list[Listing]]:
    listings = [make_listing(seller, quantity=STOCK) for _ in range(3)]
    orders = [make_order(seller, (listings[n % 3], 1)) for n in range(count)]
    return orders, listings


def cancellation_file(orders: list[Order]) -> str:
    return HEADER + "".join(f"{order.amazon_order_id}\tPricingError\t\n" for order in orders)


def assert_cancelled_once_with_one_email(
    orders: list[Order], listings: list[Listing], inbox: SmtpInbox, *, in_flight: str = ""
) -> None:
    pks = [order.pk for order in orders]
    assert Order.objects.filter(pk__in=pks, status="Canceled").count() == len(orders)
    events = collections.Counter(
        OrderEvent.objects.filter(order__in=pks, kind="cancelled").values_list(
            "order_id", flat=True
        )
    )
    assert set(events.values()) == {1} and len(events) == len(orders)
    emails = OutboundEmail.objects.filter(order__in=pks)
    assert emails.count() == len(orders)
    assert set(emails.values_list("status", flat=True)) == {"sent"}
    received = collections.Counter(message["Message-ID"] for message in inbox.messages)
    expected = collections.Counter(emails.values_list("message_id", flat=True))
    if in_flight:
        expected[in_flight] += 1  # sent when its worker was killed, before it was recorded
    assert received == expected
    for listing in listings:
        listing.refresh_from_db()
        ledger = sum(listing.ledger.values_list("delta", flat=True))
        assert listing.quantity == STOCK == ledger


def assert_feed_complete(feed: Feed, messages: int) -> None:
    feed.refresh_from_db()
    assert (feed.processing_status, feed.records_done, feed.messages_processed) == (
        "DONE",
        messages,
        messages,
    )
    assert (feed.messages_successful, feed.messages_with_error) == (messages, 0)
    assert feed.results.count() == 0
    assert feed.result_document is not None
    with feed.result_document.file.open("rb") as report:
        assert f"Number of records processed\t{messages}" in report.read().decode()


def test_a_worker_killed_inside_a_feed_batch_is_taken_over(
    seller: Seller, workers: Workers, inbox: tuple[SmtpInbox, int], settings: Any
):
    settings.FEED_WORKERS = 1  # the feed's one task dies with its worker: a sweep queues one
    received, port = inbox
    orders, listings = unshipped_orders(seller, 240)
    feed = submit(seller, cancellation_file(orders), feed_type=FeedType.ORDER_CANCELLATION_FILE)
    dying = workers.start(mail_port=port, stop_at="feed-batch-open:3", feed_batch_size=40)
    workers.wait_for_the_stop(dying)

    workers.start(mail_port=port)
    killed_at = workers.kill(dying)

    wait_for_the_takeover(workers, feed, since=killed_at)
    assert_feed_complete(feed, 240)
    assert_cancelled_once_with_one_email(orders, listings, received)
    lost = DBTaskResult.objects.get(queue_name="feeds", status="FAILED")
    assert lost.exception_class_path == "sellerdesk.core.workers.WorkerLost"
    # Nothing is left running on the dead worker (the live one may be at a rate check).
    running = DBTaskResult.objects.filter(status="RUNNING")
    assert not [task for task in running if task.worker_ids[-1] == lost.worker_ids[-1]]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a batch held by one worker while another runs: on SQLite writers take turns",
)
def test_a_worker_killed_inside_a_feed_batch_while_another_runs_the_feed_loses_nothing(
    seller: Seller, workers: Workers, inbox: tuple[SmtpInbox, int], settings: Any
):
    settings.FEED_WORKERS = 2
    received, port = inbox
    orders, listings = unshipped_orders(seller, 240)
    feed = submit(seller, cancellation_file(orders), feed_type=FeedType.ORDER_CANCELLATION_FILE)
    # Before the batch's changes: once made, they would hold the listings that every batch
    # restocks, and the other worker would wait for them.
    dying = workers.start(mail_port=port, stop_at="feed-batch-claimed:3", feed_batch_size=40)
    workers.wait_for_the_stop(dying)

    workers.start(mail_port=port)
    # The other worker applies every batch but the one the stopped worker holds, and waits.
    wait_until(
        lambda: Feed.objects.get(pk=feed.pk).records_done == 200,
        since=time.monotonic(),
        deadline=TAKEOVER_DEADLINE,
        what=f"the other worker applying the other batches\n{workers.output()}",
    )
    killed_at = workers.kill(dying)

    wait_for_the_takeover(workers, feed, since=killed_at)
    assert_feed_complete(feed, 240)
    assert_cancelled_once_with_one_email(orders, listings, received)
    assert Feed.objects.get(pk=feed.pk).runs == 1


def test_a_small_feed_of_another_seller_is_done_while_two_workers_are_in_a_large_one(
    seller: Seller,
    other_seller: Seller,
    workers: Workers,
    inbox: tuple[SmtpInbox, int],
    settings: Any,
):
    # Given two workers inside a large feed of 50 batches
    settings.FEED_WORKERS = 2
    received, port = inbox
    orders, listings = unshipped_orders(seller, 200)
    large = submit(seller, cancellation_file(orders), feed_type=FeedType.ORDER_CANCELLATION_FILE)
    Feed.objects.filter(pk=large.pk).update(batch_size=4)
    for _worker in range(2):
        workers.start(mail_port=port)
    wait_until(
        lambda: Feed.objects.get(pk=large.pk).records_done >= 8,
        since=time.monotonic(),
        deadline=TAKEOVER_DEADLINE,
        what=f"the workers inside the large feed\n{workers.output()}",
    )

    # When another seller submits a one-line feed
    few, their_listings = unshipped_orders(other_seller, 1)
    small = submit(other_seller, cancellation_file(few), feed_type=FeedType.ORDER_CANCELLATION_FILE)

    # Then it is done while the large feed still has messages to apply, and both apply every
    # message once with one email each (the emails are sent once the feeds are done)
    for feed in (small, large):
        wait_for_the_takeover(workers, feed, since=time.monotonic(), deadline=DRAIN_DEADLINE)
    small.refresh_from_db()
    large.refresh_from_db()
    assert small.processing_end_time and large.processing_end_time
    assert small.processing_end_time < large.processing_end_time
    before_small = OrderEvent.objects.filter(
        order__seller=seller, kind="cancelled", created_at__lt=small.processing_end_time
    ).count()
    assert before_small < 200
    assert_feed_complete(large, 200)
    assert_feed_complete(small, 1)
    assert_cancelled_once_with_one_email(orders + few, listings + their_listings, received)
    assert (large.runs, small.runs) == (1, 1)


def test_a_worker_killed_inside_another_sellers_feed_batch_loses_nothing(
    seller: Seller,
    other_seller: Seller,
    workers: Workers,
    inbox: tuple[SmtpInbox, int],
    settings: Any,
):
    # Given a large feed and, after it, another seller's feed, each with one task
    settings.FEED_WORKERS = 1
    received, port = inbox
    orders, listings = unshipped_orders(seller, 160)
    theirs, their_listings = unshipped_orders(other_seller, 20)
    large = submit(seller, cancellation_file(orders), feed_type=FeedType.ORDER_CANCELLATION_FILE)
    small = submit(
        other_seller, cancellation_file(theirs), feed_type=FeedType.ORDER_CANCELLATION_FILE
    )
    # The large feed's task applies its first batch, then the other seller's turn comes: the
    # worker stops inside that batch, its changes made, the small feed's own task still queued.
    dying = workers.start(mail_port=port, stop_at="feed-batch-open:2", feed_batch_size=40)
    workers.wait_for_the_stop(dying)
    inside = [
        Feed.objects.values_list("processing_status", "records_done").get(pk=feed.pk)
        for feed in (large, small)
    ]

    # When the worker is killed there, with another worker running
    workers.start(mail_port=port)
    killed_at = workers.kill(dying)

    # Then the other worker finishes both feeds, every order cancelled once with one email
    for feed in (small, large):
        wait_for_the_takeover(workers, feed, since=killed_at)
    assert inside == [("IN_PROGRESS", 40), ("IN_PROGRESS", 0)]
    assert_feed_complete(large, 160)
    assert_feed_complete(small, 20)
    assert_cancelled_once_with_one_email(orders + theirs, listings + their_listings, received)
    assert Feed.objects.get(pk=small.pk).runs == 1


def test_a_worker_killed_between_a_commit_and_queueing_its_emails_loses_none(
    seller: Seller, workers: Workers, inbox: tuple[SmtpInbox, int]
):
    received, port = inbox
    orders, listings = unshipped_orders(seller, 40)
    feed = submit(seller, cancellation_file(orders), feed_type=FeedType.ORDER_CANCELLATION_FILE)
    dying = workers.start(mail_port=port, stop_at="email-task-queueing:1")
    workers.wait_for_the_stop(dying)
    # The feed's one batch is committed with its 40 emails; their delivery task is not queued,
    # and nothing else will queue one.
    committed = Feed.objects.get(pk=feed.pk).records_done
    tasks = DBTaskResult.objects.filter(queue_name="email").count()

    workers.start(mail_port=port)
    killed_at = workers.kill(dying)

    wait_for_the_takeover(workers, feed, since=killed_at)
    assert (committed, tasks) == (40, 0)
    assert_feed_complete(feed, 40)
    assert_cancelled_once_with_one_email(orders, listings, received)


def test_a_worker_killed_while_sending_an_email_resends_only_that_one(
    seller: Seller, seller_user: User, workers: Workers, inbox: tuple[SmtpInbox, int]
):
    received, port = inbox
    orders, listings = unshipped_orders(seller, 30)
    for order in orders:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="CustomerExchange",
        )
    fifth = OutboundEmail.objects.order_by("pk")[4]
    dying = workers.start(mail_port=port, stop_at="email-accepted:5")
    workers.wait_for_the_stop(dying)

    workers.start(mail_port=port)
    killed_at = workers.kill(dying)

    wait_until(
        lambda: not OutboundEmail.objects.exclude(status="sent").exists(),
        since=killed_at,
        deadline=TAKEOVER_DEADLINE,
        what=f"every email sent by the other worker\n{workers.output()}",
    )
    assert_cancelled_once_with_one_email(orders, listings, received, in_flight=fifth.message_id)


def test_emails_queued_while_the_mail_server_is_down_all_go_out_once_it_is_back(
    seller: Seller, seller_user: User, workers: Workers
):
    port = free_port()  # nothing listens: every connection is refused
    workers.start(mail_port=port)
    orders, listings = unshipped_orders(seller, 200)
    for order in orders:
        order_cancel(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=seller_user,
            reason="PricingError",
        )
    outage = time.monotonic()
    wait_until(
        lambda: (
            MailServerStatus.objects.filter(down_since__isnull=False).exists()
            and not OutboundEmail.objects.exclude(status="pending").exists()
            and not DBTaskResult.objects.filter(status="RUNNING").exists()
        ),
        since=outage,
        deadline=30,
        what="the worker finding the server down",
    )
    time.sleep(8)
    refused = OutboundEmail.objects.filter(last_error__contains="ConnectionRefusedError").count()
    status = MailServerStatus.objects.get()
    waited = time.monotonic() - outage

    received = SmtpInbox()
    controller = smtp_server(received, port)
    back = time.monotonic()
    try:
        wait_until(
            lambda: not OutboundEmail.objects.exclude(status="sent").exists(),
            since=back,
            deadline=DRAIN_DEADLINE,
            what=f"the backlog drained after the server's return\n{workers.output()}",
        )
    finally:
        controller.stop()

    # The error is on the rows the worker tried, none used up, the server probed with backoff.
    assert refused >= 1
    assert "ConnectionRefusedError" in status.last_error
    assert status.failures <= 2 + waited / 5
    assert_cancelled_once_with_one_email(orders, listings, received)
    assert MailServerStatus.objects.get().down_since is None
