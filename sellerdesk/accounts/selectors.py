"""Reads of sellers and their users."""

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ErrorCode, NotFound


def seller_get(*, merchant_token: str) -> Seller:
    """The seller with this merchant token (the marketplace's SellerId)."""
    seller = Seller.objects.filter(merchant_token=merchant_token).first()
    if seller is None:
        raise NotFound(f"Seller {merchant_token} was not found.", code=ErrorCode.SELLER_NOT_FOUND)
    return seller
