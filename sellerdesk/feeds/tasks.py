from django.tasks import task

from sellerdesk.feeds.processing import feed_process


@task(queue_name="feeds")
def process_feed(feed_pk: int, resumed: bool = False) -> str:
    return feed_process(feed_pk=feed_pk, resumed=resumed)
