from typing import Any

from django.core.management.base import BaseCommand

from sellerdesk.core.workers import sweep


class Command(BaseCommand):
    help = (
        "Run once what every live task worker runs every few seconds: fail the tasks of dead "
        "workers, resume their feeds, release their emails and queue what is due. Workers do "
        "this by themselves; this is for a look by hand."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = sweep()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in recovered.items()))
