"""The seller's Developer applications pages: register, rotate the secret, revoke."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.accounts.credentials import (
    InvalidClient,
    access_token_application,
    access_token_grant,
    application_register,
    application_revoke,
)
from sellerdesk.accounts.models import AccessToken, DeveloperApplication
from tests.factories import make_user


def shown(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert match is not None, f"#{element_id} is not on the page"
    return match.group(1)


def grant(application: DeveloperApplication, secret: str, refresh_token: str) -> str:
    token, _ = access_token_grant(
        client_id=application.client_id, client_secret=secret, refresh_token=refresh_token
    )
    return token


@pytest.fixture
def english_client(seller) -> Client:
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def test_pages_require_a_signed_in_seller(seller, db):
    application, _, _ = application_register(
        seller=seller, name="Lager", created_by=make_user(seller)
    )
    operator = Client()
    operator.force_login(make_user(None))
    urls = [
        reverse("developer:applications"),
        reverse("developer:register"),
        reverse("developer:rotate_secret", args=[application.pk]),
        reverse("developer:revoke", args=[application.pk]),
    ]

    for url in urls:
        anonymous = Client().get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/login/?next=")
        assert operator.get(url).status_code == 403


def test_registering_shows_the_credentials_once(seller, english_client):
    response = english_client.post(reverse("developer:register"), {"name": "  Lagersystemet "})

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "they are shown only this once" in html
    application = DeveloperApplication.objects.get()
    assert (application.seller, application.name) == (seller, "Lagersystemet")
    client_id = shown(html, "client-id")
    secret = shown(html, "client-secret")
    refresh_token = shown(html, "refresh-token")
    assert client_id == application.client_id
    assert access_token_application(grant(application, secret, refresh_token)) == application
    listing = english_client.get(reverse("developer:applications")).content.decode()
    assert client_id in listing
    assert secret not in listing and refresh_token not in listing
    assert "http://testserver/auth/o2/token" in listing


def test_registering_without_a_name_is_refused(seller, english_client):
    response = english_client.post(reverse("developer:register"), {"name": "   "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not DeveloperApplication.objects.exists()


def test_the_list_shows_only_the_sellers_own_applications(seller, other_seller, english_client):
    mine, _, _ = application_register(
        seller=seller, name="Mitt lager", created_by=make_user(seller)
    )
    theirs, _, _ = application_register(
        seller=other_seller, name="Deras lager", created_by=make_user(other_seller)
    )

    html = english_client.get(reverse("developer:applications")).content.decode()

    assert re.findall(r'data-client-id="([^"]+)"', html) == [mine.client_id]
    assert theirs.client_id not in html and "Deras lager" not in html


def test_rotating_asks_first_then_shows_the_new_secret_once(seller, english_client):
    application, old_secret, refresh_token = application_register(
        seller=seller, name="Lager", created_by=make_user(seller)
    )
    issued = grant(application, old_secret, refresh_token)
    url = reverse("developer:rotate_secret", args=[application.pk])

    confirmation = english_client.get(url)
    response = english_client.post(url)

    assert "The current secret stops working at once" in confirmation.content.decode()
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new_secret = shown(html, "client-secret")
    assert 'id="refresh-token"' not in html
    assert new_secret != old_secret
    with pytest.raises(InvalidClient):
        grant(application, old_secret, refresh_token)
    assert access_token_application(grant(application, new_secret, refresh_token)) == application
    assert access_token_application(issued) == application


def test_revoking_asks_first_then_cuts_the_application_off(seller, english_client):
    application, secret, refresh_token = application_register(
        seller=seller, name="Lager", created_by=make_user(seller)
    )
    issued = grant(application, secret, refresh_token)
    url = reverse("developer:revoke", args=[application.pk])

    confirmation = english_client.get(url)
    application.refresh_from_db()
    assert application.revoked_at is None
    response = english_client.post(url)

    assert "This cannot be undone" in confirmation.content.decode()
    assert (response.status_code, response["Location"]) == (302, "/developer/")
    listing = english_client.get("/developer/").content.decode()
    assert "Application Lager was revoked; its credentials no longer work." in listing
    assert "Revoked" in listing
    assert reverse("developer:rotate_secret", args=[application.pk]) not in listing
    application.refresh_from_db()
    assert application.revoked_at is not None
    assert access_token_application(issued) is None
    assert not AccessToken.objects.exists()


def test_a_revoked_application_cannot_be_rotated_or_revoked_again(seller, english_client):
    application, _, _ = application_register(
        seller=seller, name="Lager", created_by=make_user(seller)
    )
    application_revoke(seller=seller, application_id=application.pk)
    application.refresh_from_db()
    revoked_at, secret_hash = application.revoked_at, application.client_secret_hash

    rotate = english_client.post(
        reverse("developer:rotate_secret", args=[application.pk]), follow=True
    )
    revoke = english_client.post(reverse("developer:revoke", args=[application.pk]), follow=True)

    assert "This application is revoked; its secret cannot be rotated." in rotate.content.decode()
    assert "This application was revoked already." in revoke.content.decode()
    application.refresh_from_db()
    assert (application.revoked_at, application.client_secret_hash) == (revoked_at, secret_hash)
    assert application.secret_rotated_at is None


def test_another_sellers_application_is_not_found(seller, other_seller, english_client):
    theirs, _, _ = application_register(
        seller=other_seller, name="Deras", created_by=make_user(other_seller)
    )

    for name in ("developer:rotate_secret", "developer:revoke"):
        url = reverse(name, args=[theirs.pk])
        assert english_client.get(url).status_code == 404
        assert english_client.post(url).status_code == 404

    theirs.refresh_from_db()
    assert (theirs.revoked_at, theirs.secret_rotated_at) == (None, None)
