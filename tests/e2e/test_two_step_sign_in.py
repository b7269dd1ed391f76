"""A seller's user sets up two-step sign-in in the browser, signs out, and signs in with the
password and an authenticator code computed from the secret the page showed."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from sellerdesk.accounts.models import Seller
from tests.factories import PASSWORD, make_seller, make_user

pytestmark = pytest.mark.browser


def authenticator_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret as the page wrote it (base32 in groups)."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_required_setup_then_sign_in_with_two_steps(page: Page, live_server: LiveServer) -> None:
    # Given a seller that requires two-step sign-in, and its user who has not set it up
    seller = make_seller()
    Seller.objects.filter(pk=seller.pk).update(two_step_required=True)
    user = make_user(seller, language="sv", username="lager")

    # When the user signs in with the password
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    # Then the setup page comes first, with the QR code drawn in the page and the secret
    expect(page).to_have_url(f"{live_server.url}/account/security/two-step/")
    expect(page.get_by_role("heading", name="Ställ in tvåstegsinloggning")).to_be_visible()
    expect(page.get_by_role("img", name="QR-kod för autentiseringsappen")).to_be_visible()
    secret = page.locator("#two-step-secret").inner_text()

    # When the code the app would show is entered
    page.get_by_role("textbox", name="Kod").fill(authenticator_code(secret))
    page.get_by_role("button", name="Bekräfta och slå på").click()

    # Then two-step sign-in is on and ten recovery codes are shown
    expect(page.get_by_role("heading", name="Reservkoder")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)

    # When the user signs out and signs in again with the password
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    # Then a code is asked for, and the app's next code signs in to Manage Orders
    expect(page).to_have_url(f"{live_server.url}/login/code/")
    page.get_by_role("textbox", name="Kod").fill(authenticator_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/orders/")
    expect(page.get_by_role("heading", name="Hantera beställningar")).to_be_visible()

    # And the Security page lists this browser as the current session
    page.get_by_role("link", name="Säkerhet").click()
    expect(page.get_by_text("Du har 10 oanvända reservkoder.")).to_be_visible()
    expect(page.get_by_role("cell", name="Den här sessionen")).to_be_visible()
