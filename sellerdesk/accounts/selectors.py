"""Reads of sellers and their users."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import Invitation, Seller, SignedInSession, User
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


def seller_users(*, seller: Seller) -> QuerySet[User]:
    """The seller's users who can sign in, by username."""
    return User.objects.filter(seller=seller, is_active=True).order_by("username")


def seller_user_get(*, seller: Seller, user_id: int) -> User:
    user = seller_users(seller=seller).filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("User not found."), code=ErrorCode.USER_NOT_FOUND)
    return user


def invitations_open(*, seller: Seller) -> QuerySet[Invitation]:
    """Invitations neither accepted nor withdrawn (an expired one stays until withdrawn)."""
    return Invitation.objects.filter(seller=seller, accepted_at=None, revoked_at=None).order_by(
        "-created_at", "-pk"
    )
