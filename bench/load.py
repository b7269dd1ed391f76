"""Seller Desk load benchmark: many signed-in sellers at once over real HTTP.

    .venv/bin/python -m bench.load [--users 16] [--seconds 60] [--workers 4] [--threads 1]
                                   [--servers 1] [--database sqlite|postgres]

Runs gunicorn as docs/operations.md recommends on the million-order benchmark database of
`make bench` (var/bench/, or the PostgreSQL database of bench/run.py; generated if missing), then
Locust (bench/load_users.py) with --users concurrent sellers, each with a session of its own,
going round the first page, a status tab, a search by order id, the next page and a
cancellation without pausing, for --seconds.
With --servers 2, two gunicorn instances on two ports stand for two hosts behind a proxy, the
users split between them: any of them serves any session. Reports pages/s, the median, p95 and
p99 of the response times and the errors, per operation and in all. The load generator runs on
the same machine as the server: its CPU is not the server's.
"""

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench import run as bench_data  # first: sets Django up on the benchmark database

ROOT = bench_data.ROOT

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import generate  # noqa: E402
from sellerdesk.accounts.models import User  # noqa: E402
from sellerdesk.orders.models import Order, OrderStatus  # noqa: E402

VENV_BIN = Path(sys.executable).parent
PLAN_FILE = bench_data.BENCH_DIR / "load-plan.json"
STATS_PREFIX = bench_data.BENCH_DIR / "load"
CANCELS_PER_USER = 400  # more than a user reaches in a minute
SEARCHES = 2000
PAGES_TARGET = 150.0
P95_TARGET_MS = 150.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--servers", type=int, default=1, help="gunicorn instances (hosts)")
    # Read by bench/run.py, whose data this uses.
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-db", default="sellerdesk_bench", help="its database name")
    args = parser.parse_args()
    bench_data.prepare(regenerate=False, cancellations=args.users * CANCELS_PER_USER)
    ports: list[int] = []
    while len(ports) < args.servers:
        ports = sorted({*ports, free_port()})
    PLAN_FILE.write_text(json.dumps(plan(users=args.users, ports=ports)))
    connection.close()
    print(
        f"{args.users} sellers for {args.seconds} s against {args.servers} x gunicorn --workers"
        f" {args.workers} --threads {args.threads} on {settings.DATABASES['default']['ENGINE']};"
        f" load average before: {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    with ExitStack() as servers:
        for port in ports:
            servers.enter_context(gunicorn(port=port, workers=args.workers, threads=args.threads))
            warm_up(port=port, requests=8 * args.workers * args.threads)
        locust(port=ports[0], users=args.users, seconds=args.seconds)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    report(Path(f"{STATS_PREFIX}_stats.csv"))


def plan(*, users: int, ports: list[int]) -> dict[str, object]:
    """A session per user (signed in the way a browser's sign-in leaves it), the orders each
    cancels (distinct Unshipped orders of the benchmark seller) and the ids searched."""
    seller = generate.bench_seller()
    if seller is None:
        raise SystemExit("No benchmark seller: run `make bench` once (bench/run.py --regenerate).")
    unshipped = Order.objects.filter(seller=seller, status=OrderStatus.UNSHIPPED).order_by("-pk")
    ids = unshipped.values_list("amazon_order_id", flat=True)
    to_cancel = list(ids[: users * CANCELS_PER_USER])
    searched = list(
        Order.objects.filter(seller=seller)
        .order_by("?")
        .values_list("amazon_order_id", flat=True)[:SEARCHES]
    )
    sessions = []
    for number in range(users):
        user, _ = User.objects.get_or_create(
            username=f"load-{number:02}", defaults={"seller": seller, "language": "sv"}
        )
        client = Client()
        client.force_login(user)
        sessions.append(
            {
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "orders": to_cancel[number * CANCELS_PER_USER : (number + 1) * CANCELS_PER_USER],
            }
        )
    return {
        "host_name": "127.0.0.1",
        "ports": ports,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "users": sessions,
        "search": searched,
    }


@contextmanager
def gunicorn(*, port: int, workers: int, threads: int) -> Iterator[None]:
    """gunicorn on the benchmark database, listening on `port`, until the block ends."""
    command = [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads)]
    environment = {**os.environ, "SECURE_COOKIES": "false", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603 (our gunicorn)
    try:
        wait_listening(process, port)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wait_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise SystemExit("gunicorn stopped before it listened") from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not listen within 30 s")


def warm_up(*, port: int, requests: int) -> None:
    """Have every gunicorn worker load its templates and open its caches before the timing:
    the pages of the round, `requests` times each, signed in as the first user."""
    plan = json.loads(PLAN_FILE.read_text())
    cookie = f"{plan['session_cookie']}={plan['users'][0]['session']}"
    paths = ["/orders/", "/orders/?status=Unshipped", f"/orders/?q={plan['search'][0]}"]
    for _ in range(requests):
        for path in paths:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie}
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (ours)
                response.read()


def locust(*, port: int, users: int, seconds: int) -> None:
    executable = shutil.which("locust", path=str(VENV_BIN)) or "locust"
    command = [
        executable,
        "--locustfile",
        str(ROOT / "bench" / "load_users.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--csv",
        str(STATS_PREFIX),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    environment = {**os.environ, "LOAD_PLAN": str(PLAN_FILE)}
    subprocess.run(command, cwd=ROOT, env=environment, check=False)  # noqa: S603 (our locust)


def report(stats: Path) -> None:
    with stats.open(newline="") as file:
        rows = list(csv.DictReader(file))
    print()
    heading = ("operation", "requests", "errors", "/s", "p50", "p95", "p99")
    print("{:<22} {:>9} {:>7} {:>7} {:>6} {:>6} {:>6}".format(*heading))
    for row in rows:
        print(
            f"{row['Name']:<22} {row['Request Count']:>9} {row['Failure Count']:>7}"
            f" {float(row['Requests/s']):>7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    pages, p95 = float(total["Requests/s"]), float(total["95%"])
    errors = int(total["Failure Count"])
    met = pages >= PAGES_TARGET and p95 <= P95_TARGET_MS and errors == 0
    print(
        f"\n{pages:.1f} pages/s, p95 {p95:.0f} ms, {errors} errors; target at least"
        f" {PAGES_TARGET:.0f} pages/s, p95 at most {P95_TARGET_MS:.0f} ms, no errors:"
        f" {'met' if met else 'not met'}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
