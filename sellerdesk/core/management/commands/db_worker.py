"""django-tasks-db's `db_worker`, supervised: while it runs tasks it beats a heartbeat and
sweeps for work left by dead workers (see `sellerdesk.core.workers`). `--batch` runs, which end
when the queue is empty, are not supervised."""

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from sellerdesk.core.workers import supervised


class Command(db_worker.Command):
    help = (
        "Run a database task worker that also takes over the work of dead workers: "
        "feeds, emails and tasks, within seconds and without cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload the parent process only watches files; its child runs the tasks.
        watcher = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if options["batch"] or watcher:
            super().handle(*args, **options)
            return
        with supervised(worker_id=options["worker_id"], queues=options["queue_name"]):
            super().handle(*args, **options)
