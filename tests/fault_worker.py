"""A `db_worker` that stops at a chosen point of its work, as if it were killed right there: it
writes a marker file and sleeps (its heartbeat still beating) until the test kills it.

    python -m tests.fault_worker POINT MARKER [db_worker options]

POINT is one of
    feed-batch-claimed:N    inside the N-th feed batch's transaction, before its changes
    feed-batch-open:N       inside the N-th feed batch's transaction, its changes made
    email-task-queueing:N   after a commit, as the N-th email delivery task is being queued
    email-accepted:N        after the mail server accepted the N-th email, before it is recorded
Environment: FEED_BATCH_SIZE sets the feed batch size of this worker.
"""

import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class StopPoint:
    def __init__(self, count: int, marker: Path) -> None:
        self.count, self.marker, self.calls = count, marker, 0

    def passed(self) -> None:
        self.calls += 1
        if self.calls == self.count:
            self.marker.write_text(str(os.getpid()))
            time.sleep(3600)


def before(stop: StopPoint, action: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(action)
    def stopping(*args: Any, **kwargs: Any) -> Any:
        stop.passed()
        return action(*args, **kwargs)

    return stopping


def after(stop: StopPoint, action: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(action)
    def stopping(*args: Any, **kwargs: Any) -> Any:
        result = action(*args, **kwargs)
        stop.passed()
        return result

    return stopping


def main() -> None:
    point, marker, *worker_args = sys.argv[1:]
    name, count = point.split(":")
    stop = StopPoint(int(count), Path(marker))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line
    from django.db import transaction

    from sellerdesk.feeds import processing
    from sellerdesk.feeds.appliers import acknowledgement
    from sellerdesk.notifications import delivery, services

    if "FEED_BATCH_SIZE" in os.environ:
        processing.BATCH_SIZE = int(os.environ["FEED_BATCH_SIZE"])
    if name == "feed-batch-claimed":
        acknowledgement.orders_cancel = before(stop, acknowledgement.orders_cancel)
    elif name == "feed-batch-open":
        acknowledgement.orders_cancel = after(stop, acknowledgement.orders_cancel)
    elif name == "email-task-queueing":

        def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
            transaction.on_commit(before(stop, functools.partial(task.enqueue, *args, **kwargs)))

        services.enqueue_on_commit = enqueue_on_commit
    elif name == "email-accepted":
        delivery._send = after(stop, delivery._send)
    else:
        raise SystemExit(f"Unknown point {name}")
    execute_from_command_line(["manage.py", "db_worker", *worker_args])


if __name__ == "__main__":
    main()
