from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sellerdesk.notifications.services import outbound_emails_requeue


class Command(BaseCommand):
    help = (
        "Queue delivery of every buyer email that is due (after a worker died or an outage). "
        "Run it when workers start, and from cron every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--include-failed",
            action="store_true",
            help="Also retry emails that used all their attempts.",
        )

    def handle(self, *args: Any, include_failed: bool = False, **options: Any) -> None:
        count = outbound_emails_requeue(include_failed=include_failed)
        self.stdout.write(f"Queued {count} email(s) for delivery.")
