"""What a selection's cancellation reports on the seller's page, in the categories of the
confirmation that started it: the orders cancelled, the orders skipped by status (as the
confirmation counted them; they are not part of the job), and the orders that were to be
cancelled but changed in between (shipped, cancelled by someone else, ...), each of which the
job records as an error or warning row.

The confirmation stores its counts in the feed's options under SELECTED; a selection's document
holds only the orders that were unshipped then."""

from dataclasses import dataclass

from sellerdesk.feeds.models import Feed
from sellerdesk.orders.models import OrderStatus
from sellerdesk.orders.selection import skipped_of

SELECTED = "selected"  # the feed option: orders by status when the seller confirmed


@dataclass(frozen=True, slots=True)
class SelectionOutcome:
    to_cancel: int
    cancelled: int
    changed: int
    skipped: dict[str, int]


def selection_outcome(feed: Feed) -> SelectionOutcome | None:
    """None for a feed that is not a confirmed selection (and for selections confirmed before
    their counts were recorded, whose reports list every selected order)."""
    selected = feed.options.get(SELECTED)
    if feed.source != Feed.Source.SELECTION or not isinstance(selected, dict):
        return None
    # A cancelled order leaves no row; one that could not be cancelled leaves one.
    changed = feed.messages_with_error + feed.messages_with_warning
    return SelectionOutcome(
        to_cancel=selected.get(OrderStatus.UNSHIPPED, 0),
        cancelled=feed.messages_processed - changed,
        changed=changed,
        skipped=skipped_of(selected),
    )
