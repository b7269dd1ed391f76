"""The workers are shared between sellers a batch at a time: a task goes from batch to batch in
the order of the sellers' turns (feeds/turns.py), whatever feed it was queued for, and each
batch still applies once, each feed finishes once, after its last batch."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from sellerdesk.feeds import processing
from sellerdesk.feeds.models import Feed
from sellerdesk.feeds.turns import feed_next
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from tests.conftest import run_tasks
from tests.factories import make_listing, make_order, make_seller
from tests.feeds.test_processing import HEADER, results, submit

pytestmark = pytest.mark.django_db(transaction=True)


def cancellation_feed(seller: Any, count: int, *, unknown_at: int | None = None) -> Feed:
    listing = make_listing(seller, quantity=count)
    lines = [
        f"{make_order(seller, (listing, 1)).amazon_order_id}\tPricingError\t\n"
        for _ in range(count)
    ]
    if unknown_at is not None:
        lines.insert(unknown_at, "123-4567890-1234567\tPricingError\t\n")
    return submit(seller, HEADER + "".join(lines))


def cancelled_once_with_one_email(feed: Feed) -> bool:
    orders = Order.objects.filter(seller=feed.seller)
    events = OrderEvent.objects.filter(order__seller=feed.seller, kind="cancelled")
    emails = OutboundEmail.objects.filter(order__seller=feed.seller)
    return (
        orders.filter(status="Canceled").count() == orders.count()
        and sorted(events.values_list("order_id", flat=True))
        == sorted(orders.values_list("pk", flat=True))
        and emails.count() == orders.count()
    )


def test_the_next_feed_is_of_the_seller_whose_batch_started_the_longest_ago(seller):
    # Given a seller with a feed started 10 minutes ago and one in queue, another seller whose
    # feed started 5 minutes ago, a third whose feed has not started, and a finished feed
    second, third = make_seller("Fjällbutiken"), make_seller("Skärgårdshandeln")
    now = timezone.now()
    started_long_ago = cancellation_feed(seller, 1)
    queued_behind_it = cancellation_feed(seller, 1)
    started_lately = cancellation_feed(second, 1)
    not_started = cancellation_feed(third, 1)
    finished = cancellation_feed(make_seller("Sist AB"), 1)
    Feed.objects.filter(pk=started_long_ago.pk).update(
        processing_status="IN_PROGRESS", batch_started_at=now - datetime.timedelta(minutes=10)
    )
    Feed.objects.filter(pk=started_lately.pk).update(
        processing_status="IN_PROGRESS", batch_started_at=now - datetime.timedelta(minutes=5)
    )
    Feed.objects.filter(pk=finished.pk).update(processing_status="DONE")

    # When a task asks for the next feed, each time without the ones it was given
    given: list[int | None] = []
    for _ in range(5):
        given.append(feed_next(excluded=[pk for pk in given if pk is not None]))
    among = feed_next(among=[started_lately.pk, started_long_ago.pk, finished.pk])

    # Then the seller that never had a turn goes first, then the seller whose turn was longest
    # ago, its feed in queue before its started one, and only feeds in queue or in progress
    assert given == [
        not_started.pk,
        queued_behind_it.pk,
        started_long_ago.pk,
        started_lately.pk,
        None,
    ]
    assert among == started_long_ago.pk


def test_a_small_feed_of_another_seller_waits_one_batch_of_a_large_feed_submitted_before_it(
    seller, other_seller, monkeypatch
):
    # Given a large feed (ten batches) and then a one-line feed of another seller, in queue
    monkeypatch.setattr(processing, "BATCH_SIZE", 2)
    large = cancellation_feed(seller, 19, unknown_at=7)
    small = cancellation_feed(other_seller, 1)
    real_finish = processing._finish
    large_done_when: dict[int, int] = {}

    def finish(*, feed: Feed) -> None:
        large_done_when[feed.pk] = Feed.objects.get(pk=large.pk).records_done
        real_finish(feed=feed)

    monkeypatch.setattr(processing, "_finish", finish)

    # When a worker runs the queued tasks, the large feed's first
    run_tasks()

    # Then the small feed finished after the large feed's first batch, before its second, and
    # both applied every message once, with their reports in message order
    large.refresh_from_db()
    small.refresh_from_db()
    assert large_done_when == {small.pk: 2, large.pk: 20}
    assert small.processing_end_time and large.processing_end_time
    assert small.processing_end_time < large.processing_end_time
    assert (large.processing_status, large.records_done, large.messages_with_error) == (
        "DONE",
        20,
        1,
    )
    assert results(large) == [(9, "Error", 18002)]
    assert list(large.batches.values_list("done", flat=True)) == [True] * 10
    assert (small.processing_status, small.records_done, small.messages_successful) == (
        "DONE",
        1,
        1,
    )
    assert cancelled_once_with_one_email(large) and cancelled_once_with_one_email(small)
    assert (large.runs, small.runs) == (1, 1)


def test_a_task_leaves_the_other_feeds_it_opened_when_its_own_ends(
    seller, other_seller, monkeypatch
):
    # Given a large feed in queue, and a one-line feed of another seller submitted after it
    monkeypatch.setattr(processing, "BATCH_SIZE", 2)
    large = cancellation_feed(seller, 6)
    small = cancellation_feed(other_seller, 1)

    # When the small feed's task runs first
    outcome = processing.feed_process(feed_pk=small.pk)

    # Then it applied a batch of the large feed (the earlier seller's turn), then its own feed,
    # and ended with it; the large feed's own tasks finish the large one, each batch once
    large.refresh_from_db()
    small.refresh_from_db()
    left = (large.processing_status, large.records_done, large.runs)
    run_tasks()
    large.refresh_from_db()
    assert outcome == "done"
    assert (small.processing_status, small.records_done) == ("DONE", 1)
    assert left == ("IN_PROGRESS", 2, 1)
    assert (large.processing_status, large.records_done, large.runs) == ("DONE", 6, 1)
    assert list(large.batches.order_by("number").values_list("number", "done")) == [
        (0, True),
        (1, True),
        (2, True),
    ]
    assert cancelled_once_with_one_email(large) and cancelled_once_with_one_email(small)


def test_another_feed_that_fails_is_left_to_its_own_tasks_and_the_task_goes_on(
    seller, other_seller
):
    # Given a feed whose document is gone from storage, and after it another seller's feed
    broken = cancellation_feed(seller, 1)
    broken.input_document.file.delete(save=False)
    small = cancellation_feed(other_seller, 1)

    # When the second feed's task comes to the broken feed's turn
    outcome = processing.feed_process(feed_pk=small.pk)

    # Then the broken feed is left as it was opened, to its own tasks (and their recovery), and
    # the task finishes its own feed, whose runs are not charged with the other's failure
    broken.refresh_from_db()
    small.refresh_from_db()
    assert outcome == "done"
    assert (broken.processing_status, broken.records_done, broken.runs) == ("IN_PROGRESS", 0, 1)
    assert not OrderEvent.objects.filter(order__seller=seller, kind="cancelled").exists()
    assert (small.processing_status, small.records_done, small.runs) == ("DONE", 1, 1)
    assert cancelled_once_with_one_email(small)
