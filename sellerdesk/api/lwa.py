"""Login with Amazon, as Seller Desk speaks it: the token endpoint (POST /auth/o2/token, where
integrations exchange a refresh token for an access token) and the check of that access token on
Selling Partner API requests."""

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from ninja.security import APIKeyHeader

from sellerdesk.accounts.acting import acting_application_set
from sellerdesk.accounts.credentials import (
    InvalidClient,
    InvalidGrant,
    access_token_application,
    access_token_grant,
)
from sellerdesk.accounts.models import Seller

GRANT_PARAMETERS = ("refresh_token", "client_id", "client_secret")
# Grantless operations (SP-API's Notifications destinations) take a token of the
# client_credentials grant with this scope.
GRANTLESS_SCOPES = {"sellingpartnerapi::notifications"}


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    data = _parameters(request)
    if data is None:
        return _error("invalid_request", "The request body is not valid")
    grant_type = data.get("grant_type", "")
    if not grant_type:
        return _error("invalid_request", "The request is missing a required parameter : grant_type")
    if grant_type not in {"refresh_token", "client_credentials"}:
        return _error(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        )
    required = (
        GRANT_PARAMETERS if grant_type == "refresh_token" else ("scope", *GRANT_PARAMETERS[1:])
    )
    for name in required:
        if not data.get(name):
            return _error(
                "invalid_request", f"The request is missing a required parameter : {name}"
            )
    if grant_type == "client_credentials" and data["scope"] not in GRANTLESS_SCOPES:
        return _error("invalid_scope", "The request has an invalid parameter : scope")
    try:
        access_token, expires_in = access_token_grant(
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            refresh_token=data["refresh_token"] if grant_type == "refresh_token" else None,
        )
    except (InvalidClient, InvalidGrant) as error:
        return _error(error.code, error.message)
    answer: dict[str, object] = {
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
    }
    if grant_type == "refresh_token":
        answer["refresh_token"] = data["refresh_token"]
    return _no_store(JsonResponse(answer))


def _parameters(request: HttpRequest) -> dict[str, str] | None:
    """Form-encoded as LWA documents it; a JSON object is accepted too, as LWA does."""
    if request.content_type == "application/json":
        try:
            body: Any = json.loads(request.body or b"{}")
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        return {key: value for key, value in body.items() if isinstance(value, str)}
    return {key: request.POST.get(key, "") for key in ("grant_type", "scope", *GRANT_PARAMETERS)}


def _error(error: str, description: str) -> JsonResponse:
    return _no_store(JsonResponse({"error": error, "error_description": description}, status=400))


def _no_store(response: JsonResponse) -> JsonResponse:
    # RFC 6749 5.1: responses that carry tokens must not be cached.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


class SellingPartnerAccessToken(APIKeyHeader):
    """The access token of the exchange above, sent as SP-API clients send it. The request's
    auth is the seller it acts for; its `developer_application` is the application that the
    token was issued to, whose usage plans the request counts against."""

    param_name = "x-amz-access-token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Seller | None:
        application = access_token_application(key) if key else None
        if application is None:
            return None
        request.developer_application = application  # type: ignore[attr-defined]
        acting_application_set(application.pk)
        return application.seller
