from typing import Any

from django.contrib import admin

from sellerdesk.core.models import TaskWorker


class ReadOnlyAdmin(admin.ModelAdmin):
    """The operator reads; changes go through the services, which write the events."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(TaskWorker)
class TaskWorkerAdmin(ReadOnlyAdmin):
    """The task workers and their last heartbeat; a dead one stays a day."""

    list_display = ["worker_id", "hostname", "pid", "queues", "started_at", "beat_at"]
