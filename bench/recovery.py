"""Seller Desk benchmark: how long a feed waits after its worker is killed with SIGKILL.

    .venv/bin/python -m bench.recovery [--trials 10] [--orders 10000]
                                          [--database sqlite|postgres] [--keep]

Each trial starts from a fresh database of its own (var/bench-recovery, or the PostgreSQL
database sellerdesk_bench_recovery: bench/databases.py), generates N Unshipped orders and the
XML feed that cancels them all (bench/feeds_data.py), and starts two supervised workers
(`manage.py db_worker --queue-name '*'`, no cron, no other process). When the feed's worker has
committed a random share (20 to 80 %) of the feed, it is killed with SIGKILL.

Measured from the kill: 'taken over', until a batch commits again (the other worker's task, queued
by its sweep when the feed has no other, or already on the feed: FEED_WORKERS); 'feed done',
until the feed is DONE; 'all sent', until every buyer email is sent as well (the demo's mail
backend: files under var/bench-recovery/mail). Each trial's outcome is checked: every order
cancelled once with one cancellation event, one email each, sent, none twice but for the one in
flight at the kill, the report complete, the ledger exact (`inventory_drift`); a wrong outcome
stops the runner with exit status 1.
"""

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.databases import ROOT, drop_postgres, environment, fresh_database

BENCH_DIR = ROOT / "var" / "bench-recovery"
POSTGRES_NAME = "sellerdesk_bench_recovery"
POLL_SECONDS = 0.02

if TYPE_CHECKING:
    from sellerdesk.feeds.models import Feed


@dataclass
class Trial:
    killed_after: int  # messages committed when the worker was killed
    taken_over: float
    feed_done: float
    all_sent: float
    resent: int  # emails sent twice: at most the one in flight at the kill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    database = environment(args.database, directory=BENCH_DIR, postgres_name=POSTGRES_NAME)
    import django

    django.setup()
    rng = random.Random(2026)
    trials: list[Trial] = []
    print(f"{args.trials} trials, {args.orders:,} orders each, {args.database}", flush=True)
    print(
        f"{'trial':>5} {'killed at':>9} {'taken over s':>12} {'feed done s':>11} "
        f"{'all sent s':>10} {'resent':>6}"
    )
    try:
        for number in range(1, args.trials + 1):
            fresh_database(args.database, database)
            trial = _trial(args.orders, share=rng.uniform(0.2, 0.8))
            trials.append(trial)
            print(
                f"{number:>5} {trial.killed_after:>9,} {trial.taken_over:>12.1f} "
                f"{trial.feed_done:>11.1f} {trial.all_sent:>10.1f} {trial.resent:>6}",
                flush=True,
            )
    finally:
        if args.database == "postgres" and not args.keep:
            drop_postgres(database)
    for name in ("taken_over", "feed_done", "all_sent"):
        values = [getattr(trial, name) for trial in trials]
        print(
            f"{name.replace('_', ' ')}: median {statistics.median(values):.1f} s, "
            f"worst {max(values):.1f} s"
        )
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end.")


def _trial(orders: int, *, share: float) -> Trial:
    from django.core.management import call_command
    from django.db import connection

    from bench import feeds_data
    from sellerdesk.feeds.models import Feed

    call_command("migrate", verbosity=0)
    for path in (BENCH_DIR / "mail").glob("*"):
        path.unlink()
    kind = feeds_data.Cancellation()
    (part,) = feeds_data.generate(kind=kind, orders=orders, feeds=1, sellers=1, directory=BENCH_DIR)
    feed = feeds_data.submit(part, kind)
    connection.close()
    workers = [_start_worker(name) for name in ("a", "b")]
    try:
        owner = _wait_for_owner(feed.pk)
        while Feed.objects.get(pk=feed.pk).records_done < share * orders:
            time.sleep(POLL_SECONDS)
        killed_after = Feed.objects.get(pk=feed.pk).records_done
        dying = workers[0] if owner == "recovery-a" else workers[1]
        dying.send_signal(signal.SIGKILL)
        dying.wait()
        killed_at = time.monotonic()
        committed = Feed.objects.get(pk=feed.pk).records_done
        taken_over = _wait(lambda: Feed.objects.get(pk=feed.pk).records_done > committed)
        feed_done = _wait(lambda: Feed.objects.get(pk=feed.pk).processing_status == "DONE")
        all_sent = _wait(_all_sent)
        resent = _check(feed, orders)
        return Trial(
            killed_after,
            taken_over - killed_at,
            feed_done - killed_at,
            all_sent - killed_at,
            resent,
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait()


def _start_worker(name: str) -> "subprocess.Popen[bytes]":
    log = (BENCH_DIR / f"worker-{name}.log").open("wb")
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            f"recovery-{name}",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_for_owner(feed_pk: int) -> str:
    from django_tasks_db.models import DBTaskResult

    def owner() -> str:
        task = DBTaskResult.objects.filter(queue_name="feeds", status="RUNNING").first()
        return task.worker_ids[-1] if task else ""

    _wait(lambda: bool(owner()))
    return owner()


def _wait(done: Callable[[], bool], timeout: float = 600) -> float:
    """time.monotonic() when `done()` first holds."""
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"Not within {timeout:.0f} s.")
        time.sleep(POLL_SECONDS)
    return time.monotonic()


def _all_sent() -> bool:
    from sellerdesk.notifications.models import OutboundEmail

    return not OutboundEmail.objects.exclude(status="sent").exists()


def _check(feed: "Feed", orders: int) -> int:
    """Every order cancelled once with one email; the emails sent twice (the one in flight)."""
    import collections

    from django.core.management import call_command

    from sellerdesk.notifications.models import OutboundEmail
    from sellerdesk.orders.models import Order, OrderEvent

    feed.refresh_from_db()
    problems = []
    if (feed.processing_status, feed.messages_processed, feed.messages_successful) != (
        "DONE",
        orders,
        orders,
    ):
        problems.append(f"feed {feed.processing_status} {feed.messages_processed}")
    if Order.objects.filter(status="Canceled").count() != orders:
        problems.append("orders not all cancelled")
    if OrderEvent.objects.filter(kind="cancelled").count() != orders:
        problems.append("not one cancellation event per order")
    if OutboundEmail.objects.filter(status="sent").count() != orders:
        problems.append("not one sent email per order")
    written = collections.Counter(
        line.split(b":", 1)[1].strip()
        for path in (BENCH_DIR / "mail").glob("*.log")
        for line in path.read_bytes().splitlines()
        if line.startswith(b"Message-ID:")
    )
    if len(written) != orders:
        problems.append(f"{len(written)} distinct emails written, not {orders}")
    resent = sum(count - 1 for count in written.values())
    if resent > 1:
        problems.append(f"{resent} emails written twice")
    try:
        call_command("inventory_drift", verbosity=0)
    except SystemExit as exit_:
        if exit_.code:
            problems.append("inventory drift")
    if problems:
        raise SystemExit("OUTCOME WRONG: " + "; ".join(problems))
    return resent


if __name__ == "__main__":
    main()
