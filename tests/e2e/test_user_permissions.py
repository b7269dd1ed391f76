"""An administrator invites a user in the browser; the invited user accepts and signs in; a
View-only user sees no Cancel button and is refused the cancel page."""

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.accounts.models import User
from sellerdesk.accounts.permissions import Area, Level, user_levels
from sellerdesk.notifications.models import OutboundEmail
from tests.factories import PASSWORD, make_listing, make_order, make_seller, make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lager-lösenord-2026"


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def test_an_administrator_invites_a_user_who_accepts_and_signs_in(
    page: Page, live_server: LiveServer
) -> None:
    # Given an administrator of a seller
    seller = make_seller()
    make_user(seller, username="chef", language="sv")

    # When they invite a warehouse user who may ship but not cancel
    sign_in(page, "chef")
    page.get_by_role("link", name="Användarbehörigheter").click()
    page.get_by_role("link", name="Bjud in en användare").click()
    page.get_by_label("E-postadress").fill("lager@example.com")
    page.get_by_label("Hantera beställningar").select_option(str(Level.EDIT))
    page.get_by_label("Annulleringar och återbetalningar").select_option(str(Level.NONE))
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.locator(".flash")).to_contain_text("lager@example.com")
    expect(page.locator("[data-invitation='lager@example.com']")).to_be_visible()

    # And the invited person opens the emailed link, signed out, and chooses a login
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.INVITATION)
    link = re.search(r"https?://\S+/invitation/\S+/", email.body_text)
    assert link is not None
    page.get_by_role("button", name="Logga ut").click()
    page.goto(link[0])
    page.get_by_label("Användarnamn").fill("lager")
    page.get_by_label("Lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Lösenordet igen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Skapa min användare").click()

    # Then they can sign in, with the levels they were given
    expect(page.locator(".flash")).to_contain_text("Välkommen")
    sign_in(page, "lager", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Hantera beställningar")).to_be_visible()
    user = User.objects.get(username="lager")
    assert user.seller == seller
    assert user_levels(user)[Area.ORDERS] == Level.EDIT
    assert user_levels(user)[Area.CANCELLATIONS] == Level.NONE
    expect(page.get_by_role("link", name="Användarbehörigheter")).to_have_count(0)


def test_a_view_only_user_sees_no_cancel_button_and_is_refused_the_cancel_page(
    page: Page, live_server: LiveServer
) -> None:
    # Given a user who may only view, and an unshipped order
    seller = make_seller()
    make_user(seller, username="lasare", levels=dict.fromkeys(Area.values, Level.VIEW))
    order = make_order(seller, (make_listing(seller), 1))

    # When they open Manage Orders and the order
    sign_in(page, "lasare")
    row = page.locator(f"tr[data-order-id='{order.amazon_order_id}']")
    expect(row).to_be_visible()

    # Then there is no Cancel button, nor Cancel selected, on either page
    expect(row.get_by_role("link", name="Annullera beställning")).to_have_count(0)
    expect(page.get_by_role("button", name="Annullera valda")).to_have_count(0)
    row.get_by_role("link", name=order.amazon_order_id).click()
    expect(page.get_by_role("link", name="Annullera beställning")).to_have_count(0)

    # And the cancel page's address answers with the 403 page, in Swedish
    response = page.goto(f"/orders/{order.amazon_order_id}/cancel/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Åtkomst nekad")).to_be_visible()
    expect(page.locator("[data-reason]")).to_contain_text("Annulleringar och återbetalningar")
