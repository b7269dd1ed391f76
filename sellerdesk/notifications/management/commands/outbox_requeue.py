from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sellerdesk.notifications.delivery import outbound_emails_retry_failed, outbox_recover


class Command(BaseCommand):
    help = (
        "Release emails claimed by dead workers and queue delivery of what is due. Workers do "
        "this by themselves every few seconds; --include-failed also gives the emails that "
        "used all their attempts, or were refused for good, a new start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--include-failed",
            action="store_true",
            help="Also retry emails that used all their attempts or were refused.",
        )

    def handle(self, *args: Any, include_failed: bool = False, **options: Any) -> None:
        retried = outbound_emails_retry_failed() if include_failed else 0
        released = outbox_recover()
        self.stdout.write(
            f"Released {released} email(s) from dead workers; {retried} failed email(s) "
            "retried; delivery is queued if anything is due."
        )
