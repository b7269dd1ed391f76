from django.tasks import task

from sellerdesk.notifications.services import outbound_emails_deliver


@task(queue_name="email")
def deliver_outbound_emails(email_ids: list[int]) -> dict[str, int]:
    return outbound_emails_deliver(email_ids=email_ids)
