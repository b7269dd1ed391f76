import hmac

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer


class MarketplaceOperatorToken(HttpBearer):
    """The marketplace's checkout calls carry the operator token as a bearer token."""

    def authenticate(self, request: HttpRequest, token: str) -> str | None:
        expected = settings.MARKETPLACE_API_TOKEN
        if expected and hmac.compare_digest(token.encode(), expected.encode()):
            return "marketplace"
        return None
