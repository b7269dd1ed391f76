"""What the Feeds and Reports APIs share: the processing statuses, the compression of documents,
times in UTC, and the listing of getFeeds and getReports (types, statuses, marketplaces,
a creation time frame, a page size, and the nextToken that carries them to the next page)."""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from ninja import Field, Schema

from sellerdesk.accounts.models import Seller
from sellerdesk.api.params import Moment, list_values, next_token_read
from sellerdesk.core.errors import ErrorCode, InvalidInput
from sellerdesk.core.listings import ProcessingFilter
from sellerdesk.core.pages import EARLIEST, Position

DEFAULT_PAGE_SIZE = 10
FILTER_MAX_VALUES = 10
# Listed back this far unless createdSince says otherwise, as on SP-API.
DEFAULT_LOOKBACK = datetime.timedelta(days=90)


class ProcessingStatus(StrEnum):
    CANCELLED = "CANCELLED"
    DONE = "DONE"
    FATAL = "FATAL"
    IN_PROGRESS = "IN_PROGRESS"
    IN_QUEUE = "IN_QUEUE"


class CompressionAlgorithm(StrEnum):
    GZIP = "GZIP"


def utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    # In UTC, times are rendered in ISO 8601 with a Z, as SP-API writes them.
    return moment.astimezone(datetime.UTC) if moment is not None else None


class ProcessingListQuery(Schema):
    """getFeeds' and getReports' parameters but the types, which each names its own way."""

    marketplaceIds: list[str] | None = Field(None, description="Comma-separated or repeated.")
    pageSize: int | None = Field(None, ge=1, le=100, description="1 to 100; 10 by default.")
    processingStatuses: list[str] | None = Field(None, description="Comma-separated or repeated.")
    createdSince: Moment | None = Field(None, description="90 days ago by default.")
    createdUntil: Moment | None = Field(None, description="Now by default.")
    nextToken: str | None = Field(
        None, description="From the previous page; when given, it is the only parameter."
    )


@dataclass(frozen=True)
class Listing:
    """The filters, and the page size that a nextToken carries along with them."""

    filters: ProcessingFilter
    page_size: int


@dataclass(frozen=True)
class TypesParameter:
    """How a list names its types parameter, and the kind of list its tokens are of."""

    name: str  # feedTypes, reportTypes
    required_code: ErrorCode
    list_kind: str  # a token of another list is not valid here


def listing_read(
    query: ProcessingListQuery,
    types: list[str] | None,
    *,
    parameter: TypesParameter,
    seller: Seller,
) -> tuple[Listing, Position | None]:
    """The listing and the position to page from: the query's, or its nextToken's."""
    if query.nextToken is not None:
        if query.model_dump(exclude_none=True).keys() != {"nextToken"}:
            raise InvalidInput(
                "nextToken must be the only parameter.", code=ErrorCode.NEXT_TOKEN_WITH_FILTERS
            )
        return next_token_read(
            query.nextToken,
            name="nextToken",
            kind=parameter.list_kind,
            seller=seller,
            listing=Listing,
        )
    return _listing(query, types, parameter=parameter), None


def _listing(
    query: ProcessingListQuery, raw_types: list[str] | None, *, parameter: TypesParameter
) -> Listing:
    types = list_values(raw_types, name=parameter.name, limit=FILTER_MAX_VALUES)
    if not types:
        raise InvalidInput(
            f"{parameter.name} is required unless nextToken is given.",
            code=parameter.required_code,
        )
    statuses = list_values(
        query.processingStatuses, name="processingStatuses", limit=FILTER_MAX_VALUES
    )
    unknown = sorted(set(statuses) - set(ProcessingStatus))
    if unknown:
        raise InvalidInput(
            f"Unknown processingStatuses: {', '.join(unknown)}.",
            code=ErrorCode.INVALID_PROCESSING_STATUS,
        )
    created_until = query.createdUntil or timezone.now()
    # A quarter back by default, but never from before the times that a token holds.
    lookback_from = max(created_until, EARLIEST + DEFAULT_LOOKBACK)
    created_since = query.createdSince or lookback_from - DEFAULT_LOOKBACK
    if created_since > created_until:
        raise InvalidInput("createdSince is after createdUntil.", code=ErrorCode.INVALID_DATE_RANGE)
    filters = ProcessingFilter(
        types=tuple(types),
        created_since=created_since,
        created_until=created_until,
        statuses=tuple(statuses),
        marketplace_ids=tuple(
            list_values(query.marketplaceIds, name="marketplaceIds", limit=FILTER_MAX_VALUES)
        ),
    )
    return Listing(filters=filters, page_size=query.pageSize or DEFAULT_PAGE_SIZE)
