from django.tasks import task

from sellerdesk.notifications.delivery import outbound_emails_deliver


@task(queue_name="email")
def deliver_outbound_emails(email_ids: list[int] | None = None) -> dict[str, int]:
    """Send what is due. Tasks queued by an earlier version name their emails (`email_ids`);
    they are due like the rest, so such a task sends them with the others."""
    return outbound_emails_deliver()
