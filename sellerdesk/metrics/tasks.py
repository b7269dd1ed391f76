from django.tasks import task

from sellerdesk.core.workers import rerun_on_worker_loss
from sellerdesk.metrics.alerts import rate_alert_check


@rerun_on_worker_loss
@task()
def check_rate_alert(seller_id: int, event_ids: list[int]) -> str:
    return rate_alert_check(seller_id=seller_id, event_ids=event_ids)
