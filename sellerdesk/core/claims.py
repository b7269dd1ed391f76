"""Work rows (a report, a feed) run by tasks, and their recovery.

A report IN_QUEUE or IN_PROGRESS is run by one task, whose id it keeps in `claimed_by` (a feed
is run by several at once, each batch claimed on its own: feeds/batches.py; it shares the
recovery and MAX_RUNS below). When that
task's worker dies, a live worker's sweep fails the task (`core.workers`) and the row's app
queues it again (`orphans_requeue`, from the app's recovery); the new task takes the row over
(`claim_open`). A row claimed too often ends FATAL rather than running for ever (MAX_RUNS)."""

import datetime
import logging
import uuid
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

IN_QUEUE = "IN_QUEUE"
IN_PROGRESS = "IN_PROGRESS"
# Runs of one row (claims by a task) before it is given up: work that kills its worker or fails
# its task every time ends FATAL instead of running for ever.
MAX_RUNS = 5
# A row in queue this long without a task to run it gets one.
QUEUE_GRACE = datetime.timedelta(seconds=5)
RECOVERY_PRIORITY = 10  # tasks' default is 0; higher runs first


def task_running(task_id: str) -> bool:
    try:
        pk = uuid.UUID(task_id)
    except ValueError:
        return False  # not a queued task (a direct call), or none
    return DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).exists()


def claim_open(*, status: str, claimed_by: str, task_id: str) -> bool:
    """Whether the task `task_id` may claim a row in `status` held by `claimed_by`: a row in
    queue, or in progress with a task that is no longer running (or is this one)."""
    if status == IN_QUEUE:
        return True
    if status != IN_PROGRESS:
        return False
    return claimed_by == task_id or not task_running(claimed_by)


def orphans_requeue(
    *, rows: QuerySet[Any], task: Any, argument: str, resumed_keyword: str = ""
) -> int:
    """Queue `task` for every row of `rows` (with processing_status and created_at) that has no
    task to run it: in progress when its task died with its worker or failed, or in queue when
    its task was never queued. The task takes the row's pk as its first argument, or as the
    keyword `argument`; with `resumed_keyword`, also that keyword, True for a row in progress
    (the new task resumes it: a new run). Returns how many rows were queued."""
    active = rows.filter(
        Q(processing_status=IN_PROGRESS)
        | Q(processing_status=IN_QUEUE, created_at__lt=timezone.now() - QUEUE_GRACE)
    )
    statuses = dict(active.values_list("pk", "processing_status"))
    if not statuses:
        return 0
    tasks = DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    covered = {
        arguments["args"][0] if arguments["args"] else arguments["kwargs"].get(argument)
        for arguments in tasks.values_list("args_kwargs", flat=True)
    }
    orphans = [pk for pk in statuses if pk not in covered]
    for pk in orphans:
        resumed = {resumed_keyword: statuses[pk] == IN_PROGRESS} if resumed_keyword else {}
        # Ahead of the work queued meanwhile: work taken over continues before new work.
        task.using(priority=RECOVERY_PRIORITY).enqueue(pk, **resumed)
    if orphans:
        model: type[Model] = rows.model
        logger.warning(
            "Queued %d %s(s) that had no task to run them.", len(orphans), model._meta.model_name
        )
    return len(orphans)
