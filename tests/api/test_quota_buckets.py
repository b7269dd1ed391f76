"""The stores of the usage plans' buckets: the database's one statement decides as pyrate-limiter's
TokenBucket does; concurrent requests on one bucket let exactly its burst through; Redis (the real
server, database 7) decides the same, and a Redis that does not answer lets requests through."""

import logging
import threading
from collections.abc import Iterator

import pytest
import redis
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyrate_limiter import InMemoryStateStore, Rate, TokenBucket

from sellerdesk.api.models import QuotaBucket
from sellerdesk.api.quota import REDIS_RETRY_AFTER_MS, Buckets, DatabaseBuckets, RedisBuckets
from sellerdesk.api.throttling import HEADER
from sellerdesk.api.urls import ordersapi
from sellerdesk.api.usage_plans import UsagePlan, usage_plan_parse
from tests.api.conftest import Credentials, SpApi, access_token, register
from tests.api.ratelimits import QUOTA_EXCEEDED, START_MS
from tests.conftest import free_port
from tests.factories import make_listing, make_order

REDIS_URL = "redis://127.0.0.1:6379/7"
ORDER = "/orders/v0/orders/{orderId}"
PLANS = st.sampled_from(["0.5/30", "2/3", "0.0083/15", "3/1", "7/5"])
# Gaps between requests, in milliseconds: mostly bursts, some refills, some long rests.
GAPS = st.lists(
    st.one_of(st.just(0), st.integers(1, 500), st.integers(500, 200_000)), min_size=1, max_size=60
)
EXAMPLES = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)

    def clear() -> None:
        for key in client.scan_iter("sellerdesk:quota:*"):
            client.delete(key)

    clear()
    yield client
    clear()
    client.close()


def decisions(buckets: Buckets, *, credentials: Credentials, plan: UsagePlan, gaps: list[int]):
    application = credentials.application
    now = START_MS
    taken = []
    for gap in gaps:
        now += gap
        taken.append(
            buckets.take(
                operation="getOrder",
                seller_id=application.seller_id,
                application_id=application.pk,
                plan=plan,
                now=now,
            )
        )
    return taken


def library_decisions(plan: UsagePlan, gaps: list[int]) -> list[bool]:
    """pyrate-limiter's own TokenBucket, in memory, on the same plan."""
    store = InMemoryStateStore()
    rate = Rate(1000, plan.emission_us, plan.burst)
    now = START_MS
    taken = []
    for gap in gaps:
        now += gap
        taken.append(store.check(TokenBucket(), [rate], now, 1).allowed)
    return taken


@given(plan=PLANS, gaps=GAPS)
@EXAMPLES
def test_the_database_decides_as_the_librarys_token_bucket(credentials, plan, gaps):
    QuotaBucket.objects.all().delete()
    usage_plan = usage_plan_parse("getOrder", plan)

    taken = decisions(DatabaseBuckets(), credentials=credentials, plan=usage_plan, gaps=gaps)

    assert taken == library_decisions(usage_plan, gaps)


@given(plan=PLANS, gaps=GAPS)
@EXAMPLES
def test_redis_decides_as_the_database(credentials, redis_client, plan, gaps):
    QuotaBucket.objects.all().delete()
    for key in redis_client.scan_iter("sellerdesk:quota:*"):
        redis_client.delete(key)
    usage_plan = usage_plan_parse("getOrder", plan)

    in_redis = decisions(
        RedisBuckets(REDIS_URL), credentials=credentials, plan=usage_plan, gaps=gaps
    )
    in_database = decisions(DatabaseBuckets(), credentials=credentials, plan=usage_plan, gaps=gaps)

    assert in_redis == in_database


def test_redis_keeps_one_bucket_per_operation_seller_and_application(
    settings, clock, redis_client, seller, credentials
):
    settings.RATE_LIMIT_REDIS_URL = REDIS_URL
    settings.RATE_LIMITS = {"getOrder": "0.5/2"}
    order = make_order(seller, (make_listing(seller), 1))
    first = SpApi(access_token(credentials), ordersapi)
    second = SpApi(access_token(register(seller, "Bokföringen")), ordersapi)

    answers = [first.call("GET", ORDER, orderId=order.amazon_order_id) for _ in range(3)]
    other = [second.call("GET", ORDER, orderId=order.amazon_order_id).status_code for _ in range(2)]
    clock.advance(2)
    refilled = first.call("GET", ORDER, orderId=order.amazon_order_id).status_code

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert (answers[2].json(), answers[2][HEADER]) == (QUOTA_EXCEEDED, "0.5")
    assert other == [200, 200]
    assert refilled == 200
    assert len(redis_client.keys("sellerdesk:quota:getOrder:*")) == 2
    assert not QuotaBucket.objects.exists()


def test_a_redis_that_does_not_answer_lets_requests_through_and_says_so(
    settings, clock, caplog, seller, credentials
):
    settings.RATE_LIMIT_REDIS_URL = f"redis://127.0.0.1:{free_port()}/7"  # nothing listens
    settings.RATE_LIMITS = {"getOrder": "0.5/1"}
    order = make_order(seller, (make_listing(seller), 1))
    orders = SpApi(access_token(credentials), ordersapi)

    with caplog.at_level(logging.WARNING, logger="sellerdesk.api.quota"):
        during = [orders.call("GET", ORDER, orderId=order.amazon_order_id) for _ in range(3)]
        clock.advance(REDIS_RETRY_AFTER_MS / 1000)
        after = orders.call("GET", ORDER, orderId=order.amazon_order_id)

    assert [a.status_code for a in during] == [200, 200, 200]
    assert [a[HEADER] for a in during] == ["0.5"] * 3
    assert after.status_code == 200
    # Once when it first failed, once when it was tried again 5 s later: not once a request.
    warnings = [r.getMessage() for r in caplog.records if r.name == "sellerdesk.api.quota"]
    assert (
        warnings
        == [
            "Rate limits: Redis at RATE_LIMIT_REDIS_URL did not answer; requests are let through"
            " unlimited for 5 s before it is tried again."
        ]
        * 2
    )
    assert not QuotaBucket.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", ["database", "redis"])
def test_parallel_requests_over_the_burst_get_exactly_the_burst(
    settings, clock, redis_client, seller, store
):
    """Twelve requests at once, each on its own thread and database connection, on a bucket
    of five: five answers 200 and seven 429, on SQLite and PostgreSQL alike."""
    if store == "redis":
        settings.RATE_LIMIT_REDIS_URL = REDIS_URL
    settings.RATE_LIMITS = {"getOrder": "0.5/5"}
    order = make_order(seller, (make_listing(seller), 1))
    token = access_token(register(seller))
    start = threading.Barrier(12)
    statuses: list[int] = []

    def call() -> None:
        try:
            orders = SpApi(token, ordersapi)
            start.wait()
            statuses.append(orders.call("GET", ORDER, orderId=order.amazon_order_id).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 5 + [429] * 7
