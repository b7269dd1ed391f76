from django.tasks import task

from sellerdesk.webhooks.delivery import deliveries_send


@task(queue_name="webhooks")
def deliver_notifications() -> dict[str, int]:
    """Send the notifications that are due."""
    return deliveries_send()
