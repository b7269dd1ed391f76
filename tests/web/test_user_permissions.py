"""User permissions: invitations (once, 7 days, signed, for one seller), permissions by area,
removal, the last administrator, raising one's own levels, cross-site requests, the menu, the
password reset; and that a feed and a developer application act only with their user's levels."""

import re
import time
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.accounts.models import Invitation, Seller, User
from sellerdesk.accounts.permissions import EVERYTHING, Area, Level, user_levels
from sellerdesk.feeds.codes import FileProblem
from sellerdesk.feeds.models import Feed
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import OrderStatus
from tests.api.conftest import access_token, register
from tests.factories import PASSWORD, make_listing, make_order, make_user

NEW_PASSWORD = "a-long-new-password-2026"
LINK = re.compile(r"http://testserver(/invitation/[^/\s]+/)")
READ_ONLY = {
    **dict.fromkeys(Area.values, Level.VIEW),
    Area.USERS: Level.NONE,
    Area.DEVELOPER: Level.NONE,
}


def can_sign_in(*, username: str, password: str) -> bool:
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def signed_in(user: User, *, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


@pytest.fixture
def admin(seller: Seller) -> User:
    return make_user(seller, language="sv", email="admin@nordiskhem.example")


def invite(client: Client, email: str, **levels: int) -> Any:
    data = {"email": email, "language": "en", **dict.fromkeys(Area.values, Level.NONE)}
    return client.post(reverse("users:invite"), {**data, **levels})


def invitation_path(email: str) -> str:
    sent = OutboundEmail.objects.get(kind=OutboundEmail.Kind.INVITATION, to_address=email)
    match = LINK.search(sent.body_text)
    assert match is not None
    return match[1]


def accept(client: Client, path: str, username: str = "nyanstalld") -> Any:
    return client.post(
        path, {"username": username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )


def test_an_invited_user_accepts_once_and_gets_the_levels_given(seller, admin):
    # Given an administrator who invites someone to view orders and ship
    response = invite(signed_in(admin), "ny@example.com", orders=Level.EDIT, metrics=Level.VIEW)
    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.INVITATION)
    assert (email.seller, email.to_address, email.language) == (seller, "ny@example.com", "en")
    assert email.subject == "You are invited to Nordisk Hem AB in Seller Desk"

    # When the invited person opens the link and chooses a username and password
    path = invitation_path("ny@example.com")
    assert Client().get(path).status_code == 200
    response = accept(Client(), path)

    # Then the user exists, of the seller, with exactly those levels, and can sign in
    assert response.status_code == 302
    user = User.objects.get(username="nyanstalld")
    assert (user.seller, user.email, user.language) == (seller, "ny@example.com", "en")
    assert user_levels(user) == {
        **dict.fromkeys(Area.values, Level.NONE),
        Area.ORDERS: Level.EDIT,
        Area.METRICS: Level.VIEW,
    }
    assert can_sign_in(username="nyanstalld", password=NEW_PASSWORD)
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at is not None

    # And the link works once: a second acceptance is refused and creates nobody
    again = accept(Client(), path, username="andra")
    assert again.status_code == 400
    assert "har redan använts eller dragits tillbaka" in again.content.decode()
    assert not User.objects.filter(username="andra").exists()


def test_an_expired_invitation_is_refused(seller, admin):
    # Given an invitation sent now
    invite(signed_in(admin), "ny@example.com", orders=Level.VIEW)
    path = invitation_path("ny@example.com")

    # When it is used 7 days and a second later
    later = time.time() + 7 * 24 * 3600 + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = accept(Client(), path)

    # Then it is refused as expired, and nobody was created
    assert response.status_code == 400
    assert "har gått ut" in response.content.decode()
    assert User.objects.filter(seller=seller).count() == 1
    assert Invitation.objects.get().accepted_at is None


def test_a_tampered_invitation_is_refused(seller, admin):
    # Given an invitation
    invite(signed_in(admin), "ny@example.com", orders=Level.VIEW)
    path = invitation_path("ny@example.com")

    # When its token is changed by one character, or made up
    token = path.split("/")[2]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    responses = [accept(Client(), f"/invitation/{changed}/"), accept(Client(), "/invitation/x/")]

    # Then both are refused, and nobody was created
    assert [response.status_code for response in responses] == [400, 400]
    assert all("inte giltig" in response.content.decode() for response in responses)
    assert User.objects.filter(seller=seller).count() == 1


def test_an_email_of_another_sellers_user_cannot_be_invited(seller, other_seller, admin):
    # Given a user of another seller
    make_user(other_seller, email="fjall@example.com")

    # When the administrator invites that address
    response = invite(signed_in(admin), "FJALL@example.com", orders=Level.VIEW)

    # Then it is refused, saying why, and nothing was made or sent
    assert response.status_code == 422
    assert "tillhör en användare hos en annan säljare" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_an_invitation_is_refused_once_its_email_joined_another_seller(seller, other_seller, admin):
    # Given an invitation, and then a user of another seller with that address
    invite(signed_in(admin), "ny@example.com", orders=Level.VIEW)
    path = invitation_path("ny@example.com")
    make_user(other_seller, email="ny@example.com")

    # When it is accepted
    response = accept(Client(), path)

    # Then it is refused, and nobody was created
    assert response.status_code == 422
    assert "tillhör en användare hos en annan säljare" in response.content.decode()
    assert not User.objects.filter(username="nyanstalld").exists()


def test_a_user_of_seller_a_cannot_use_an_invitation_of_seller_b(seller, other_seller, admin):
    # Given an invitation of seller B, and a user of seller A signed in
    invite(signed_in(admin), "ny@example.com", orders=Level.VIEW)
    path = invitation_path("ny@example.com")
    of_a = make_user(other_seller, levels=READ_ONLY)

    # When that user accepts it
    response = accept(signed_in(of_a), path)

    # Then it is refused; nobody was created and the user of A is as they were
    assert response.status_code == 422
    assert "en inbjudan är till en ny användare" in response.content.decode()
    assert not User.objects.filter(username="nyanstalld").exists()
    of_a.refresh_from_db()
    assert of_a.seller == other_seller
    assert Invitation.objects.get().accepted_at is None


def test_nobody_grants_more_than_their_own_levels(seller):
    # Given an administrator who may only view orders
    limited = make_user(seller, levels={**EVERYTHING, Area.ORDERS: Level.VIEW})

    # When they invite someone to edit orders
    response = invite(signed_in(limited), "ny@example.com", orders=Level.EDIT)

    # Then it is refused
    assert response.status_code == 422
    assert "mer än dina egna behörigheter" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_user_cannot_raise_their_own_levels(seller, admin):
    # Given an administrator with orders at View only, besides another administrator
    limited = make_user(seller, levels={**EVERYTHING, Area.ORDERS: Level.VIEW})
    levels = {**EVERYTHING, Area.ORDERS: Level.EDIT}

    # When they give themselves View and edit in orders
    response = signed_in(limited).post(reverse("users:edit", args=[limited.pk]), levels)

    # Then it is refused, and their levels are as they were
    assert response.status_code == 422
    assert "höja dina egna behörigheter" in response.content.decode()
    assert user_levels(limited)[Area.ORDERS] == Level.VIEW


def test_the_last_administrator_cannot_be_removed_or_downgraded(seller, admin):
    # Given the seller's only administrator, and a read-only user
    reader = make_user(seller, levels=READ_ONLY)
    client = signed_in(admin)

    # When the administrator removes themselves, or takes away their own User permissions
    removed = client.post(reverse("users:remove", args=[admin.pk]), follow=True)
    downgraded = client.post(
        reverse("users:edit", args=[admin.pk]), {**EVERYTHING, Area.USERS: Level.VIEW}
    )

    # Then both are refused, saying why, and nothing changed
    assert "sista administratör" in removed.content.decode()
    assert downgraded.status_code == 422
    assert "sista administratör" in downgraded.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and user_levels(admin) == EVERYTHING
    assert reader.is_active


def test_a_second_administrator_can_be_removed_and_their_sessions_end(seller, admin):
    # Given a second administrator, signed in
    second = make_user(seller)
    their_client = signed_in(second)
    assert their_client.get(reverse("orders:manage")).status_code == 200

    # When the first removes them
    response = signed_in(admin).post(reverse("users:remove", args=[second.pk]))

    # Then they are inactive, kept, and their very next request is signed out
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.is_active is False
    after = their_client.get(reverse("orders:manage"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    assert not can_sign_in(username=second.username, password=PASSWORD)


def test_every_new_form_refuses_a_cross_site_request(seller, admin):
    # Given an administrator's browser that enforces CSRF, and a user and an invitation
    other = make_user(seller)
    invite(signed_in(admin), "ny@example.com", orders=Level.VIEW)
    invitation = Invitation.objects.get()
    path = invitation_path("ny@example.com")
    client = signed_in(admin, enforce_csrf_checks=True)
    levels = dict.fromkeys(Area.values, Level.NONE)

    # When each form is posted without the CSRF token
    statuses = [
        client.post(reverse("users:invite"), {"email": "x@example.com", **levels}).status_code,
        client.post(reverse("users:edit", args=[other.pk]), levels).status_code,
        client.post(reverse("users:remove", args=[other.pk])).status_code,
        client.post(reverse("users:revoke_invitation", args=[invitation.pk])).status_code,
        Client(enforce_csrf_checks=True)
        .post(path, {"username": "x", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        .status_code,
        Client(enforce_csrf_checks=True)
        .post(reverse("password_reset"), {"email": admin.email})
        .status_code,
    ]

    # Then each is refused, and nothing changed
    assert statuses == [403] * 6
    other.refresh_from_db()
    assert other.is_active and user_levels(other) == EVERYTHING
    invitation.refresh_from_db()
    assert invitation.revoked_at is None and invitation.accepted_at is None
    assert Invitation.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_a_withdrawn_invitation_no_longer_works(seller, admin):
    # Given an invitation, withdrawn
    invite(signed_in(admin), "ny@example.com", orders=Level.VIEW)
    path = invitation_path("ny@example.com")
    signed_in(admin).post(reverse("users:revoke_invitation", args=[Invitation.objects.get().pk]))

    # When it is accepted
    response = accept(Client(), path)

    # Then it is refused
    assert response.status_code == 400
    assert not User.objects.filter(username="nyanstalld").exists()


def test_the_menu_shows_only_the_areas_the_user_may_view(seller):
    # Given a read-only user, and a warehouse user who may not cancel
    reader = make_user(seller, language="en", levels=READ_ONLY)
    warehouse = make_user(
        seller,
        language="en",
        levels={Area.ORDERS: Level.EDIT, Area.INVENTORY: Level.VIEW},
    )
    order = make_order(seller, (make_listing(seller), 1))

    # When each opens Manage Orders
    read = signed_in(reader).get(reverse("orders:manage")).content.decode()
    ship = signed_in(warehouse).get(reverse("orders:manage")).content.decode()

    # Then each menu has only their areas, and the actions only what they may do
    assert "User permissions" not in read and "Developer applications" not in read
    assert "Upload order files" not in read and "File status and history" in read
    assert "Cancel order" not in read and "Confirm shipment" not in read
    assert "Customer metrics" not in ship and "File status and history" not in ship
    assert "Inventory" in ship
    assert "Cancel order" not in ship and "Cancel selected" not in ship
    assert reverse("orders:ship", args=[order.amazon_order_id]) in ship


def test_a_refusal_is_the_translated_403_page_saying_what_is_missing(seller):
    # Given a Swedish read-only user
    reader = make_user(seller, language="sv", levels=READ_ONLY)
    order = make_order(seller, (make_listing(seller), 1))

    # When they open the cancel page of an order
    response = signed_in(reader).get(reverse("orders:cancel", args=[order.amazon_order_id]))

    # Then it is the site's 403 page, in Swedish, naming the permission needed
    body = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Åtkomst nekad</h1>" in body
    assert (
        "Du behöver behörigheten ”Visa och redigera” för Annulleringar och återbetalningar." in body
    )


@pytest.mark.django_db(transaction=True)
def test_a_feed_whose_submitter_lost_the_permission_applies_nothing(seller, admin):
    # Given a cancellation file uploaded by a user who may cancel
    order = make_order(seller, (make_listing(seller), 1))
    clerk = make_user(seller)
    content = f"order-id\tcancellation-reason-code\n{order.amazon_order_id}\tNoInventory\n"
    from sellerdesk.feeds.services import feed_submit

    with mock.patch("sellerdesk.feeds.services.enqueue_on_commit"):
        feed = feed_submit(
            seller=seller,
            feed_type="POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
            chunks=[content.encode()],
            content_type="text/tab-separated-values",
            filename="cancel.txt",
            source=Feed.Source.UPLOAD,
            created_by=clerk,
        )

    # When the clerk loses Cancellations before a worker runs it
    signed_in(admin).post(
        reverse("users:edit", args=[clerk.pk]), {**EVERYTHING, Area.CANCELLATIONS: Level.VIEW}
    )
    from sellerdesk.feeds.processing import feed_process

    feed_process(feed_pk=feed.pk)

    # Then the feed ends FATAL saying why, and the order is not cancelled
    feed.refresh_from_db()
    assert feed.processing_status == Feed.Status.FATAL
    assert feed.fatal_code == FileProblem.PERMISSION_WITHDRAWN
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED


def test_an_upload_needs_edit_in_what_the_file_changes(seller):
    # Given a user who may upload files but not cancel
    clerk = make_user(seller, levels={**EVERYTHING, Area.CANCELLATIONS: Level.VIEW})
    order = make_order(seller, (make_listing(seller), 1))
    content = f"order-id\tcancellation-reason-code\n{order.amazon_order_id}\tNoInventory\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    # When they upload an Order Cancellation file
    response = signed_in(clerk).post(
        reverse("feeds:upload"),
        {"file_type": "cancellation", "file": SimpleUploadedFile("c.txt", content.encode())},
    )

    # Then it is refused, and no feed was made
    assert response.status_code == 422
    assert not Feed.objects.exists()


def test_a_developer_application_loses_its_creators_permissions(seller, admin):
    # Given an application registered by a user who may view orders
    creator = make_user(seller)
    token = access_token(register(seller, created_by=creator))
    client = Client(headers={"x-amz-access-token": token})
    orders = "/orders/v0/orders?MarketplaceIds=A2NODRKZP88ZB9&CreatedAfter=2020-01-01T00:00:00Z"
    assert client.get(orders).status_code == 200

    # When the creator is removed
    signed_in(admin).post(reverse("users:remove", args=[creator.pk]))

    # Then the application is refused with SP-API's 403
    response = client.get(orders)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"


def test_a_password_is_reset_through_the_emailed_link(seller, admin):
    # When the administrator asks for a new password by their email address
    response = Client().post(reverse("password_reset"), {"email": admin.email})

    # Then an email with a link is queued through the outbox, in their language
    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.PASSWORD_RESET)
    assert (email.to_address, email.language) == (admin.email, "sv")
    match = re.search(r"http://testserver(/password-reset/\S+/\S+/)", email.body_text)
    assert match is not None

    # And the link sets a new password, once
    client = Client()
    form = client.get(match[1], follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert can_sign_in(username=admin.username, password=NEW_PASSWORD)
    assert "inte giltig" in Client().get(match[1], follow=True).content.decode()
