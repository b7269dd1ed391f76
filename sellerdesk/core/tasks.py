from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue a task once the current transaction commits; nothing is queued if it rolls back."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs), robust=False)
