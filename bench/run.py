"""Seller Desk benchmark: Manage Orders, its search, cancellation and the customer metrics
against a million orders, on SQLite or PostgreSQL.

    .venv/bin/python bench/run.py [--database sqlite|postgres] [--regenerate] [--repeat N]
                                  [--only TEXT ...]

The data lives in its own database: var/bench/sellerdesk.sqlite3, or the PostgreSQL database
sellerdesk_bench (--postgres-db) on the server of DATABASE_URL (default the local one):
generated on the first run, reused after. Pages are timed in-process with Django's test Client
(middleware, view, queries, template). On SQLite the connection is closed before each request:
the project runs it with CONN_MAX_AGE=0, so in production every request opens its own
connection, and so does this; on PostgreSQL connections are kept (CONN_MAX_AGE, 60 s by
default), and the benchmark keeps its one. Each run cancels 2 x (repeat + warm-up) Unshipped
orders; when too few are left, when the data is more than a day old (the cancellation rate
counts the last seven days from now), or with --regenerate, the database is rebuilt.
"""

import argparse
import datetime
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))

from bench.databases import environment, fresh_database  # noqa: E402


def _arguments() -> argparse.Namespace:
    """The database options, read at import: bench/load.py imports this module for its data and
    passes its own options beside them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-db", default="sellerdesk_bench", help="its database name")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the database")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per operation")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="time only the operations whose name contains TEXT (any case; may be repeated)",
    )
    if Path(sys.argv[0]).name == "run.py":
        return parser.parse_args()
    return parser.parse_known_args()[0]


ARGS = _arguments()
# Never the demo's database: this directory, or a database of its own on the server.
LOCATION = environment(ARGS.database, directory=BENCH_DIR, postgres_name=ARGS.postgres_db)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, OperationalError, connection  # noqa: E402
from django.db.models import Exists, OuterRef, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import generate  # noqa: E402
from sellerdesk.accounts.models import Seller, User  # noqa: E402
from sellerdesk.cancellations.reasons import CancelReason  # noqa: E402
from sellerdesk.cancellations.services import order_cancel  # noqa: E402
from sellerdesk.core.pages import Position  # noqa: E402
from sellerdesk.metrics.rates import cancellation_rate  # noqa: E402
from sellerdesk.metrics.selectors import customer_metrics  # noqa: E402
from sellerdesk.orders.counts import order_counts  # noqa: E402
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus  # noqa: E402
from sellerdesk.orders.selectors import (  # noqa: E402
    PAGE_SIZES,
    OrderFilter,
    order_list,
    order_list_cursor,
)

PAGE_SIZE = PAGE_SIZES[0]

PAGE_TARGET_MS = 50.0
CANCEL_TARGET_MS = 20.0
METRICS_TARGET_MS = 100.0
# The data's dates are relative to the hour it was generated; older, the last seven days thin out.
MAX_AGE_HOURS = 24
DEEP_POSITION = 900_000
WARMUP = 5
CANCELLATIONS = ("Cancel: order_cancel service", "Cancel: POST cancel page")
DAY_ROW = b"<tr data-day="  # a row of the metrics page's table of the 90 days


@dataclass(frozen=True)
class Result:
    name: str
    samples: list[float]  # milliseconds
    target: float | None
    plan: list[str]
    # The benchmark process's own CPU milliseconds of each page request (the database's time is
    # in it on SQLite): on a shared, loaded machine the wall time is mostly waiting for a core.
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def cpu_median(self) -> str:
        return f"{statistics.median(self.cpu):.1f}" if self.cpu else "-"

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]


@dataclass(frozen=True)
class Page:
    name: str
    urls: list[str]  # cycled through, one per request
    rows: int  # rows the page must show, or the figures are of something else
    target: float | None = PAGE_TARGET_MS
    runs: int | None = None  # fewer for the slow extras
    row_marker: bytes = b"<tr data-order-id="  # how the page's rows are counted


def main() -> None:
    args = ARGS
    generation = prepare(regenerate=args.regenerate, cancellations=2 * (WARMUP + args.repeat))
    seller = generate.bench_seller()
    if seller is None:
        raise SystemExit("No benchmark seller: run with --regenerate.")
    user = User.objects.get(username=generate.BENCH_USERNAME)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # as the test runner does
    client = Client()
    client.force_login(user)
    print_environment(generation)
    results = [measure_page(client, page, args.repeat) for page in pages(seller, args.repeat)]
    results += [measure_page(client, page, args.repeat) for page in metrics_pages()]
    results += measure_metrics(seller, args.repeat)
    if any(chosen(name) for name in CANCELLATIONS):
        cancellations = measure_cancellations(client, seller, user, args.repeat)
        results += [result for result in cancellations if chosen(result.name)]
    print_table(results)
    print_plans(results)


def chosen(name: str) -> bool:
    """Whether --only selects the operation of that name (every one without --only)."""
    return not ARGS.only or any(text.lower() in name.lower() for text in ARGS.only)


def prepare(*, regenerate: bool, cancellations: int) -> float | None:
    """Migrate, and generate unless a complete database is there. Returns generation seconds."""
    if _exists() and not regenerate:
        try:
            call_command("migrate", verbosity=0)
        except DatabaseError as error:  # say, a migration rewritten since it was applied here
            print(f"Migrating the benchmark database failed ({error}): regenerating.")
        else:
            age = generate.age_hours()
            if generate.is_complete(unshipped=cancellations) and age < MAX_AGE_HOURS:
                return None
            print(
                "The benchmark database is incomplete, out of Unshipped orders or "
                f"{age:.0f} hours old: regenerating."
            )
    fresh_database(ARGS.database, LOCATION)
    print(f"Generating {generate.ORDERS:,} orders in {LOCATION} ...", flush=True)
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    generate.generate()
    seconds = time.perf_counter() - start
    print(f"Generated in {seconds:.0f} s (migrate included).", flush=True)
    return seconds


def _exists() -> bool:
    if ARGS.database == "sqlite":
        return Path(LOCATION).exists()
    try:
        connection.ensure_connection()
    except OperationalError:  # no such database yet
        return False
    return True


def pages(seller: Seller, repeat: int) -> list[Page]:
    """The Manage Orders pages that --only selects; the slow setup of the deep pages only when
    one of them is selected."""
    deep_name = f"Deep page (order {DEEP_POSITION:,})"
    previous_name = f"Previous page (order {DEEP_POSITION:,})"
    mine = Order.objects.filter(seller=seller)
    deep = back = ""
    if chosen(deep_name) or chosen(previous_name):
        newest = mine.order_by("-purchase_date", "-pk").values_list("purchase_date", "pk")
        date, pk = newest[DEEP_POSITION - 1]  # an OFFSET walk, once: the page then starts there
        deep = order_list_cursor(seller=seller, filters=OrderFilter(), after=Position(date, pk))
        # The page before the deep page, read backwards from it (the "Previous page" link).
        back = order_list(seller=seller, filters=OrderFilter(), cursor=deep).previous_cursor or ""
    last = Order.objects.order_by("-pk").values_list("pk", flat=True)[0]
    sample = random.Random(generate.SEED).sample(range(1, last + 1), 2 * (WARMUP + repeat))
    searched = list(mine.filter(pk__in=sample).values_list("amazon_order_id", flat=True))
    every = [
        Page("Manage Orders, first page", ["/orders/"], PAGE_SIZE),
        Page("Status tab (Unshipped)", ["/orders/?status=Unshipped"], PAGE_SIZE),
        Page("Search by order id", [f"/orders/?q={order_id}" for order_id in searched], 1),
        Page(deep_name, [f"/orders/?cursor={deep}"], PAGE_SIZE),
        *search_pages(seller, searched[0]),
        Page(previous_name, [f"/orders/?before={back}"], PAGE_SIZE),
        Page("Sorted by ship-by date", ["/orders/?sort=ship_by_soonest"], PAGE_SIZE),
        Page(
            "Unshipped by ship-by date",
            ["/orders/?status=Unshipped&sort=ship_by_soonest"],
            PAGE_SIZE,
        ),
        Page("Late shipments (`?late=1`)", ["/orders/?late=1"], PAGE_SIZE),
    ]
    return [page for page in every if chosen(page.name)]


def search_pages(seller: Seller, order_id: str) -> list[Page]:
    """Search by buyer name, SKU and part of an order id: no match, rare and common terms, a
    term within a status tab, and a short term (no trigram). Each page must list what a plain
    scan of the seller's orders finds (its first page)."""
    terms = [
        ("Search, no match (Zlatan)", "Zlatan", PAGE_TARGET_MS, ""),
        ("Search, rare: part of an order id", order_id[4:11], PAGE_TARGET_MS, ""),
        ("Search, rare: a buyer (Märta Öberg)", "Märta Öberg", PAGE_TARGET_MS, ""),
        ("Search, a SKU (NH-0040)", "NH-0040", PAGE_TARGET_MS, ""),
        ("Search, common: a surname (Johansson)", "Johansson", PAGE_TARGET_MS, ""),
        ("Search, common, in a tab (son, Unshipped)", "son", PAGE_TARGET_MS, "Unshipped"),
        ("Extra: search, short term (Ek)", "Ek", None, ""),
    ]
    mine = Order.objects.filter(seller=seller)
    result = []
    for name, term, target, status in terms:
        if not chosen(name):  # counting what a plain scan finds takes a while
            continue
        items = OrderItem.objects.filter(order=OuterRef("pk"), seller_sku__icontains=term)
        found = mine.filter(
            Q(buyer_name__icontains=term) | Q(amazon_order_id__icontains=term) | Exists(items)
        )
        if status:
            found = found.filter(status=status)
        rows = min(PAGE_SIZE, found[:PAGE_SIZE].count())
        query = urlencode({"q": term, **({"status": status} if status else {})})
        result.append(Page(name, [f"/orders/?{query}"], rows, target))
    return result


def metrics_pages() -> list[Page]:
    """The customer metrics, and the lists of orders behind its numbers (100 to a page)."""
    a_month_ago = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    every = [
        Page("Customer metrics (/metrics/)", ["/metrics/"], 90, METRICS_TARGET_MS, None, DAY_ROW),
        Page("Extra: metrics, cancelled orders", ["/metrics/orders/?kind=cancelled"], 100, None),
        Page(
            "Extra: metrics, orders of a reason", ["/metrics/orders/?reason=NoInventory"], 100, None
        ),
        Page("Extra: metrics, orders of a SKU", ["/metrics/orders/?sku=NH-0001"], 100, None),
        Page(
            "Extra: metrics, all orders of a day",
            [f"/metrics/orders/?kind=all&day={a_month_ago}"],
            100,
            None,
        ),
    ]
    return [page for page in every if chosen(page.name)]


def measure_metrics(seller: Seller, repeat: int) -> list[Result]:
    """The selectors alone, without the request: Manage Orders' tab counts, the headline rate,
    and all of the metrics page's."""

    def rate(_: str) -> None:
        as_deployed()  # as in a request or a task
        cancellation_rate(seller=seller)

    def metrics(_: str) -> None:
        as_deployed()
        customer_metrics(seller=seller)

    def counts(_: str) -> None:
        as_deployed()
        order_counts(seller=seller)

    runs = [""] * (WARMUP + repeat)
    selectors = [
        ("Tab counts: order_counts()", counts, None),
        ("Rate: cancellation_rate()", rate, METRICS_TARGET_MS),
        ("Metrics: customer_metrics()", metrics, METRICS_TARGET_MS),
    ]
    return [
        Result(name, timed(operation, runs), target, [])
        for name, operation, target in selectors
        if chosen(name)
    ]


def measure_page(client: Client, page: Page, repeat: int) -> Result:
    plan = query_plans(lambda: client.get(page.urls[0], secure=True))
    samples = []
    cpu = []
    for index in range(WARMUP + (page.runs or repeat)):
        url = page.urls[index % len(page.urls)]
        as_deployed()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, secure=True)
        elapsed = (time.perf_counter() - start) * 1000
        elapsed_cpu = (time.process_time() - start_cpu) * 1000
        rows = response.content.count(page.row_marker)
        if response.status_code != 200 or rows != page.rows:
            raise SystemExit(
                f"{url}: status {response.status_code} with {rows} rows "
                f"({page.row_marker.decode()}), expected 200 with {page.rows}"
            )
        if index >= WARMUP:
            samples.append(elapsed)
            cpu.append(elapsed_cpu)
    return Result(page.name, samples, page.target, plan, cpu)


def as_deployed() -> None:
    """A new connection on SQLite, where the project runs with CONN_MAX_AGE=0; the same one on
    PostgreSQL, where connections are kept (CONN_MAX_AGE, 60 s by default)."""
    if connection.vendor == "sqlite":
        connection.close()


def query_plans(request: Callable[[], object]) -> list[str]:
    """The plan of each query of a request (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
    PostgreSQL), with its parameters bound as they were: SQLite may plan a query with literals
    in it differently."""
    queries: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        request()
    plans = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            if not sql.startswith("SELECT"):  # SET LOCAL, savepoints
                continue
            # The first table named, also inside a subquery (the tab counts' COUNT(*) of one).
            named = re.search(r'FROM \(?(?:SELECT .*? FROM )?("\w+")', sql)
            table = named.group(1) if named else "?"
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                steps = _collapse([row[3] for row in cursor.fetchall()])
                plans.append(f"{table}: {'; '.join(steps)}")
            else:
                cursor.execute(f"EXPLAIN (COSTS OFF) {sql}", params)
                lines = [row[0] for row in cursor.fetchall()]
                plans.append("\n    ".join([f"{table}:", *lines]))
    return plans


def _collapse(steps: list[str]) -> list[str]:
    """A UNION ALL of 96 alike queries, said once with its count."""
    collapsed: list[str] = []
    index = 0
    while index < len(steps):
        pair = steps[index : index + 2]
        repeats = 1
        while len(pair) == 2 and steps[index + 2 * repeats : index + 2 * repeats + 2] == pair:
            repeats += 1
        if repeats > 2:
            collapsed.append(f"{repeats} x ({'; '.join(pair)})")
            index += 2 * repeats
        else:
            collapsed.append(steps[index])
            index += 1
    return collapsed


def measure_cancellations(client: Client, seller: Seller, user: User, repeat: int) -> list[Result]:
    unshipped = Order.objects.filter(seller=seller, status=OrderStatus.UNSHIPPED).order_by("pk")
    order_ids = list(unshipped.values_list("amazon_order_id", flat=True)[: 2 * (WARMUP + repeat)])
    by_service, by_post = order_ids[: WARMUP + repeat], order_ids[WARMUP + repeat :]

    def cancel(order_id: str) -> None:
        order_cancel(
            seller=seller,
            amazon_order_id=order_id,
            actor=user,
            reason=CancelReason.BUYER_CANCELED,
            memo="Benchmark",
        )

    def post(order_id: str) -> None:
        response = client.post(
            f"/orders/{order_id}/cancel/",
            {"reason": CancelReason.GENERAL_ADJUSTMENT, "memo": "Benchmark"},
            secure=True,
        )
        if response.status_code != 302:
            raise SystemExit(f"The cancel page answered {response.status_code} for {order_id}")

    return [
        Result(CANCELLATIONS[0], timed(cancel, by_service), CANCEL_TARGET_MS, []),
        Result(CANCELLATIONS[1], timed(post, by_post, fresh=True), CANCEL_TARGET_MS, []),
    ]


def timed(
    operation: Callable[[str], None], order_ids: list[str], fresh: bool = False
) -> list[float]:
    """One order per run: the first WARMUP are not counted. The connection is opened outside
    the timing unless the operation opens it."""
    samples = []
    for index, order_id in enumerate(order_ids):
        if fresh:
            as_deployed()
        start = time.perf_counter()
        operation(order_id)
        if index >= WARMUP:
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def print_environment(generation: float | None) -> None:
    made = f"generated in {generation:.0f} s" if generation else "reused"
    orders = Order.objects.filter(seller=generate.bench_seller())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            engine = f"SQLite {sqlite3.sqlite_version}"
            size = Path(LOCATION).stat().st_size
        else:
            cursor.execute(
                "SELECT current_setting('server_version'), pg_database_size(%s)",
                [ARGS.postgres_db],
            )
            version, size = cursor.fetchone()
            engine = f"PostgreSQL {version}"
    print(
        f"\nMachine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
        f"Python {platform.python_version()}; {engine}; Django {django.get_version()}"
    )
    print(f"Database: {settings.DATABASES['default']['NAME']} ({size / 2**20:,.0f} MiB, {made})")
    rate = cancellation_rate(seller=generate.bench_seller())  # type: ignore[arg-type]
    cancellations = OrderEvent.objects.filter(
        kind=OrderEvent.Kind.CANCELLED, order__seller=generate.bench_seller()
    )
    print(
        f"Measured seller: {orders.count():,} orders, "
        f"{orders.filter(status=OrderStatus.UNSHIPPED).count():,} Unshipped; "
        f"{orders.filter(rate_cancelled=True).count():,} with a cancellation that counts in the "
        f"rate, {cancellations.count():,} cancellation events; the last 7 days: "
        f"{rate.orders:,} orders, {rate.cancelled:,} cancelled ({rate.percent} %). "
        f"{WARMUP} warm-up runs, then the timed runs.\n"
    )


def print_table(results: list[Result]) -> None:
    print(
        f"{'Operation':<34} {'runs':>5} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>7} {'target':>8}"
    )
    for result in results:
        target = f"< {result.target:.0f} ms" if result.target else "-"
        verdict = "" if result.target is None else "ok" if result.median < result.target else "SLOW"
        print(
            f"{result.name:<34} {len(result.samples):>5} {result.median:>10.1f} "
            f"{result.p95:>8.1f} {result.cpu_median:>7} {target:>8} {verdict}"
        )
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.2f} (other processes add noise).")


def print_plans(results: list[Result]) -> None:
    explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN (COSTS OFF)"
    print(f"\nQuery plans of each page's queries ({explain}):")
    for result in results:
        if result.plan:
            print(f"\n{result.name}:")
            for step in result.plan:
                print(f"  {step}")


if __name__ == "__main__":
    main()
