from django.tasks import TaskContext, task

from sellerdesk.reports.generation import report_generate


@task(queue_name="reports", takes_context=True)
def generate_report(context: TaskContext, report_pk: int) -> str:
    return report_generate(report_pk=report_pk, task_id=str(context.task_result.id))
