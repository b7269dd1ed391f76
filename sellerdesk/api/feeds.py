"""Selling Partner API, Feeds 2021-06-30: the same paths, bodies and errors, so that an integration
written for the marketplace's Feeds API can be pointed at Seller Desk.

Every lookup is scoped to the seller of the access token; another seller's feed or document is
the same 404 as a missing one."""

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sellerdesk.accounts.models import Seller
from sellerdesk.api.documents import download_url, is_compressed, upload_url
from sellerdesk.core.errors import InvalidInput, InvalidTransition
from sellerdesk.feeds.models import Feed as FeedModel
from sellerdesk.feeds.selectors import feed_document_get, feed_get, feeds_recent
from sellerdesk.feeds.services import feed_cancel, feed_create, feed_document_create

router = Router(tags=["feeds"])

PAGE_CURSOR_SALT = "sellerdesk.api.feeds.next-token"
DEFAULT_PAGE_SIZE = 10
FILTER_MAX_VALUES = 10
# Feeds are listed back this far unless createdSince says otherwise, as on SP-API.
DEFAULT_LOOKBACK = datetime.timedelta(days=90)


class ProcessingStatus(StrEnum):
    CANCELLED = FeedModel.Status.CANCELLED.value
    DONE = FeedModel.Status.DONE.value
    FATAL = FeedModel.Status.FATAL.value
    IN_PROGRESS = FeedModel.Status.IN_PROGRESS.value
    IN_QUEUE = FeedModel.Status.IN_QUEUE.value


class CompressionAlgorithm(StrEnum):
    GZIP = "GZIP"


# Schemas carry SP-API's model names, so the two OpenAPI documents read alike.


class Error(Schema):
    code: str
    message: str
    details: str | None = None


class ErrorList(Schema):
    errors: list[Error]


class CreateFeedDocumentSpecification(Schema):
    contentType: str = Field(min_length=1, max_length=200)


class CreateFeedDocumentResponse(Schema):
    feedDocumentId: str
    url: str


class CreateFeedSpecification(Schema):
    feedType: str = Field(min_length=1, max_length=64)
    marketplaceIds: list[str] = Field(min_length=1, max_length=25)
    inputFeedDocumentId: str = Field(min_length=1, max_length=80)
    feedOptions: dict[str, str] | None = None


class CreateFeedResponse(Schema):
    feedId: str


class Feed(Schema):
    feedId: str
    feedType: str
    marketplaceIds: list[str]
    createdTime: datetime.datetime
    processingStatus: ProcessingStatus
    processingStartTime: datetime.datetime | None = None
    processingEndTime: datetime.datetime | None = None
    resultFeedDocumentId: str | None = None


class GetFeedsResponse(Schema):
    feeds: list[Feed]
    nextToken: str | None = None


class FeedDocument(Schema):
    feedDocumentId: str
    url: str
    compressionAlgorithm: CompressionAlgorithm | None = None


class GetFeedsQuery(Schema):
    feedTypes: list[str] | None = Field(
        None, description="Required unless nextToken is given. Comma-separated or repeated."
    )
    marketplaceIds: list[str] | None = Field(None, description="Comma-separated or repeated.")
    pageSize: int | None = Field(None, ge=1, le=100, description="1 to 100; 10 by default.")
    processingStatuses: list[str] | None = Field(None, description="Comma-separated or repeated.")
    createdSince: datetime.datetime | None = Field(None, description="90 days ago by default.")
    createdUntil: datetime.datetime | None = Field(None, description="Now by default.")
    nextToken: str | None = Field(
        None, description="From the previous page; when given, it is the only parameter."
    )


ERRORS: dict[int, Any] = {400: ErrorList, 403: ErrorList}


@router.post(
    "/documents",
    response={201: CreateFeedDocumentResponse, **ERRORS},
    operation_id="createFeedDocument",
    summary="Create a feed document and get a URL to upload its contents to",
)
def create_feed_document(request: HttpRequest, body: CreateFeedDocumentSpecification) -> Status:
    document = feed_document_create(seller=_seller(request), content_type=body.contentType)
    return Status(
        201,
        CreateFeedDocumentResponse(
            feedDocumentId=document.document_id, url=upload_url(request, document)
        ),
    )


@router.post(
    "/feeds",
    response={202: CreateFeedResponse, **ERRORS, 404: ErrorList},
    operation_id="createFeed",
    summary="Create a feed from an uploaded feed document",
)
def create_feed(request: HttpRequest, body: CreateFeedSpecification) -> Status:
    feed = feed_create(
        seller=_seller(request),
        feed_type=body.feedType,
        input_document_id=body.inputFeedDocumentId,
        marketplace_ids=body.marketplaceIds,
        dry_run=_dry_run(body.feedOptions or {}),
    )
    return Status(202, CreateFeedResponse(feedId=feed.feed_id))


@router.get(
    "/feeds",
    response={200: GetFeedsResponse, **ERRORS},
    operation_id="getFeeds",
    summary="List feeds, newest first",
    exclude_none=True,
)
def get_feeds(request: HttpRequest, query: Query[GetFeedsQuery]) -> GetFeedsResponse:
    seller = _seller(request)
    if query.nextToken is not None:
        if query.model_dump(exclude_none=True).keys() != {"nextToken"}:
            raise InvalidInput(
                "nextToken must be the only parameter.", code="next_token_with_filters"
            )
        listing = _listing_from_token(seller=seller, token=query.nextToken)
    else:
        listing = _listing_from_query(query)
    feeds = list(_feeds_after(seller=seller, listing=listing)[: listing.page_size + 1])
    page, more = feeds[: listing.page_size], len(feeds) > listing.page_size
    return GetFeedsResponse(
        feeds=[_feed_out(feed) for feed in page],
        nextToken=_next_token(seller=seller, listing=listing, last=page[-1]) if more else None,
    )


@router.get(
    "/feeds/{feedId}",
    response={200: Feed, **ERRORS, 404: ErrorList},
    operation_id="getFeed",
    summary="One feed's processing status and result document",
    exclude_none=True,
)
def get_feed(request: HttpRequest, feedId: str) -> Feed:
    return _feed_out(feed_get(seller=_seller(request), feed_id=feedId))


@router.delete(
    "/feeds/{feedId}",
    response={200: None, **ERRORS, 404: ErrorList},
    operation_id="cancelFeed",
    summary="Cancel a feed that is still in queue",
)
def cancel_feed(request: HttpRequest, feedId: str) -> HttpResponse:
    try:
        feed_cancel(seller=_seller(request), feed_id=feedId)
    except InvalidTransition as error:
        # SP-API answers a feed past IN_QUEUE with 400, not 409.
        raise InvalidInput(error.message, code=error.code) from error
    return HttpResponse(status=200)


@router.get(
    "/documents/{feedDocumentId}",
    response={200: FeedDocument, **ERRORS, 404: ErrorList},
    operation_id="getFeedDocument",
    summary="A URL to download a feed document from",
    exclude_none=True,
)
def get_feed_document(request: HttpRequest, feedDocumentId: str) -> FeedDocument:
    document = feed_document_get(seller=_seller(request), document_id=feedDocumentId)
    return FeedDocument(
        feedDocumentId=document.document_id,
        url=download_url(request, document),
        compressionAlgorithm=CompressionAlgorithm.GZIP if is_compressed(document) else None,
    )


def _seller(request: HttpRequest) -> Seller:
    seller: Seller = request.auth  # type: ignore[attr-defined]
    return seller


def _dry_run(options: dict[str, str]) -> bool:
    value = options.get("dryRun", "false").strip().lower()
    if value not in {"true", "false"}:
        raise InvalidInput('feedOptions.dryRun must be "true" or "false".', code="invalid_dry_run")
    return value == "true"


def _feed_out(feed: FeedModel) -> Feed:
    return Feed(
        feedId=feed.feed_id,
        feedType=feed.feed_type,
        marketplaceIds=list(feed.marketplace_ids),
        createdTime=feed.created_at.astimezone(datetime.UTC),
        processingStatus=ProcessingStatus(feed.processing_status),
        processingStartTime=_utc(feed.processing_start_time),
        processingEndTime=_utc(feed.processing_end_time),
        resultFeedDocumentId=(
            feed.result_document.document_id if feed.result_document is not None else None
        ),
    )


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    # In UTC, times are rendered in ISO 8601 with a Z, as SP-API writes them.
    return moment.astimezone(datetime.UTC) if moment is not None else None


# getFeeds: filters, and a keyset page token that carries them


@dataclass(frozen=True)
class _Listing:
    feed_types: list[str]
    marketplace_ids: list[str]
    statuses: list[str]
    created_since: datetime.datetime
    created_until: datetime.datetime
    page_size: int
    # The last feed of the previous page: (created_at, pk).
    after: tuple[datetime.datetime, int] | None = None


def _listing_from_query(query: GetFeedsQuery) -> _Listing:
    feed_types = _values(query.feedTypes, name="feedTypes")
    if not feed_types:
        raise InvalidInput(
            "feedTypes is required unless nextToken is given.", code="feed_types_required"
        )
    statuses = _values(query.processingStatuses, name="processingStatuses")
    unknown = sorted(set(statuses) - set(ProcessingStatus))
    if unknown:
        raise InvalidInput(
            f"Unknown processingStatuses: {', '.join(unknown)}.", code="invalid_processing_status"
        )
    now = timezone.now()
    created_until = _aware(query.createdUntil) or now
    created_since = _aware(query.createdSince) or created_until - DEFAULT_LOOKBACK
    if created_since > created_until:
        raise InvalidInput("createdSince is after createdUntil.", code="invalid_date_range")
    return _Listing(
        feed_types=feed_types,
        marketplace_ids=_values(query.marketplaceIds, name="marketplaceIds"),
        statuses=statuses,
        created_since=created_since,
        created_until=created_until,
        page_size=query.pageSize or DEFAULT_PAGE_SIZE,
    )


def _values(raw: list[str] | None, *, name: str) -> list[str]:
    """SP-API sends lists comma-separated; some clients repeat the parameter instead."""
    values = [value.strip() for item in raw or [] for value in item.split(",") if value.strip()]
    if len(values) > FILTER_MAX_VALUES:
        raise InvalidInput(
            f"{name} takes at most {FILTER_MAX_VALUES} values.", code="too_many_values"
        )
    return values


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return moment.replace(tzinfo=datetime.UTC)


def _feeds_after(*, seller: Seller, listing: _Listing) -> QuerySet[FeedModel]:
    feeds = feeds_recent(seller=seller).filter(
        feed_type__in=listing.feed_types,
        created_at__gte=listing.created_since,
        created_at__lte=listing.created_until,
    )
    if listing.statuses:
        feeds = feeds.filter(processing_status__in=listing.statuses)
    # A seller sells on one marketplace and createFeed accepts only that one, so every feed of
    # the seller is for it: the filter keeps all of them or none (and JSON containment is not
    # available on SQLite).
    if listing.marketplace_ids and seller.marketplace_id not in listing.marketplace_ids:
        feeds = feeds.none()
    if listing.after is not None:
        created_at, pk = listing.after
        feeds = feeds.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    return feeds


def _next_token(*, seller: Seller, listing: _Listing, last: FeedModel) -> str:
    return signing.dumps(
        {
            "seller": seller.pk,
            "feedTypes": listing.feed_types,
            "marketplaceIds": listing.marketplace_ids,
            "statuses": listing.statuses,
            "since": listing.created_since.isoformat(),
            "until": listing.created_until.isoformat(),
            "pageSize": listing.page_size,
            "after": [last.created_at.isoformat(), last.pk],
        },
        salt=PAGE_CURSOR_SALT,
        compress=True,
    )


def _listing_from_token(*, seller: Seller, token: str) -> _Listing:
    try:
        state = signing.loads(token, salt=PAGE_CURSOR_SALT)
        if state["seller"] != seller.pk:
            raise ValueError("another seller's token")
        after_time, after_pk = state["after"]
        return _Listing(
            feed_types=list(state["feedTypes"]),
            marketplace_ids=list(state["marketplaceIds"]),
            statuses=list(state["statuses"]),
            created_since=datetime.datetime.fromisoformat(state["since"]),
            created_until=datetime.datetime.fromisoformat(state["until"]),
            page_size=int(state["pageSize"]),
            after=(datetime.datetime.fromisoformat(after_time), int(after_pk)),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidInput("nextToken is not valid.", code="invalid_next_token") from error
