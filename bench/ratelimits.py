"""Seller Desk benchmark: what the usage plans add to an API request.

    .venv/bin/python -m bench.ratelimits [--database sqlite|postgres] [--requests 2000]
                                            [--rounds 5] [--redis redis://127.0.0.1:6379/7]

getOrder (GET /orders/v0/orders/{orderId}) through Django's test client, in-process, on a
database of its own (var/bench-ratelimits, or the PostgreSQL database
sellerdesk_bench_ratelimits: bench/databases.py), with the buckets in three places, each round
in turn: 'off' (the throttle lets everything through without asking a store: the request as it
was before the plans), 'database' (the default) and 'redis'. getOrder's plan is raised so that no
request is refused. Each request is timed alone; the figure per store is the median over all its
requests, and the added cost is that median less the median of 'off'. Every answer is checked
to be 200 with the header, or the runner stops with exit status 1. 'CPU ms' is this process's
CPU time per request (the database server's and Redis's own are not in it): on a busy machine
it moves less than the wall times.
"""

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from unittest import mock

from bench.databases import ROOT, drop_postgres, environment, fresh_database

BENCH_DIR = ROOT / "var" / "bench-ratelimits"
POSTGRES_NAME = "sellerdesk_bench_ratelimits"
STORES = ("off", "database", "redis")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--requests", type=int, default=2000, help="per store and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()
    database = environment(args.database, directory=BENCH_DIR, postgres_name=POSTGRES_NAME)
    import django

    django.setup()
    fresh_database(args.database, database)
    try:
        timings, cpu = _run(args.requests, args.rounds, redis_url=args.redis)
    finally:
        if args.database == "postgres":
            drop_postgres(database)
    off = statistics.median(timings["off"])
    print(f"getOrder, {args.database}, {args.rounds} rounds x {args.requests:,} requests per store")
    print(f"{'store':>8} {'median ms':>9} {'p90 ms':>7} {'added ms':>8} {'CPU ms':>6} {'added':>6}")
    for store in STORES:
        median = statistics.median(timings[store])
        p90 = statistics.quantiles(timings[store], n=10)[-1]
        print(
            f"{store:>8} {median * 1000:>9.3f} {p90 * 1000:>7.3f} {(median - off) * 1000:>8.3f}"
            f" {cpu[store] * 1000:>6.3f} {(cpu[store] - cpu['off']) * 1000:>6.3f}"
        )
    for store in STORES[1:]:
        alone = timings[f"{store} take"]
        print(f"{store} take alone: median {statistics.median(alone) * 1000:.3f} ms")


def _run(
    requests: int, rounds: int, *, redis_url: str
) -> tuple[dict[str, list[float]], dict[str, float]]:
    from django.conf import settings
    from django.core.management import call_command

    from sellerdesk.accounts.models import DeveloperApplication
    from sellerdesk.api.quota import quota_take
    from sellerdesk.api.throttling import UsagePlanThrottle
    from sellerdesk.api.usage_plans import MAX_BURST, MAX_RATE, usage_plans

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # as the test runner does
    call = _get_order()
    settings.RATE_LIMITS = {"getOrder": f"{MAX_RATE}/{MAX_BURST}"}
    usage_plans.cache_clear()
    timings: dict[str, list[float]] = {store: [] for store in STORES}
    cpu = dict.fromkeys(STORES, 0.0)
    for _ in range(rounds):
        for store in STORES:
            settings.RATE_LIMIT_REDIS_URL = redis_url if store == "redis" else ""
            unlimited = (
                mock.patch.object(UsagePlanThrottle, "allow_request", return_value=True)
                if store == "off"
                else contextlib.nullcontext()
            )
            with unlimited:
                times, seconds = _timed(call, requests)
            timings[store].extend(times)
            cpu[store] += seconds / requests / rounds
    application = DeveloperApplication.objects.get()
    plan = usage_plans()["getOrder"]
    for store in STORES[1:]:
        settings.RATE_LIMIT_REDIS_URL = redis_url if store == "redis" else ""

        def take() -> None:
            quota_take(
                operation="getOrder",
                seller_id=application.seller_id,
                application_id=application.pk,
                plan=plan,
            )

        timings[f"{store} take"] = _timed(take, requests * rounds)[0]
    return timings, cpu


def _get_order() -> Callable[[], None]:
    from django.test import Client

    from sellerdesk.accounts.credentials import access_token_grant, application_register
    from sellerdesk.api.throttling import HEADER
    from tests.factories import make_listing, make_order, make_seller, make_user

    seller = make_seller()
    order = make_order(seller, (make_listing(seller), 1))
    application, secret, refresh_token = application_register(
        seller=seller, name="bench", created_by=make_user(seller)
    )
    token, _ = access_token_grant(
        client_id=application.client_id, client_secret=secret, refresh_token=refresh_token
    )
    client = Client()
    path = f"/orders/v0/orders/{order.amazon_order_id}"
    headers = {"x-amz-access-token": token}

    def call() -> None:
        response = client.get(path, headers=headers, secure=True)
        if response.status_code != 200 or HEADER not in response:
            sys.exit(f"getOrder answered {response.status_code}: {response.content[:200]!r}")

    return call


def _timed(call: Callable[[], None], requests: int) -> tuple[list[float], float]:
    """Each request's wall time, and this process's CPU time for all of them."""
    times = []
    cpu = time.process_time()
    for _ in range(requests):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times, time.process_time() - cpu


if __name__ == "__main__":
    main()
