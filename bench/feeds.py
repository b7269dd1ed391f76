"""Seller Desk benchmark: order feeds end to end, through real db_worker processes.

    .venv/bin/python -m bench.feeds [--feed cancellation|adjustment] [--orders 100000]
                                       [--database sqlite|postgres] [--workers 1|2|3|4]
                                       [--feeds 1|2] [--sellers 1|2] [--database-name NAME]
                                       [--repeat N] [--keep] [--prepare-only]

Each run starts from a fresh, dedicated database: SQLite under var/bench-feeds (the runner sets
SELLERDESK_VAR_DIR and ignores DATABASE_URL), or the PostgreSQL database sellerdesk_bench_feeds
(--database-name names another) on the server of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432), created before each run and dropped at the end (unless
--keep). It generates N orders and the XML feed of one message per order (bench/feeds_data.py): with
--feed cancellation (the default) N Unshipped orders and the POST_ORDER_ACKNOWLEDGEMENT_DATA feed
that cancels every one of them; with --feed adjustment N charged, partially shipped orders and the
POST_PAYMENT_ADJUSTMENT_DATA feed that cancels and refunds each one's unshipped item
(bench/adjustments_data.py). It submits the feed
with feed_submit, then starts `manage.py db_worker --queue-name feeds --batch --no-startup-delay` as
separate processes with the same environment, and waits for them to exit.

--feeds (default: as many as --workers) splits the orders into that many feeds of N/feeds each,
submitted together; each feed gets workers/feeds tasks (FEED_WORKERS). So --workers 2 processes
two feeds concurrently, one worker each, and --workers 2 --feeds 1 one feed on two workers at
once. The feeds are of one seller (so the workers contend for the locks of the same listings)
unless --sellers 2 gives each feed its own seller and listings.

Measured: wall time from the workers' start to the last feed's DONE (its processing_end_time),
and each worker's peak RSS (VmHWM of /proc/<pid>/status, polled every 10 ms). The outcome is
then checked (the feed's counts and report, one pending outbox email and its delivery per order,
and what the kind of feed changes: orders, events, refunds, items, stock and ledger); a wrong
outcome stops the runner with exit status 1.
With --repeat N the whole run, data included, is done N times and the median is reported too.
"""

import argparse
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.databases import drop_postgres, environment, fresh_database

if TYPE_CHECKING:
    from bench.feeds_data import Kind, Part

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-feeds"
POSTGRES_NAME = "sellerdesk_bench_feeds"
FEEDS = ("cancellation", "adjustment")
# The targets, for a 100,000-order cancellation feed on SQLite with one worker.
TARGET_SECONDS = 30.0
TARGET_RSS_MB = 300.0
TARGET_ORDERS = 100_000
POLL_SECONDS = 0.01


@dataclass
class Worker:
    number: int
    process: "subprocess.Popen[bytes]"
    log: Path
    peak_kib: int = 0  # VmHWM: the peak resident set of the worker's own memory
    peak_anon_kib: int = 0  # RssAnon: the part not backed by files (SQLite's mmap is)
    cpu_seconds: float = 0.0  # user + system
    exited_at: float = 0.0
    exit_code: int | None = None


@dataclass
class Run:
    started_at: float  # time.time() just before the workers were started
    workers: list[Worker] = field(default_factory=list)
    to_done: float = math.nan  # seconds from started_at to the last feed's DONE
    processing: float = math.nan  # first processing_start_time to last processing_end_time
    orders: int = 0
    # For a summary row, which has no workers of its own.
    summary_cpu: float = math.nan
    summary_peak: float = math.nan

    @property
    def peak_mb(self) -> float:
        if not self.workers:
            return self.summary_peak
        return max(worker.peak_kib for worker in self.workers) / 1024

    @property
    def cpu_seconds(self) -> float:
        """Of all the workers together."""
        if not self.workers:
            return self.summary_cpu
        return sum(worker.cpu_seconds for worker in self.workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed", choices=FEEDS, default=FEEDS[0], help="the kind of feed")
    parser.add_argument(
        "--orders", type=int, default=TARGET_ORDERS, help="orders, one feed message each"
    )
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--workers", type=int, choices=(1, 2, 3, 4), default=1)
    parser.add_argument(
        "--feeds",
        type=int,
        choices=(1, 2),
        help="feeds, each of its own workers; default: one a worker",
    )
    parser.add_argument(
        "--sellers", type=int, choices=(1, 2), default=1, help="with 2 feeds: one seller each"
    )
    parser.add_argument(
        "--database-name", default=POSTGRES_NAME, help="the PostgreSQL database to make and drop"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs, each on fresh data")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds; then kill")
    parser.add_argument(
        "--profile", metavar="DIR", help="run each worker under cProfile, its output to DIR"
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="generate and submit, then stop: the feeds wait IN_QUEUE (implies --keep)",
    )
    args = parser.parse_args()
    args.feeds = args.feeds or min(args.workers, 2)
    if args.orders < args.feeds:
        parser.error("--orders must be at least --feeds")
    if args.workers % args.feeds:
        parser.error("--workers must be a multiple of --feeds")
    if args.sellers > args.feeds:
        parser.error("--sellers 2 needs --feeds 2")
    if args.repeat < 1 or (args.prepare_only and args.repeat > 1):
        parser.error("--repeat must be at least 1, and 1 with --prepare-only")

    database = environment(args.database, directory=BENCH_DIR, postgres_name=args.database_name)
    os.environ["FEED_WORKERS"] = str(args.workers // args.feeds)  # tasks queued per feed
    import django

    django.setup()
    runs: list[Run] = []
    try:
        for number in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"\n=== Run {number} of {args.repeat}", flush=True)
            fresh_database(args.database, database)
            run = _benchmark(args)
            if run is None:
                return
            runs.append(run)
    finally:
        if args.database == "postgres" and not (args.keep or args.prepare_only):
            drop_postgres(database)
    if len(runs) > 1:
        _print_summary(args, runs)


def _kind(feed: str) -> "Kind":
    if feed == "adjustment":
        from bench.adjustments_data import Adjustment

        return Adjustment()
    from bench.feeds_data import Cancellation

    return Cancellation()


def _benchmark(args: argparse.Namespace) -> Run | None:
    """One run on the fresh database: prepare, process, verify, print. None with
    --prepare-only."""
    from django.core.management import call_command
    from django.db import connection

    from bench import feeds_data
    from sellerdesk.catalog.models import Listing

    kind = _kind(args.feed)
    print(f"Preparing {args.orders:,} orders and {args.feeds} {kind.name} feed(s) ...", flush=True)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    parts = feeds_data.generate(
        kind=kind, orders=args.orders, feeds=args.feeds, sellers=args.sellers, directory=BENCH_DIR
    )
    generated = time.perf_counter()
    for part in parts:
        feeds_data.submit(part, kind)
    submitted = time.perf_counter()
    stock = dict(Listing.objects.values_list("pk", "quantity"))
    print(
        f"Migrated in {migrated - start:.1f} s, generated in {generated - migrated:.1f} s, "
        f"submitted in {submitted - generated:.1f} s.",
        flush=True,
    )
    connection.close()  # the workers have the database to themselves
    if args.prepare_only:
        print(f"Feeds in queue; SELLERDESK_VAR_DIR={BENCH_DIR}", end="")
        print(f" DATABASE_URL={os.environ['DATABASE_URL']}" if args.database == "postgres" else "")
        return None

    run = _run_workers(args.workers, profile=args.profile, timeout=args.timeout)
    feeds = [part.feed for part in parts if part.feed is not None]
    for feed in feeds:
        feed.refresh_from_db()
    ends = [feed.processing_end_time for feed in feeds if feed.processing_end_time]
    starts = [feed.processing_start_time for feed in feeds if feed.processing_start_time]
    if ends and len(ends) == len(feeds):
        run.to_done = max(ends).timestamp() - run.started_at
        run.processing = (max(ends) - min(starts)).total_seconds()
    run.orders = sum(part.orders for part in parts)
    problems = verify(kind, parts, stock)
    _print_report(args, kind, parts, run, problems)
    if problems:
        raise SystemExit(1)
    return run


def _run_workers(count: int, *, profile: str | None, timeout: float) -> Run:
    command = [sys.executable]
    if profile:
        Path(profile).mkdir(parents=True, exist_ok=True)
    run = Run(started_at=time.time())
    for number in range(1, count + 1):
        profiler = ["-m", "cProfile", "-o", f"{profile}/worker-{number}.prof"] if profile else []
        log = BENCH_DIR / f"worker-{number}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
                [
                    *command,
                    *profiler,
                    str(ROOT / "manage.py"),
                    "db_worker",
                    "--queue-name",
                    "feeds",
                    "--batch",
                    "--no-startup-delay",
                    "--no-reload",
                    "--worker-id",
                    f"bench-feeds-{number}",
                ],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        run.workers.append(Worker(number=number, process=process, log=log))
    running = list(run.workers)
    while running:
        for worker in list(running):
            memory = _memory(worker.process.pid)
            worker.peak_kib = max(worker.peak_kib, memory.get("VmHWM", 0))
            worker.peak_anon_kib = max(worker.peak_anon_kib, memory.get("RssAnon", 0))
            # wait4, not Popen.wait: the same call reaps the worker and says when it ended.
            pid, status, usage = os.wait4(worker.process.pid, os.WNOHANG)
            if pid:
                worker.exited_at = time.time()
                worker.cpu_seconds = usage.ru_utime + usage.ru_stime
                worker.exit_code = worker.process.returncode = os.waitstatus_to_exitcode(status)
                running.remove(worker)
        if running and time.time() - run.started_at > timeout:
            for worker in running:
                worker.process.kill()
                worker.process.wait()
            raise SystemExit(f"The workers ran for more than {timeout:.0f} s: killed.")
        time.sleep(POLL_SECONDS)
    return run


def _memory(pid: int) -> dict[str, int]:
    """The memory lines of /proc/<pid>/status in KiB; none once the process has exited.

    VmHWM is the peak resident set of the process's own address space. Not ru_maxrss: a child's
    ru_maxrss starts from its parent's resident set at the fork, and this runner's is large."""
    memory = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(("Vm", "Rss")):
                    name, value, *_unit = line.split()
                    memory[name.rstrip(":")] = int(value)
    except OSError:
        pass
    return memory


def verify(kind: "Kind", parts: "list[Part]", stock: dict[int, int]) -> list[str]:
    """Everything the feeds should have done, and only that; the problems found."""
    from defusedxml.ElementTree import parse
    from django_tasks_db.models import DBTaskResult

    from sellerdesk.notifications.models import OutboundEmail
    from sellerdesk.orders.models import Order

    problems: list[str] = []

    def expect(what: str, found: object, expected: object) -> None:
        if found != expected:
            problems.append(f"{what}: {found}, expected {expected}")

    orders = sum(part.orders for part in parts)
    for part in parts:
        assert part.feed is not None
        feed = part.feed
        feed.refresh_from_db()
        name = f"feed {feed.feed_id}"
        expect(f"{name} status", feed.processing_status, "DONE")
        counts = (
            feed.records_done,
            feed.messages_processed,
            feed.messages_successful,
            feed.messages_with_error,
            feed.messages_with_warning,
        )
        expect(
            f"{name} records done, processed, successful, errors, warnings",
            counts,
            (part.orders, part.orders, part.orders, 0, 0),
        )
        expect(f"{name} results", feed.results.count(), 0)
        if feed.result_document is None:
            problems.append(f"{name} has no report")
            continue
        with feed.result_document.file.open("rb") as report:
            root = parse(report).getroot()
        assert root is not None
        summary = root.find("Message/ProcessingReport/ProcessingSummary")
        found = (
            root.findtext("Message/ProcessingReport/DocumentTransactionID"),
            root.findtext("Message/ProcessingReport/StatusCode"),
            *(
                int(summary.findtext(tag) or -1) if summary is not None else None
                for tag in (
                    "MessagesProcessed",
                    "MessagesSuccessful",
                    "MessagesWithError",
                    "MessagesWithWarning",
                )
            ),
            len(root.findall("Message/ProcessingReport/Result")),
        )
        expected = (feed.feed_id, "Complete", part.orders, part.orders, 0, 0, 0)
        expect(f"{name} report (id, status, counts, results)", found, expected)

    kind.verify(parts, stock, expect)
    emails = OutboundEmail.objects.filter(kind=kind.email_kind, status=OutboundEmail.Status.PENDING)
    expect("pending outbox emails", emails.count(), orders)
    expect("outbox emails", OutboundEmail.objects.count(), orders)
    expect(
        "emails in English",
        emails.filter(language="en", subject__startswith=kind.english_subject).count(),
        Order.objects.filter(buyer_language="en").count(),
    )
    deliveries = DBTaskResult.objects.filter(queue_name="email", status="READY")
    expect("a delivery task queued for the emails", deliveries.exists(), True)
    return problems


HEAD = (
    f"{'Database':<10} {'workers':>7} {'messages':>8} {'to DONE s':>10} {'processing s':>12} "
    f"{'messages/s':>10} {'CPU s':>6} {'peak RSS MB':>11}  target"
)


def _is_target_run(args: argparse.Namespace) -> bool:
    return (args.feed, args.orders, args.database, args.workers) == (
        "cancellation",
        TARGET_ORDERS,
        "sqlite",
        1,
    )


def _verdict(args: argparse.Namespace, seconds: float, peak_mb: float) -> str:
    if not _is_target_run(args):
        return "-"
    met = seconds < TARGET_SECONDS and peak_mb < TARGET_RSS_MB
    return f"< {TARGET_SECONDS:.0f} s, < {TARGET_RSS_MB:.0f} MB: {'met' if met else 'MISSED'}"


def _row(args: argparse.Namespace, label: str, run: Run) -> str:
    return (
        f"{label:<10} {args.workers:>7} {run.orders:>8,} {run.to_done:>10.1f} "
        f"{run.processing:>12.1f} {run.orders / run.to_done:>10,.0f} {run.cpu_seconds:>6.1f} "
        f"{run.peak_mb:>11.0f}  {_verdict(args, run.to_done, run.peak_mb)}"
    )


def _print_report(
    args: argparse.Namespace, kind: "Kind", parts: "list[Part]", run: Run, problems: list[str]
) -> None:
    import django
    from django.db import connection

    from sellerdesk.feeds.processing import BATCH_SIZE

    if connection.vendor == "sqlite":
        engine = f"SQLite {sqlite3.sqlite_version}"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            engine = f"PostgreSQL {cursor.fetchone()[0]}"
    size = sum(part.path.stat().st_size for part in parts) / 2**20
    print(
        f"\nMachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"Python {platform.python_version()}; {engine}; Django {django.get_version()}; "
        f"BATCH_SIZE {BATCH_SIZE}"
    )
    print(
        f"Feeds: {len(parts)} x {kind.feed_type.value} of {run.orders // len(parts):,} messages, "
        f"{sum(part.items for part in parts):,} items, {size:.1f} MiB of XML; "
        f"{args.sellers} seller(s); {args.workers // args.feeds} worker(s) a feed\n"
    )
    print(HEAD)
    print("-" * len(HEAD))
    print(_row(args, args.database, run))
    for worker in run.workers:
        ended = worker.exited_at - run.started_at
        print(
            f"  worker {worker.number}: exit {worker.exit_code} after {ended:.1f} s, "
            f"CPU {worker.cpu_seconds:.1f} s, peak RSS {worker.peak_kib / 1024:.0f} MB "
            f"(anonymous {worker.peak_anon_kib / 1024:.0f} MB; log {worker.log.relative_to(ROOT)})"
        )
    print(
        "\n'to DONE': from starting the worker processes to the last feed's processing_end_time "
        "(includes Django's start-up);\n'processing': the feeds' own processing_start_time to "
        "processing_end_time."
    )
    if problems:
        print("\nOUTCOME WRONG:")
        for problem in problems:
            print(f"  {problem}")
    else:
        print(f"Outcome verified: {kind.outcome}")
    print(f"Load average at the end: {os.getloadavg()[0]:.2f} (other processes add noise).")


def _print_summary(args: argparse.Namespace, runs: list[Run]) -> None:
    to_done = [run.to_done for run in runs]
    print(f"\n=== {len(runs)} runs, each on fresh data")
    print(HEAD)
    print("-" * len(HEAD))
    for number, run in enumerate(runs, 1):
        print(_row(args, f"run {number}", run))
    median = Run(
        started_at=0.0,
        to_done=statistics.median(to_done),
        processing=statistics.median(run.processing for run in runs),
        orders=runs[0].orders,
        summary_cpu=statistics.median(run.cpu_seconds for run in runs),
        summary_peak=max(run.peak_mb for run in runs),
    )
    print(_row(args, "median", median))
    print(
        f"to DONE: min {min(to_done):.1f} s, max {max(to_done):.1f} s; "
        "peak RSS on the median row: the highest of all runs."
    )


if __name__ == "__main__":
    main()
