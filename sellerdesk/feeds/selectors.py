"""Reads on feeds, always for the acting seller."""

from django.db.models import QuerySet

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import NotFound
from sellerdesk.feeds.models import Feed, FeedDocument


def feed_get(*, seller: Seller, feed_id: str) -> Feed:
    feed = (
        Feed.objects.filter(seller=seller, feed_id=feed_id)
        .select_related("input_document", "result_document")
        .first()
    )
    if feed is None:
        raise NotFound("Feed not found.", code="feed_not_found")
    return feed


def feeds_recent(*, seller: Seller) -> QuerySet[Feed]:
    return (
        Feed.objects.filter(seller=seller)
        .select_related("input_document", "result_document", "created_by")
        .order_by("-created_at", "-pk")
    )


def feed_document_get(*, seller: Seller, document_id: str) -> FeedDocument:
    document = FeedDocument.objects.filter(seller=seller, document_id=document_id).first()
    if document is None:
        raise NotFound("Feed document not found.", code="document_not_found")
    return document
