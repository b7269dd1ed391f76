from django.tasks import task

from sellerdesk.notifications.services import outbound_email_deliver


@task(queue_name="email")
def deliver_outbound_email(email_id: int) -> str:
    return outbound_email_deliver(email_id=email_id)
