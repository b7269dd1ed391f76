from django.tasks import TaskContext, task

from sellerdesk.feeds.processing import feed_process


@task(queue_name="feeds", takes_context=True)
def process_feed(context: TaskContext, feed_pk: int) -> str:
    return feed_process(feed_pk=feed_pk, task_id=str(context.task_result.id))
