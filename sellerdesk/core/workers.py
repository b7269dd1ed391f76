"""Task workers that look after each other, so that recovery never waits for cron.

Every `db_worker` process beats a heartbeat row every BEAT_INTERVAL and, every SWEEP_INTERVAL,
sweeps: it fails the task rows left RUNNING by workers whose heartbeat stopped (reruning those
tasks that are recovered by running them again), then runs each app's recovery, which finds work
by its own rows (feeds claimed by a dead worker, emails without a delivery task). A worker killed
at any point is noticed within DEAD_AFTER plus one sweep.

Heartbeats are stamped and judged in database time, so that workers on several machines agree
whatever their clocks say.
"""

import contextlib
import datetime
import functools
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db import close_old_connections, connections, transaction
from django.db.models.functions import Now
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sellerdesk.core.models import TaskWorker
from sellerdesk.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

BEAT_INTERVAL = 2.0  # seconds
# A worker whose heartbeat is older than this is dead: five missed beats. Long enough that a
# live worker waiting for SQLite's write lock is not taken for dead; if one ever is, the work it
# held is fenced (a feed's batch applies only under its row's lock and done flag), so nothing is
# applied twice.
DEAD_AFTER = datetime.timedelta(seconds=10)
SWEEP_INTERVAL = 5.0  # seconds
# A dead worker's row stays this long for the operator to see, then goes.
FORGET_AFTER = datetime.timedelta(days=1)

Recovery = Callable[[], int]
_recoveries: dict[str, Recovery] = {}
_rerun_task_paths: set[str] = set()
_worker_id = f"{socket.gethostname()}:{os.getpid()}"[:64]


class WorkerLost(Exception):
    """What a task row left RUNNING by a dead worker is failed with."""


def current_worker_id() -> str:
    """The id of this process's worker, or of the process when it runs no worker (a test, a
    management command): work it claims is free to take once the claim is no longer live."""
    return _worker_id


def recovery_register(name: str, recover: Recovery) -> None:
    """Run `recover` at every sweep. It finds work left behind from its own rows and queues it
    again, and returns how many things it recovered. Call from an app's ready()."""
    _recoveries[name] = recover


def rerun_on_worker_loss[T](task: T) -> T:
    """Mark a task (idempotent, with no row of its own to recover it from) to be queued again
    when the worker running it dies."""
    _rerun_task_paths.add(task.module_path)  # type: ignore[attr-defined]
    return task


def live_worker_ids() -> set[str]:
    fresh = TaskWorker.objects.filter(beat_at__gte=Now() - DEAD_AFTER)
    return set(fresh.values_list("worker_id", flat=True))


def worker_register(*, worker_id: str, queues: str) -> None:
    TaskWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": queues[:255],
            "beat_at": Now(),
        },
    )


def worker_beat(*, worker_id: str, queues: str) -> None:
    if not TaskWorker.objects.filter(worker_id=worker_id).update(beat_at=Now()):
        # Forgotten by a sweep after a long pause (a suspended machine): alive again.
        worker_register(worker_id=worker_id, queues=queues)


def worker_deregister(*, worker_id: str) -> None:
    TaskWorker.objects.filter(worker_id=worker_id).delete()


def lost_tasks_fail() -> int:
    """Fail every task row left RUNNING by a worker that is no longer alive; queue again the
    tasks marked to be rerun."""
    live = live_worker_ids()
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("worker_ids")
    lost = [task.pk for task in running if not (task.worker_ids and task.worker_ids[-1] in live)]
    for pk in lost:
        with transaction.atomic():
            task = DBTaskResult.objects.select_for_update().filter(pk=pk).first()
            if task is None or task.status != TaskResultStatus.RUNNING:
                continue
            worker = task.worker_ids[-1] if task.worker_ids else "unknown"
            task.status = TaskResultStatus.FAILED
            task.finished_at = timezone.now()
            task.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            task.traceback = f"Worker {worker} stopped beating before the task finished."
            task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            if task.task_path in _rerun_task_paths:
                arguments = task.args_kwargs
                enqueue_on_commit(task.task, *arguments["args"], **arguments["kwargs"])
    if lost:
        logger.warning("Failed %d task(s) whose worker died.", len(lost))
    return len(lost)


def sweep() -> dict[str, int]:
    """One round of recovery: lost tasks first, so that the apps see their work as orphaned."""
    recovered = {"lost_tasks": lost_tasks_fail()}
    for name, recover in _recoveries.items():
        try:
            recovered[name] = recover()
        except Exception:
            logger.exception("Recovery of %s failed; the next sweep tries again.", name)
    TaskWorker.objects.filter(beat_at__lt=Now() - FORGET_AFTER).delete()
    return recovered


@contextlib.contextmanager
def supervised(*, worker_id: str, queues: str) -> Iterator[None]:
    """Run the block as a live worker: registered, beating and sweeping in two threads of its
    own (a long task or a slow sweep never delays the heartbeat)."""
    global _worker_id
    _worker_id = worker_id
    worker_register(worker_id=worker_id, queues=queues)
    stop = threading.Event()
    beat = functools.partial(worker_beat, worker_id=worker_id, queues=queues)
    threads = [
        threading.Thread(
            target=_every, args=(stop, BEAT_INTERVAL, beat), name="heartbeat", daemon=True
        ),
        threading.Thread(
            target=_every, args=(stop, SWEEP_INTERVAL, sweep), name="sweep", daemon=True
        ),
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        worker_deregister(worker_id=worker_id)


def _every(stop: threading.Event, interval: float, action: Callable[[], Any]) -> None:
    try:
        while True:
            try:
                close_old_connections()
                action()
            except Exception:
                logger.exception(
                    "Worker %s: %s failed", _worker_id, threading.current_thread().name
                )
            if stop.wait(interval):
                return
    finally:
        connections.close_all()
