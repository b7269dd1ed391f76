"""Two-step sign-in: the code step after the password, its refusals and lockout, setting it up,
recovery codes, turning it off, and a seller that requires it."""

import re
import time
from binascii import unhexlify
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.two_step import totp_key_new, two_step_enable
from tests.factories import PASSWORD, make_user

WRONG_CODE = "Den koden stämmer inte, eller så har den redan använts."


def totp_code(key: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `key`, `steps_ahead` 30-second steps from now.
    A code is accepted once: the next step's code is still within the accepted window."""
    totp = TOTP(unhexlify(key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def turn_on(user: User) -> tuple[str, list[str]]:
    """Two-step sign-in on for `user`: the authenticator's key and the recovery codes."""
    key = totp_key_new()
    codes = two_step_enable(user=user, key=key, code=totp_code(key))
    return key, codes


def password_step(client: Client, user: User, next_path: str = "") -> None:
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_path}" if next_path else "")
    response = client.post(url, data)
    assert (response.status_code, response["Location"]) == (302, reverse("login_code"))


def backoff_passes(user: User) -> None:
    """The time that django-otp makes a device wait after a wrong code goes by."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for device_class in (TOTPDevice, StaticDevice):
        device_class.objects.filter(user=user).update(throttling_failure_timestamp=an_hour_ago)


def signed_in(client: Client) -> bool:
    return client.get(reverse("orders:manage")).status_code == 200


@pytest.fixture
def user_with_two_step(seller_user: User) -> tuple[User, str, list[str]]:
    key, codes = turn_on(seller_user)
    return seller_user, key, codes


def test_the_password_alone_does_not_sign_in_a_user_with_two_step(user_with_two_step):
    # Given a user with two-step sign-in on
    user, _, _ = user_with_two_step
    client = Client()

    # When only the password is given
    password_step(client, user)

    # Then the user is not signed in: pages send to the sign-in
    response = client.get(reverse("orders:manage"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "Ange koden" in client.get(reverse("login_code")).content.decode()


def test_the_authenticator_code_signs_in_and_goes_to_next(user_with_two_step):
    # Given a user past the password step, bound for the inventory
    user, key, _ = user_with_two_step
    client = Client()
    password_step(client, user, next_path=reverse("inventory:list"))

    # When the authenticator's code is given
    response = client.post(reverse("login_code"), {"code": totp_code(key, 1)})

    # Then the user is signed in and lands where the sign-in was going
    assert (response.status_code, response["Location"]) == (302, reverse("inventory:list"))
    assert signed_in(client)
    assert AccessAttempt.objects.count() == 0


def test_a_user_without_two_step_is_signed_in_by_the_password(seller_user):
    client = Client()

    response = client.post(
        reverse("login"), {"username": seller_user.username, "password": PASSWORD}
    )

    assert (response.status_code, response["Location"]) == (302, reverse("orders:manage"))
    assert signed_in(client)


def test_a_recovery_code_signs_in_once(user_with_two_step):
    # Given a user who signed in once with a recovery code, then signed out
    user, _, codes = user_with_two_step
    first = Client()
    password_step(first, user)
    used = first.post(reverse("login_code"), {"code": codes[0].upper()})
    assert used.status_code == 302 and signed_in(first)
    first.post(reverse("logout"))

    # When the same recovery code is given again
    again = Client()
    password_step(again, user)
    response = again.post(reverse("login_code"), {"code": codes[0]})

    # Then it is refused, the user is not signed in, and nine codes are left
    assert response.status_code == 422
    assert WRONG_CODE in response.content.decode()
    assert not signed_in(again)
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(user_with_two_step):
    user, _, _ = user_with_two_step
    client = Client()
    password_step(client, user)

    response = client.post(reverse("login_code"), {"code": "000000"})

    assert response.status_code == 422
    assert WRONG_CODE in response.content.decode()
    assert not signed_in(client)
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1


def test_a_right_code_during_the_backoff_is_asked_to_wait(user_with_two_step):
    # Given a user whose authenticator codes were wrong ten times in a row just now
    user, key, _ = user_with_two_step
    TOTPDevice.objects.filter(user=user).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    client = Client()
    password_step(client, user)

    # When the right code follows within django-otp's backoff (512 s after ten)
    response = client.post(reverse("login_code"), {"code": totp_code(key, 1)})

    # Then it is refused with how long to wait; once that passes the code signs in
    assert response.status_code == 422
    assert re.search(
        r"För många felaktiga koder i rad: vänta \d+ sekunder", response.content.decode()
    )
    assert not signed_in(client)
    backoff_passes(user)
    accepted = client.post(reverse("login_code"), {"code": totp_code(key, 1)})
    assert accepted.status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("code", ["", "x" * 41, "12345", "ab cd"])
def test_a_malformed_code_is_refused(user_with_two_step, code):
    user, _, _ = user_with_two_step
    client = Client()
    password_step(client, user)

    response = client.post(reverse("login_code"), {"code": code})

    assert response.status_code == 422
    assert not signed_in(client)


def test_wrong_codes_lock_the_user_out_of_both_steps(user_with_two_step, settings):
    # Given a user past the password step
    user, key, _ = user_with_two_step
    client = Client()
    password_step(client, user)

    # When five wrong codes are given
    answers = [
        client.post(reverse("login_code"), {"code": f"00000{n}"}).status_code for n in range(5)
    ]

    # Then the fifth locks the user out: the right code and the right password are refused too
    assert answers == [422, 422, 422, 422, 429]
    right_code = client.post(reverse("login_code"), {"code": totp_code(key, 1)})
    assert right_code.status_code == 429
    assert "För många försök" in right_code.content.decode()
    password = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert password.status_code == 429
    assert not signed_in(client)


def test_wrong_passwords_and_wrong_codes_add_up_to_one_lockout(user_with_two_step):
    user, _, _ = user_with_two_step
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    password_step(client, user)

    answers = [client.post(reverse("login_code"), {"code": "000000"}).status_code for _ in "ab"]

    assert answers == [422, 429]


def test_an_expired_half_sign_in_must_start_again(user_with_two_step):
    # Given a password step more than five minutes ago
    user, key, _ = user_with_two_step
    client = Client()
    password_step(client, user)
    session = client.session
    session["two_step_pending"]["at"] -= 301
    session.save()

    # When the right code is given
    response = client.post(reverse("login_code"), {"code": totp_code(key, 1)}, follow=True)

    # Then the sign-in starts again and the user is not signed in
    assert response.redirect_chain == [(reverse("login"), 302)]
    assert "Inloggningen tog för lång tid" in response.content.decode()
    assert not signed_in(client)


def test_the_code_step_without_the_password_step_goes_to_the_sign_in(user_with_two_step):
    _, key, _ = user_with_two_step
    client = Client()

    response = client.post(reverse("login_code"), {"code": totp_code(key, 1)})

    assert (response.status_code, response["Location"]) == (302, reverse("login"))
    assert not signed_in(client)


def test_setup_shows_a_qr_code_and_the_secret_and_confirms_by_a_code(seller_user):
    # Given a signed-in user without two-step sign-in
    client = Client()
    client.force_login(seller_user)

    # When the setup page is opened, a wrong code given, then the right one
    page = client.get(reverse("account:two_step_setup")).content.decode()
    secret = re.search(r'id="two-step-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None and "<svg" in page
    key = client.session["two_step_setup_key"]
    wrong = client.post(reverse("account:two_step_setup"), {"code": "000000"})
    assert wrong.status_code == 422
    assert not TOTPDevice.objects.filter(user=seller_user).exists()
    right = client.post(reverse("account:two_step_setup"), {"code": totp_code(key)})

    # Then two-step sign-in is on and ten recovery codes are shown, once
    assert right.status_code == 200
    assert right["Cache-Control"].startswith("max-age=0")
    shown = re.findall(r'<li><code class="sku">([a-z2-7]{8})</code></li>', right.content.decode())
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=seller_user).values_list("token", flat=True)
    )
    assert len(shown) == 10
    assert TOTPDevice.objects.get(user=seller_user).confirmed
    assert "two_step_setup_key" not in client.session
    security = client.get(reverse("account:security")).content.decode()
    assert "Du har 10 oanvända reservkoder." in security
    assert not any(code in security for code in shown)


def test_new_recovery_codes_replace_the_old_ones(user_with_two_step):
    user, key, old = user_with_two_step
    client = Client()
    client.force_login(user)

    refused = client.post(reverse("account:recovery_codes"), {"code": "000000"}, follow=True)
    assert WRONG_CODE in refused.content.decode()
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)
    backoff_passes(user)

    response = client.post(reverse("account:recovery_codes"), {"code": totp_code(key, 1)})

    new = re.findall(r'<li><code class="sku">([a-z2-7]{8})</code></li>', response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)


def test_turning_two_step_off_asks_for_a_code(user_with_two_step):
    user, _, codes = user_with_two_step
    client = Client()
    client.force_login(user)

    refused = client.post(reverse("account:two_step_off"), {"code": "abcdefgh"}, follow=True)
    assert WRONG_CODE in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    backoff_passes(user)

    response = client.post(reverse("account:two_step_off"), {"code": codes[1]}, follow=True)

    assert "Tvåstegsinloggning är avstängd." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    fresh = Client()
    fresh.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert signed_in(fresh)


def test_a_required_two_step_cannot_be_turned_off(user_with_two_step, seller: Seller):
    user, key, _ = user_with_two_step
    Seller.objects.filter(pk=seller.pk).update(two_step_required=True)
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("account:two_step_off"), {"code": totp_code(key, 1)}, follow=True
    )

    assert "kan inte stängas av" in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_required_setup_blocks_every_other_page_until_done(seller: Seller):
    # Given a seller that requires two-step sign-in, and its user without it
    Seller.objects.filter(pk=seller.pk).update(two_step_required=True)
    user = make_user(seller)
    client = Client()

    # When the user signs in with the password
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )

    # Then every page leads to the setup, until a code confirms it
    assert response.redirect_chain[-1] == (reverse("account:two_step_setup"), 302)
    for name in ("orders:manage", "inventory:list", "account:security", "feeds:upload"):
        blocked = client.get(reverse(name))
        assert (blocked.status_code, blocked["Location"]) == (
            302,
            reverse("account:two_step_setup"),
        )
    key = client.session["two_step_setup_key"]
    client.post(reverse("account:two_step_setup"), {"code": totp_code(key)})
    assert signed_in(client)


def test_an_operator_is_never_asked_to_set_up(db):
    operator = make_user(None)
    client = Client()
    client.force_login(operator)

    assert client.get(reverse("account:security")).status_code == 200


def test_the_admin_signs_in_through_the_site_sign_in(db):
    response = Client().get("/admin/login/?next=/admin/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/admin/")


def csrf_client(client: Client) -> Client:
    """A client that sends no CSRF token, with `client`'s cookies (its session)."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    return strict


def test_the_code_step_refuses_a_cross_site_request(user_with_two_step):
    user, key, _ = user_with_two_step
    client = Client()
    password_step(client, user)

    response = csrf_client(client).post(reverse("login_code"), {"code": totp_code(key, 1)})

    assert response.status_code == 403
    assert not signed_in(client)


@pytest.mark.parametrize("name", ["account:recovery_codes", "account:two_step_off"])
def test_two_step_changes_refuse_a_cross_site_request(user_with_two_step, name):
    user, key, codes = user_with_two_step
    client = Client()
    client.force_login(user)

    response = csrf_client(client).post(reverse(name), {"code": totp_code(key, 1)})

    assert response.status_code == 403
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_setup_refuses_a_cross_site_request(seller_user):
    client = Client()
    client.force_login(seller_user)
    client.get(reverse("account:two_step_setup"))
    key = client.session["two_step_setup_key"]

    response = csrf_client(client).post(reverse("account:two_step_setup"), {"code": totp_code(key)})

    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=seller_user).exists()
