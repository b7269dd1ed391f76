"""Reads on feeds, always for the acting seller."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ErrorCode, NotFound
from sellerdesk.core.pages import KeysetPage, Position, keyset_page
from sellerdesk.feeds.models import Feed, FeedDocument


@dataclass(frozen=True)
class FeedFilter:
    """Feeds of some types created in a time frame (both ends included), as the Feeds API's
    getFeeds asks for them; no statuses or marketplaces is any."""

    feed_types: tuple[str, ...]
    created_since: datetime.datetime
    created_until: datetime.datetime
    statuses: tuple[str, ...] = ()
    marketplace_ids: tuple[str, ...] = ()


def feed_get(*, seller: Seller, feed_id: str) -> Feed:
    feed = (
        Feed.objects.filter(seller=seller, feed_id=feed_id)
        .select_related("input_document", "result_document")
        .first()
    )
    if feed is None:
        raise NotFound("Feed not found.", code=ErrorCode.FEED_NOT_FOUND)
    return feed


def feeds_recent(*, seller: Seller) -> QuerySet[Feed]:
    return (
        Feed.objects.filter(seller=seller)
        .select_related("input_document", "result_document", "created_by")
        .order_by("-created_at", "-pk")
    )


def feed_list(
    *, seller: Seller, filters: FeedFilter, after: Position | None, page_size: int
) -> KeysetPage[Feed]:
    """A page of the seller's feeds, newest first, keyset-paged on the creation time."""
    feeds = feeds_recent(seller=seller).filter(
        feed_type__in=filters.feed_types,
        created_at__gte=filters.created_since,
        created_at__lte=filters.created_until,
    )
    if filters.statuses:
        feeds = feeds.filter(processing_status__in=filters.statuses)
    # A seller sells on one marketplace and createFeed accepts only that one, so every feed of
    # the seller is for it: the filter keeps all of them or none (and JSON containment is not
    # available on SQLite).
    if filters.marketplace_ids and seller.marketplace_id not in filters.marketplace_ids:
        feeds = feeds.none()
    return keyset_page(feeds, key="created_at", after=after, size=page_size, descending=True)


def feed_document_get(*, seller: Seller, document_id: str) -> FeedDocument:
    document = FeedDocument.objects.filter(seller=seller, document_id=document_id).first()
    if document is None:
        raise NotFound("Feed document not found.", code=ErrorCode.DOCUMENT_NOT_FOUND)
    return document


def feed_document_signed(*, document_id: str) -> FeedDocument | None:
    """The document a signed upload or download URL names: the signature, not a seller's
    session, is what grants access to it."""
    return FeedDocument.objects.filter(document_id=document_id).first()
