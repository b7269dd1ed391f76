from django.db import models


class TaskWorker(models.Model):
    """A running task worker (`manage.py db_worker`). Its heartbeat tells the other workers that
    it is alive; work claimed by a worker whose heartbeat stopped is taken over."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=255)
    started_at = models.DateTimeField(auto_now_add=True)
    # Database time, so that workers on several machines agree whatever their clocks say.
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}, pid {self.pid})"
