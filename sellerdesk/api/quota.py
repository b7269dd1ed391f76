"""The token buckets of the usage plans, where every web process on every host sees them: in the
database by default, in Redis when RATE_LIMIT_REDIS_URL is set (docs/operations.md, "Rate
limits").

Both keep a bucket as GCRA does, one number per bucket (the time it will be full again), and
take a request in one atomic step. In Redis that step is pyrate-limiter's TokenBucket script.
For the database no library fits (pyrate-limiter's SQL buckets log every request in a table of
their own, on a connection pool of their own, outside Django's database and transactions), so it
is one INSERT … ON CONFLICT DO UPDATE … WHERE of our own, which SQLite and PostgreSQL both run
atomically: concurrent requests on one bucket queue on its row, each deciding on the row as the
one before left it."""

import contextlib
import functools
import logging
import time
from collections.abc import Iterator
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection, transaction
from pyrate_limiter import Rate, RedisStateStore, TokenBucket
from redis.backoff import NoBackoff
from redis.retry import Retry

from sellerdesk.api.models import QuotaBucket
from sellerdesk.api.usage_plans import UsagePlan

logger = logging.getLogger(__name__)

# How long a process lets requests through without asking a Redis that failed to answer.
REDIS_RETRY_AFTER_MS = 5_000
REDIS_TIMEOUT_SECONDS = 0.25


def now_ms() -> int:
    """Wall-clock time, which the hosts that share the buckets agree on (keep them on NTP)."""
    return time.time_ns() // 1_000_000


class Buckets(Protocol):
    def take(
        self, *, operation: str, seller_id: int, application_id: int, plan: UsagePlan, now: int
    ) -> bool:
        """Take one request out of the bucket at `now` (milliseconds): True when there was
        one to take, False when the request is over the plan."""
        ...


class DatabaseBuckets:
    def take(
        self, *, operation: str, seller_id: int, application_id: int, plan: UsagePlan, now: int
    ) -> bool:
        # The application acts for one seller only, so it names the seller's bucket too.
        now_us = now * 1000
        emission = plan.emission_us
        table = connection.ops.quote_name(QuotaBucket._meta.db_table)
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        with _bucket_commit(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (application_id, operation, full_at) VALUES (%s, %s, %s)"  # noqa: S608
                f" ON CONFLICT (application_id, operation) DO UPDATE"
                f" SET full_at = {greatest}({table}.full_at, %s) + %s"
                f" WHERE {table}.full_at <= %s",
                [
                    application_id,
                    operation,
                    now_us + emission,
                    now_us,
                    emission,
                    now_us + (plan.burst - 1) * emission,
                ],
            )
            return cursor.rowcount == 1


@contextlib.contextmanager
def _bucket_commit() -> Iterator[None]:
    """A bucket's take on its own commit, which on PostgreSQL does not wait for the write-ahead
    log to reach the disk (synchronous_commit off for this transaction only): a crash can lose
    the last takes of a bucket, which lets at most one more burst through, and a take costs no
    disk flush. Inside a caller's transaction, the take is part of it, as it is."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


class RedisBuckets:
    """Fails open: while Redis does not answer, requests are let through (and the failure is
    logged), so that an outage of the limiter is not an outage of the API."""

    algorithm = TokenBucket()

    def __init__(self, url: str):
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            # One immediate retry, for a pooled connection that Redis closed meanwhile.
            retry=Retry(NoBackoff(), 1),
        )
        self.unanswered_until = 0

    def take(
        self, *, operation: str, seller_id: int, application_id: int, plan: UsagePlan, now: int
    ) -> bool:
        if now < self.unanswered_until:
            return True
        key = f"sellerdesk:quota:{operation}:{seller_id}:{application_id}"
        # A Rate of 1000 requests per emission_us milliseconds is `plan.rate` a second, with the
        # same emission interval that DatabaseBuckets uses.
        rate = Rate(1000, plan.emission_us, plan.burst)
        try:
            decision = RedisStateStore(self.client, key).check(self.algorithm, [rate], now, 1)
        except redis.RedisError:
            logger.warning(
                "Rate limits: Redis at RATE_LIMIT_REDIS_URL did not answer; requests are let"
                " through unlimited for %d s before it is tried again.",
                REDIS_RETRY_AFTER_MS // 1000,
                exc_info=True,
            )
            self.unanswered_until = now + REDIS_RETRY_AFTER_MS
            return True
        return decision.allowed


@functools.cache
def _redis_buckets(url: str) -> RedisBuckets:
    return RedisBuckets(url)


def quota_buckets() -> Buckets:
    url = settings.RATE_LIMIT_REDIS_URL
    return _redis_buckets(url) if url else DatabaseBuckets()


def quota_take(*, operation: str, seller_id: int, application_id: int, plan: UsagePlan) -> bool:
    return quota_buckets().take(
        operation=operation,
        seller_id=seller_id,
        application_id=application_id,
        plan=plan,
        now=now_ms(),
    )
