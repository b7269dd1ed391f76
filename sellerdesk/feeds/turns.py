"""Whose turn it is: the workers share the feeds of every seller, a batch at a time.

Between two batches a task asks which feed goes next: of the sellers with feeds in queue or in
progress, the one whose last batch started the longest ago (a seller none of whose feeds has
started comes first, the earliest submitted first), and of that seller's feeds the one whose
batch started the longest ago (one not started yet first). A seller's small file so waits for
at most one batch of another seller's large feed, on every worker, and a seller with many feeds
gets no more turns than a seller with one.

The turns are kept on the feeds' rows, in database time, so that the workers of every machine
agree on them."""

from collections.abc import Collection

from django.db.models import F, Max, Min
from django.db.models.functions import Now

from sellerdesk.feeds.models import Feed

ACTIVE = (Feed.Status.IN_QUEUE, Feed.Status.IN_PROGRESS)


def feed_next(
    *, excluded: Collection[int] = (), among: Collection[int] | None = None
) -> int | None:
    """The pk of the feed whose batch goes next, of the feeds in queue or in progress but
    `excluded` (and only of `among`, if given); None when there is none."""
    active = Feed.objects.filter(processing_status__in=ACTIVE).exclude(pk__in=list(excluded))
    if among is not None:
        active = active.filter(pk__in=list(among))
    seller = (
        active.values("seller_id")
        .annotate(last=Max("batch_started_at"), first=Min("created_at"))
        .order_by(F("last").asc(nulls_first=True), "first", "seller_id")
        .values_list("seller_id", flat=True)
        .first()
    )
    if seller is None:
        return None
    return (
        active.filter(seller_id=seller)
        .order_by(F("batch_started_at").asc(nulls_first=True), "created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def feed_turn_take(*, feed_pk: int) -> None:
    """Record that a batch of the feed is starting: its seller goes to the back of the line. On
    its own, before the batch's transaction, so that the other workers see it at once."""
    Feed.objects.filter(pk=feed_pk).update(batch_started_at=Now())
