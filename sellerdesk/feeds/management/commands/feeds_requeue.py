from typing import Any

from django.core.management.base import BaseCommand

from sellerdesk.feeds.processing import feeds_requeue


class Command(BaseCommand):
    help = (
        "Queue every feed whose processing was lost with a stopped worker; it resumes after its "
        "last committed batch. Run it when workers start, and from cron every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Queued {feeds_requeue()} feed(s) for processing.")
