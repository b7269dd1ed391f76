"""Reads of sellers and their users."""

from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Seller, SignedInSession, User
from sellerdesk.core.errors import ErrorCode, InvalidInput, NotFound


def seller_get(*, merchant_token: str) -> Seller:
    """The seller with this merchant token (the marketplace's SellerId)."""
    seller = Seller.objects.filter(merchant_token=merchant_token).first()
    if seller is None:
        raise NotFound(f"Seller {merchant_token} was not found.", code=ErrorCode.SELLER_NOT_FOUND)
    return seller


def seller_marketplaces(*, seller: Seller, marketplace_ids: list[str] | None) -> list[str]:
    """The marketplaces a feed or report names, the seller's own when it names none; refuses any
    other seller's."""
    marketplace_ids = marketplace_ids or [seller.marketplace_id]
    if any(marketplace != seller.marketplace_id for marketplace in marketplace_ids):
        raise InvalidInput(
            _("Marketplace %(ids)s is not the seller's.") % {"ids": ", ".join(marketplace_ids)},
            code=ErrorCode.INVALID_MARKETPLACE,
        )
    return marketplace_ids


def signed_in_session_list(*, user: User) -> list[SignedInSession]:
    """The user's signed-in sessions that can still be used, the most recently seen first."""
    return list(
        SignedInSession.objects.filter(user=user, session__expire_date__gt=timezone.now()).order_by(
            "-last_seen_at", "-pk"
        )
    )
