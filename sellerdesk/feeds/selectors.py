"""Reads on feeds, always for the acting seller."""

from django.db.models import QuerySet

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ErrorCode, NotFound
from sellerdesk.core.listings import ProcessingFilter, processing_filter_apply
from sellerdesk.core.pages import KeysetPage, Position, keyset_page
from sellerdesk.feeds.models import Feed, FeedDocument

# The documents of feeds; a report's document is the Reports API's to hand out.
FEED_PURPOSES = (FeedDocument.Purpose.INPUT, FeedDocument.Purpose.RESULT)


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
    *, seller: Seller, filters: ProcessingFilter, after: Position | None, page_size: int
) -> KeysetPage[Feed]:
    """A page of the seller's feeds, newest first, keyset-paged on the creation time."""
    feeds = processing_filter_apply(
        feeds_recent(seller=seller),
        filters,
        type_field="feed_type",
        marketplace_id=seller.marketplace_id,
    )
    return keyset_page(feeds, key="created_at", after=after, size=page_size, descending=True)


def feed_document_get(*, seller: Seller, document_id: str) -> FeedDocument:
    document = FeedDocument.objects.filter(
        seller=seller, document_id=document_id, purpose__in=FEED_PURPOSES
    ).first()
    if document is None:
        raise NotFound("Feed document not found.", code=ErrorCode.DOCUMENT_NOT_FOUND)
    return document


def feed_document_signed(*, document_id: str) -> FeedDocument | None:
    """The document a signed upload or download URL names: the signature, not a seller's
    session, is what grants access to it."""
    return FeedDocument.objects.filter(document_id=document_id).first()
