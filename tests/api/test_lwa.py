"""The token exchange at POST /auth/o2/token, as Login with Amazon answers it."""

import datetime
import hashlib
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sellerdesk.accounts.credentials import (
    access_token_application,
    application_revoke,
    application_rotate_secret,
)
from sellerdesk.accounts.models import AccessToken, DeveloperApplication
from tests.api.conftest import Credentials, register

URL = "/auth/o2/token"


def exchange(credentials: Credentials, **changes: str | None) -> Any:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": credentials.refresh_token,
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
    } | changes
    return Client().post(URL, {key: value for key, value in form.items() if value is not None})


def test_registration_issues_credentials_in_the_marketplace_formats(seller):
    credentials = register(seller)

    application = DeveloperApplication.objects.get()
    assert re.fullmatch(r"amzn1\.application-oa2-client\.[0-9a-f]{32}", credentials.client_id)
    assert re.fullmatch(r"amzn1\.oa2-cs\.v1\.[0-9a-f]{64}", credentials.client_secret)
    assert re.fullmatch(r"Atzr\|[A-Za-z0-9_-]{80,}", credentials.refresh_token)
    # Only hashes are stored.
    assert (
        application.client_secret_hash
        == hashlib.sha256(credentials.client_secret.encode()).hexdigest()
    )
    assert (
        application.refresh_token_hash
        == hashlib.sha256(credentials.refresh_token.encode()).hexdigest()
    )
    assert credentials.client_secret not in repr(list(DeveloperApplication.objects.values()))


def test_exchange_returns_an_hour_long_access_token(credentials, seller):
    response = exchange(credentials)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body.keys() == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert re.fullmatch(r"Atza\|[A-Za-z0-9_-]{80,}", body["access_token"])
    assert (body["token_type"], body["expires_in"], body["refresh_token"]) == (
        "bearer",
        3600,
        credentials.refresh_token,
    )
    stored = AccessToken.objects.get()
    assert stored.token_hash == hashlib.sha256(body["access_token"].encode()).hexdigest()
    assert stored.application == credentials.application
    lifetime = stored.expires_at - timezone.now()
    assert datetime.timedelta(minutes=59) < lifetime <= datetime.timedelta(hours=1)
    assert access_token_application(body["access_token"]) == credentials.application


def test_client_credentials_give_a_grantless_token_that_acts_for_the_application(credentials):
    # Given an application's client id and secret, without its refresh token
    # When it asks for a token of the grantless scope, as SP-API clients do for destinations
    response = exchange(
        credentials,
        grant_type="client_credentials",
        scope="sellingpartnerapi::notifications",
        refresh_token=None,
    )

    # Then it gets an hour-long access token of the application, with no refresh token
    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"access_token", "token_type", "expires_in"}
    assert (body["token_type"], body["expires_in"]) == ("bearer", 3600)
    assert access_token_application(body["access_token"]) == credentials.application


def test_exchange_accepts_a_json_body_too(credentials):
    response = Client().post(
        URL,
        json.dumps(
            {
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret,
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


@pytest.mark.parametrize(
    ("changes", "error", "description"),
    [
        (
            {"client_secret": "amzn1.oa2-cs.v1.wrong"},
            "invalid_client",
            "Client authentication failed",
        ),
        (
            {"client_id": "amzn1.application-oa2-client.00000000000000000000000000000000"},
            "invalid_client",
            "Client authentication failed",
        ),
        (
            {"refresh_token": "Atzr|not-this-one"},
            "invalid_grant",
            "The request has an invalid grant parameter : refresh_token",
        ),
        (
            {"grant_type": "authorization_code"},
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        ),
        (
            {"grant_type": "client_credentials"},
            "invalid_request",
            "The request is missing a required parameter : scope",
        ),
        (
            {"grant_type": "client_credentials", "scope": "sellingpartnerapi::migration"},
            "invalid_scope",
            "The request has an invalid parameter : scope",
        ),
        (
            {
                "grant_type": "client_credentials",
                "scope": "sellingpartnerapi::notifications",
                "client_secret": "amzn1.oa2-cs.v1.wrong",
            },
            "invalid_client",
            "Client authentication failed",
        ),
        (
            {"grant_type": None},
            "invalid_request",
            "The request is missing a required parameter : grant_type",
        ),
        (
            {"client_secret": None},
            "invalid_request",
            "The request is missing a required parameter : client_secret",
        ),
        (
            {"refresh_token": ""},
            "invalid_request",
            "The request is missing a required parameter : refresh_token",
        ),
    ],
)
def test_exchange_errors_are_lwa_errors(credentials, changes, error, description):
    response = exchange(credentials, **changes)

    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}
    assert not AccessToken.objects.exists()


def test_another_applications_refresh_token_is_an_invalid_grant(credentials, seller):
    other = register(seller, "Bokföringen")

    response = exchange(credentials, refresh_token=other.refresh_token)

    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_malformed_json_is_an_invalid_request(credentials):
    response = Client().post(URL, "{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "The request body is not valid",
    }


def test_only_post_is_allowed():
    assert Client().get(URL).status_code == 405


def test_rotated_secret_invalidates_the_old_secret_only(credentials, seller):
    issued_before = exchange(credentials).json()["access_token"]

    application, new_secret = application_rotate_secret(
        seller=seller, application_id=credentials.application.pk
    )

    old = exchange(credentials)
    new = exchange(credentials, client_secret=new_secret)
    assert (old.status_code, old.json()["error"]) == (400, "invalid_client")
    assert new.status_code == 200
    assert new_secret != credentials.client_secret
    assert application.secret_rotated_at is not None
    # Tokens issued before the rotation run out on their own, within the hour.
    assert access_token_application(issued_before) == application
    assert AccessToken.objects.count() == 2


def test_revoked_application_gets_no_token_and_its_tokens_stop_working(credentials, seller):
    issued = exchange(credentials).json()["access_token"]

    application_revoke(seller=seller, application_id=credentials.application.pk)

    response = exchange(credentials)
    assert (response.status_code, response.json()["error"]) == (400, "invalid_client")
    assert access_token_application(issued) is None
    assert not AccessToken.objects.exists()


def test_expired_and_unknown_tokens_act_for_nobody(credentials):
    issued = exchange(credentials).json()["access_token"]
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert access_token_application(issued) is None
    assert access_token_application("Atza|unknown") is None
    assert access_token_application(credentials.refresh_token) is None


def test_exchange_clears_the_applications_expired_tokens(credentials):
    exchange(credentials)
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    exchange(credentials)

    assert AccessToken.objects.filter(expires_at__gt=timezone.now()).count() == 1
    assert AccessToken.objects.count() == 1
