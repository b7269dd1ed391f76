"""What every applier takes and gives: the batch's messages with their positions in the feed,
and what applying them gave. The processor calls an applier inside the batch's transaction."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sellerdesk.core.batches import Outcome
from sellerdesk.feeds.models import Feed, FeedResult
from sellerdesk.orders.models import OrderEvent

# The order event's source for the route that submitted the feed.
SOURCES = {
    Feed.Source.API: OrderEvent.Source.FEED,
    Feed.Source.UPLOAD: OrderEvent.Source.FILE,
    Feed.Source.SELECTION: OrderEvent.Source.BULK,
}

type Positioned[R] = tuple[int, R]  # a message and its position among the feed's records


@dataclass(frozen=True, slots=True)
class Applied:
    # Errors and warnings; a message without a row went through.
    results: list[FeedResult]
    # The cancellation events the batch wrote: a dry run forecasts the rate from them.
    cancellations: list[OrderEvent] = field(default_factory=list)


class Applier[R](Protocol):
    def __call__(self, *, feed: Feed, messages: Sequence[Positioned[R]]) -> Applied: ...


def event_source(feed: Feed) -> str:
    return SOURCES[Feed.Source(feed.source)]


def cancellations_of(outcomes: Iterable[Outcome[object]]) -> list[OrderEvent]:
    """The cancellation events among those the outcomes' requests wrote."""
    return [
        event
        for outcome in outcomes
        for event in outcome.events
        if event.kind == OrderEvent.Kind.CANCELLED
    ]
