"""Seller Desk benchmark: how long each seller's feed waits when many sellers share the workers.

    .venv/bin/python -m bench.fairness [--sellers 200] [--large 100000] [--large-feeds 2]
                                          [--medium 1000] [--medium-feeds 20] [--small 10]
                                          [--spread 30] [--workers 2] [--keep]

On a fresh PostgreSQL database of its own (sellerdesk_bench_fairness on the server of
DATABASE_URL: bench/databases.py), one feed per seller: --large-feeds feeds of --large messages,
--medium-feeds of --medium, and the rest of --small, each an Order Acknowledgement feed that
cancels its seller's Unshipped orders (bench/feeds_data.py). --workers supervised `db_worker`
processes on the feeds queue are started first and wait (the feeds are submitted once both
have registered). Then the feeds are submitted as the
Feeds API does, interleaved: the first large feed, a small feed of another seller one second
later (the probe), and the others in a shuffled order over --spread seconds.

Measured: each feed's wait, from its submission (created_at) to DONE (processing_end_time),
summed up by size (p50, p95, max), and the probe's against the target: a 10-line feed submitted
one second after a 100,000-message feed of another seller is DONE within 5 s. The outcome is
checked as in bench/feeds.py (every feed DONE with its counts and report, every order cancelled
once, stock and ledger restocked, one email queued per order); a wrong outcome stops the runner
with exit status 1.
"""

import argparse
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from bench.databases import ROOT, drop_postgres, environment, fresh_database

if TYPE_CHECKING:
    from bench.feeds_data import Kind, Part

BENCH_DIR = ROOT / "var" / "bench-fairness"
POSTGRES_NAME = "sellerdesk_bench_fairness"
PROBE_DELAY = 1.0  # seconds after the first large feed
TARGET_SECONDS = 5.0
POLL_SECONDS = 0.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=200, help="sellers, one feed each")
    parser.add_argument("--large", type=int, default=100_000, help="messages of a large feed")
    parser.add_argument("--large-feeds", type=int, choices=(1, 2), default=2)
    parser.add_argument("--medium", type=int, default=1000, help="messages of a medium feed")
    parser.add_argument("--medium-feeds", type=int, default=20)
    parser.add_argument("--small", type=int, default=10, help="messages of a small feed")
    parser.add_argument("--spread", type=float, default=30.0, help="seconds to submit the rest")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-name", default=POSTGRES_NAME)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds; then stop")
    args = parser.parse_args()
    if args.sellers < args.large_feeds + args.medium_feeds + 1:
        parser.error("--sellers must leave at least one seller with a small feed")

    database = environment("postgres", directory=BENCH_DIR, postgres_name=args.database_name)
    os.environ["FEED_WORKERS"] = str(args.workers)
    import django

    django.setup()
    try:
        fresh_database("postgres", database)
        _benchmark(args)
    finally:
        if not args.keep:
            drop_postgres(database)


def _benchmark(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import feeds_data
    from bench.feeds import verify
    from sellerdesk.catalog.models import Listing

    small_feeds = args.sellers - args.large_feeds - args.medium_feeds
    sizes = (
        [args.large] * args.large_feeds
        + [args.small]  # the probe
        + [args.medium] * args.medium_feeds
        + [args.small] * (small_feeds - 1)
    )
    kind = feeds_data.Cancellation()
    print(
        f"Preparing {args.sellers} sellers and {sum(sizes):,} orders: {args.large_feeds} feed(s) "
        f"of {args.large:,}, {args.medium_feeds} of {args.medium:,}, {small_feeds} of "
        f"{args.small:,} ...",
        flush=True,
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    parts = feeds_data.generate(
        kind=kind,
        orders=sum(sizes),
        feeds=len(sizes),
        sellers=len(sizes),
        directory=BENCH_DIR,
        sizes=sizes,
        # The large feeds' sellers with as many listings as bench/feeds.py's; the others with a
        # few, which is quicker to make.
        listings=[feeds_data.LISTINGS if size >= args.medium else 4 for size in sizes],
    )
    stock = dict(Listing.objects.values_list("pk", "quantity"))
    print(f"Prepared in {time.perf_counter() - started:.1f} s.", flush=True)
    connection.close()

    workers = _start_workers(args.workers)
    try:
        _wait_for_workers(args.workers)
        probe = _submit_interleaved(parts, kind, args)
        _wait_for_done(parts, args.timeout)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
    problems = verify(kind, parts, stock)
    _print_report(args, parts, probe, problems)
    if problems:
        raise SystemExit(1)


def _start_workers(count: int) -> "list[subprocess.Popen[bytes]]":
    workers = []
    for number in range(1, count + 1):
        with (BENCH_DIR / f"worker-{number}.log").open("wb") as log:
            workers.append(
                subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                    [
                        sys.executable,
                        str(ROOT / "manage.py"),
                        "db_worker",
                        "--queue-name",
                        "feeds",
                        "--interval",
                        "0.1",
                        "--no-startup-delay",
                        "--no-reload",
                        "--worker-id",
                        f"bench-fairness-{number}",
                    ],
                    cwd=ROOT,
                    env=os.environ.copy(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    return workers


def _wait_for_workers(count: int) -> None:
    """Until every worker has started and registered: a wait is the feeds', not Django's
    start-up."""
    from sellerdesk.core.models import TaskWorker

    names = [f"bench-fairness-{number}" for number in range(1, count + 1)]
    deadline = time.time() + 300
    while TaskWorker.objects.filter(worker_id__in=names).count() < count:
        if time.time() > deadline:
            raise SystemExit("The workers did not start within 300 s.")
        time.sleep(POLL_SECONDS)


def _submit_interleaved(parts: "list[Part]", kind: "Kind", args: argparse.Namespace) -> "Part":
    """The first large feed, the probe a second after it, the others shuffled over the spread;
    the probe."""
    from bench import feeds_data

    first, probe = parts[0], parts[args.large_feeds]
    rest = [part for part in parts if part is not first and part is not probe]
    random.Random(feeds_data.SEED).shuffle(rest)
    feeds_data.submit(first, kind)
    assert first.feed is not None
    time.sleep(max(0.0, first.feed.created_at.timestamp() + PROBE_DELAY - time.time()))
    feeds_data.submit(probe, kind)
    begin = time.time()
    for number, part in enumerate(rest):
        time.sleep(max(0.0, begin + args.spread * number / len(rest) - time.time()))
        feeds_data.submit(part, kind)
    return probe


def _wait_for_done(parts: "list[Part]", timeout: float) -> None:
    from sellerdesk.feeds.models import Feed

    pks = [part.feed.pk for part in parts if part.feed is not None]
    deadline = time.time() + timeout
    active = Feed.objects.filter(pk__in=pks, processing_status__in=["IN_QUEUE", "IN_PROGRESS"])
    while active.exists():
        if time.time() > deadline:
            raise SystemExit(f"Feeds not done within {timeout:.0f} s.")
        time.sleep(POLL_SECONDS)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _print_report(
    args: argparse.Namespace, parts: "list[Part]", probe: "Part", problems: list[str]
) -> None:
    import django
    from django.db import connection

    from sellerdesk.feeds.processing import BATCH_SIZE

    waits: dict[int, list[float]] = {}
    for part in parts:
        assert part.feed is not None
        part.feed.refresh_from_db()
        if part.feed.processing_end_time is None:
            continue
        wait = (part.feed.processing_end_time - part.feed.created_at).total_seconds()
        waits.setdefault(part.orders, []).append(wait)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        engine = f"PostgreSQL {cursor.fetchone()[0]}"
    print(
        f"\nMachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"Python {platform.python_version()}; {engine}; Django {django.get_version()}; "
        f"BATCH_SIZE {BATCH_SIZE}; {args.workers} workers, {args.workers} tasks a feed"
    )
    print(
        f"{len(parts)} sellers, one feed each, submitted over {args.spread:.0f} s "
        "after the first large feed\n"
    )
    head = f"{'messages':>9} {'feeds':>5} {'wait p50 s':>10} {'p95 s':>7} {'max s':>7}"
    print(head)
    print("-" * len(head))
    for size in sorted(waits):
        values = waits[size]
        print(
            f"{size:>9,} {len(values):>5} {statistics.median(values):>10.1f} "
            f"{_percentile(values, 0.95):>7.1f} {max(values):>7.1f}"
        )
    assert probe.feed is not None and parts[0].feed is not None
    lead = (probe.feed.created_at - parts[0].feed.created_at).total_seconds()
    if probe.feed.processing_end_time is not None:
        wait = (probe.feed.processing_end_time - probe.feed.created_at).total_seconds()
        met = "met" if wait <= TARGET_SECONDS else "MISSED"
        print(
            f"\nProbe: a {probe.orders}-message feed submitted {lead:.1f} s after the "
            f"{parts[0].orders:,}-message feed of another seller: DONE {wait:.1f} s after its "
            f"submission (target <= {TARGET_SECONDS:.0f} s: {met})."
        )
    print("'wait': from the feed's submission (created_at) to its DONE (processing_end_time).")
    if problems:
        print("\nOUTCOME WRONG:")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(
            "Outcome verified: every feed DONE with its counts and report, every order "
            "cancelled once, stock restocked, one email queued per order."
        )
    print(f"Load average at the end: {os.getloadavg()[0]:.2f} (other processes add noise).")


if __name__ == "__main__":
    main()
