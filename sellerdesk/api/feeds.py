"""Selling Partner API, Feeds 2021-06-30: the same paths, bodies and errors, so that an integration
written for the marketplace's Feeds API can be pointed at Seller Desk.

Every lookup is scoped to the seller of the access token; another seller's feed or document is
the same 404 as a missing one."""

import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from sellerdesk.api.documents import download_url, is_compressed, upload_url
from sellerdesk.api.errors import ERRORS, ErrorList
from sellerdesk.api.params import next_token, request_seller
from sellerdesk.api.processing import (
    CompressionAlgorithm,
    ProcessingListQuery,
    ProcessingStatus,
    TypesParameter,
    listing_read,
    utc,
)
from sellerdesk.api.text import Matching, media_type_pattern
from sellerdesk.core.errors import ErrorCode, InvalidInput, InvalidTransition
from sellerdesk.feeds.models import Feed as FeedModel
from sellerdesk.feeds.selectors import feed_document_get, feed_get, feed_list
from sellerdesk.feeds.services import feed_cancel, feed_create, feed_document_create

router = Router(tags=["feeds"])

FEED_TYPES = TypesParameter(
    name="feedTypes", required_code=ErrorCode.FEED_TYPES_REQUIRED, list_kind="feeds.getFeeds"
)

# Schemas carry SP-API's model names, so the two OpenAPI documents read alike.


# What the feed types are uploaded as: XML, tab-separated text, spreadsheets, or bytes unnamed.
FEED_MEDIA_TYPES = [
    "text/xml",
    "application/xml",
    "text/tab-separated-values",
    "text/tsv",  # not registered, but what some clients send for tab-separated text
    "text/plain",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
]
# The download of the document answers with this content type: a header, so one line of ASCII.
FeedMediaType = Annotated[
    str,
    Matching(
        media_type_pattern(FEED_MEDIA_TYPES),
        message=f"must be one of {', '.join(FEED_MEDIA_TYPES)}, with optional parameters such as"
        " '; charset=UTF-8'",
    ),
]
# getFeeds takes feed types comma-separated or repeated. A name of SP-API's shape that Seller Desk
# does not process (POST_PRODUCT_DATA) lists no feeds; anything else is no feed type at all.
_FEED_TYPE_NAME = "[A-Z][A-Z0-9_]*"
FeedTypeNames = Annotated[
    str,
    Matching(
        f"{_FEED_TYPE_NAME}(?:,{_FEED_TYPE_NAME})*",
        message="must be feed types (capital letters, digits and _) separated by commas",
    ),
]


class CreateFeedDocumentSpecification(Schema):
    contentType: FeedMediaType = Field(
        max_length=200,
        description=f"One of {', '.join(FEED_MEDIA_TYPES)} (type and subtype in any case), with"
        " optional parameters: text/tab-separated-values; charset=UTF-8.",
    )


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


class GetFeedsQuery(ProcessingListQuery):
    feedTypes: list[FeedTypeNames] | None = Field(
        None,
        description="Required unless nextToken is given. Comma-separated or repeated:"
        " POST_ORDER_ACKNOWLEDGEMENT_DATA,POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA.",
    )


@router.post(
    "/documents",
    response={201: CreateFeedDocumentResponse, **ERRORS},
    operation_id="createFeedDocument",
    summary="Create a feed document and get a URL to upload its contents to",
)
def create_feed_document(request: HttpRequest, body: CreateFeedDocumentSpecification) -> Status:
    document = feed_document_create(seller=request_seller(request), content_type=body.contentType)
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
        seller=request_seller(request),
        feed_type=body.feedType,
        input_document_id=body.inputFeedDocumentId,
        marketplace_ids=body.marketplaceIds,
        dry_run=_dry_run(body.feedOptions or {}),
        created_by=request.developer_application.created_by,  # type: ignore[attr-defined]
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
    seller = request_seller(request)
    listing, after = listing_read(query, query.feedTypes, parameter=FEED_TYPES, seller=seller)
    page = feed_list(
        seller=seller, filters=listing.filters, after=after, page_size=listing.page_size
    )
    return GetFeedsResponse(
        feeds=[_feed_out(feed) for feed in page.rows],
        nextToken=next_token(
            kind=FEED_TYPES.list_kind, seller=seller, listing=listing, after=page.next_after
        ),
    )


@router.get(
    "/feeds/{feedId}",
    response={200: Feed, **ERRORS, 404: ErrorList},
    operation_id="getFeed",
    summary="One feed's processing status and result document",
    exclude_none=True,
)
def get_feed(request: HttpRequest, feedId: str) -> Feed:
    return _feed_out(feed_get(seller=request_seller(request), feed_id=feedId))


@router.delete(
    "/feeds/{feedId}",
    response={200: None, **ERRORS, 404: ErrorList},
    operation_id="cancelFeed",
    summary="Cancel a feed that is still in queue",
)
def cancel_feed(request: HttpRequest, feedId: str) -> HttpResponse:
    try:
        feed_cancel(seller=request_seller(request), feed_id=feedId)
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
    document = feed_document_get(seller=request_seller(request), document_id=feedDocumentId)
    return FeedDocument(
        feedDocumentId=document.document_id,
        url=download_url(request, document),
        compressionAlgorithm=CompressionAlgorithm.GZIP if is_compressed(document) else None,
    )


def _dry_run(options: dict[str, str]) -> bool:
    value = options.get("dryRun", "false").strip().lower()
    if value not in {"true", "false"}:
        raise InvalidInput(
            'feedOptions.dryRun must be "true" or "false".', code=ErrorCode.INVALID_DRY_RUN
        )
    return value == "true"


def _feed_out(feed: FeedModel) -> Feed:
    return Feed(
        feedId=feed.feed_id,
        feedType=feed.feed_type,
        marketplaceIds=list(feed.marketplace_ids),
        createdTime=feed.created_at.astimezone(datetime.UTC),
        processingStatus=ProcessingStatus(feed.processing_status),
        processingStartTime=utc(feed.processing_start_time),
        processingEndTime=utc(feed.processing_end_time),
        resultFeedDocumentId=(
            feed.result_document.document_id if feed.result_document is not None else None
        ),
    )
