"""Outbox rows (a buyer's email, a webhook delivery): written in the transaction of the change
they report, claimed a batch at a time by a delivery task, and released when the worker that
claimed them dies. Each outbox model has `status` ("pending", "sending", ...),
`next_attempt_at`, `lease_expires_at` and `claimed_by`."""

import datetime
import logging
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sellerdesk.core.workers import current_worker_id, live_worker_ids

logger = logging.getLogger(__name__)

PENDING = "pending"
SENDING = "sending"


def outbox_claim(
    due: QuerySet[Any], *, batch: int, lease: datetime.timedelta, **also: Any
) -> list[int]:
    """Claim up to `batch` rows of `due` for this worker: marked sending, leased, with `also`
    written too. Concurrent workers on PostgreSQL each take other rows; SQLite serializes the
    writers. Returns the claimed pks."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[
                :batch
            ]
        )
        if ids:
            due.model.objects.filter(pk__in=ids).update(
                status=SENDING, lease_expires_at=now + lease, claimed_by=current_worker_id(), **also
            )
    return ids


def outbox_release_orphans(model: type[Model], *, rows_name: str) -> int:
    """Give the rows claimed by workers that died back to the queue, due at once; returns how
    many. `rows_name` names them in the log ("email(s)")."""
    released: int = (
        model._default_manager.filter(status=SENDING)
        .exclude(claimed_by__in=live_worker_ids())
        .update(
            status=PENDING, next_attempt_at=timezone.now(), lease_expires_at=None, claimed_by=""
        )
    )
    if released:
        logger.warning("Released %d %s claimed by a worker that died.", released, rows_name)
    return released


def task_idle(task: Any) -> bool:
    """Whether no run of `task` is queued and ready or running."""
    tasks = DBTaskResult.objects.filter(task_path=task.module_path)
    return not (tasks.ready().exists() or tasks.filter(status=TaskResultStatus.RUNNING).exists())
