"""What the Selling Partner API routers share in reading a request: the seller of the access
token, list parameters, times, marketplaces, and the page tokens of their listings."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from pydantic import AfterValidator

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ErrorCode, InvalidInput
from sellerdesk.core.pages import (
    EARLIEST,
    LATEST,
    PageTokenInvalid,
    Position,
    page_token_decode,
    page_token_encode,
)


def request_seller(request: HttpRequest) -> Seller:
    """The seller of the access token: every lookup of the request is scoped to it."""
    seller: Seller = request.auth  # type: ignore[attr-defined]
    return seller


def list_values(raw: list[str] | None, *, name: str, limit: int) -> list[str]:
    """SP-API sends lists comma-separated; some clients repeat the parameter instead."""
    values = [value.strip() for item in raw or [] for value in item.split(",") if value.strip()]
    if len(values) > limit:
        raise InvalidInput(f"{name} takes at most {limit} values.", code=ErrorCode.TOO_MANY_VALUES)
    return values


def check_marketplaces(seller: Seller, marketplace_ids: list[str]) -> None:
    if not marketplace_ids:
        raise InvalidInput("MarketplaceIds is required.", code=ErrorCode.MARKETPLACE_IDS_REQUIRED)
    for marketplace_id in marketplace_ids:
        if marketplace_id != seller.marketplace_id:
            raise InvalidInput(
                f"Marketplace {marketplace_id} is not the seller's.",
                code=ErrorCode.INVALID_MARKETPLACE,
            )


def _utc_moment(moment: datetime.datetime) -> datetime.datetime:
    # A time without a zone is UTC, as SP-API reads it. The range is what a page token holds:
    # beyond it, converting to UTC or stepping back a quarter would overflow.
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(
            f"must be from {EARLIEST.date().isoformat()} to {LATEST.date().isoformat()} (UTC)"
        )
    return moment.astimezone(datetime.UTC)


# A date-time parameter, in UTC.
Moment = Annotated[datetime.datetime, AfterValidator(_utc_moment)]


def next_token(*, kind: str, seller: Seller, listing: object, after: Position | None) -> str | None:
    """The token of the page that starts after `after`; none after the last page."""
    if after is None:
        return None
    return page_token_encode(kind=kind, seller_id=seller.pk, listing=listing, after=after)


def next_token_read[L](
    token: str, *, name: str, kind: str, seller: Seller, listing: type[L]
) -> tuple[L, Position]:
    """The listing and position that a token of this list and seller carries; a 400 for any
    other token, which says no more than that it is not valid."""
    try:
        return page_token_decode(token, kind=kind, seller_id=seller.pk, listing=listing)
    except PageTokenInvalid as error:
        raise invalid_next_token(name) from error


def invalid_next_token(name: str) -> InvalidInput:
    return InvalidInput(f"{name} is not valid.", code=ErrorCode.INVALID_NEXT_TOKEN)
