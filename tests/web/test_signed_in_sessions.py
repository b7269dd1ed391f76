"""The user's signed-in sessions: listed on the Security page, signed out one by one or all
others at once, and all of them by user_sessions_end."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sellerdesk.accounts.models import SignedInSession, User
from sellerdesk.accounts.sessions import user_sessions_end
from tests.factories import PASSWORD, make_user


def sign_in(user: User, agent: str) -> Client:
    """A browser that signed in through the sign-in page."""
    client = Client(headers={"user-agent": agent}, REMOTE_ADDR="192.0.2.7")
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def lands_on_sign_in(client: Client) -> bool:
    response = client.get(reverse("orders:manage"))
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def row_of(user: User, agent: str) -> SignedInSession:
    return SignedInSession.objects.get(user=user, user_agent=agent)


def test_the_security_page_lists_the_sessions_with_the_current_one_marked(seller_user):
    # Given a user signed in on a laptop and a phone
    laptop = sign_in(seller_user, "Laptop Firefox")
    sign_in(seller_user, "Phone Safari")

    # When the laptop opens the Security page
    page = laptop.get(reverse("account:security")).content.decode()

    # Then both are listed with address and times, the laptop as this session
    rows = re.findall(r'<tr data-session="(\d+)">(.*?)</tr>', page, re.S)
    assert len(rows) == 2
    laptop_row = next(row for _, row in rows if "Laptop Firefox" in row)
    phone_row = next(row for _, row in rows if "Phone Safari" in row)
    assert "192.0.2.7" in laptop_row and "Den här sessionen" in laptop_row
    assert "Den här sessionen" not in phone_row and "Logga ut" in phone_row


def test_signing_out_another_session_sends_that_browser_to_the_sign_in(seller_user):
    # Given a user signed in on a laptop and a phone
    laptop = sign_in(seller_user, "Laptop Firefox")
    phone = sign_in(seller_user, "Phone Safari")
    phone_row = row_of(seller_user, "Phone Safari")

    # When the laptop signs the phone out
    response = laptop.post(reverse("account:session_sign_out", args=[phone_row.pk]), follow=True)

    # Then the phone's next request goes to the sign-in; the laptop stays signed in
    assert "Den sessionen är utloggad." in response.content.decode()
    assert lands_on_sign_in(phone)
    assert not Session.objects.filter(session_key=phone_row.session_id).exists()
    assert list(SignedInSession.objects.values_list("user_agent", flat=True)) == ["Laptop Firefox"]
    assert laptop.get(reverse("orders:manage")).status_code == 200


def test_sign_out_all_others_keeps_only_the_current_session(seller_user):
    laptop = sign_in(seller_user, "Laptop Firefox")
    phone = sign_in(seller_user, "Phone Safari")
    tablet = sign_in(seller_user, "Tablet Chrome")

    response = laptop.post(reverse("account:sessions_sign_out_others"), follow=True)

    assert "Andra sessioner utloggade: 2." in response.content.decode()
    assert lands_on_sign_in(phone) and lands_on_sign_in(tablet)
    assert laptop.get(reverse("orders:manage")).status_code == 200


def test_another_users_session_cannot_be_signed_out(seller, seller_user):
    # Given another user of the same seller, signed in
    other = make_user(seller)
    theirs = sign_in(other, "Their browser")
    mine = sign_in(seller_user, "My browser")

    # When the user names the other user's session, one that does not exist, or the user's
    # own current one
    for session_id in (
        row_of(other, "Their browser").pk,
        9223372036854775807,
        row_of(seller_user, "My browser").pk,
    ):
        response = mine.post(reverse("account:session_sign_out", args=[session_id]), follow=True)

        # Then it is not found, and nothing is signed out
        assert "Sessionen hittades inte" in response.content.decode()
    assert theirs.get(reverse("orders:manage")).status_code == 200
    assert mine.get(reverse("orders:manage")).status_code == 200
    assert SignedInSession.objects.count() == 2


def test_user_sessions_end_signs_the_user_out_everywhere(seller, seller_user):
    laptop = sign_in(seller_user, "Laptop Firefox")
    phone = sign_in(seller_user, "Phone Safari")
    colleague = sign_in(make_user(seller), "Colleague")

    ended = user_sessions_end(seller_user)

    assert ended == 2
    assert lands_on_sign_in(laptop) and lands_on_sign_in(phone)
    assert colleague.get(reverse("orders:manage")).status_code == 200


def test_signing_out_removes_the_session_from_the_list(seller_user):
    laptop = sign_in(seller_user, "Laptop Firefox")

    laptop.post(reverse("logout"))

    assert SignedInSession.objects.count() == 0
    assert Session.objects.count() == 0


def test_last_seen_is_written_at_most_once_a_minute(seller_user):
    # Given a session seen two minutes ago
    laptop = sign_in(seller_user, "Laptop Firefox")
    two_minutes_ago = timezone.now() - timedelta(minutes=2)
    SignedInSession.objects.update(last_seen_at=two_minutes_ago)
    session = laptop.session
    session["_signed_in_seen"][1] = two_minutes_ago.timestamp()
    session.save()

    # When it makes two requests
    laptop.get(reverse("orders:manage"))
    first = SignedInSession.objects.get().last_seen_at
    laptop.get(reverse("orders:manage"))

    # Then the first wrote the time, the second (within the minute) did not
    assert first > two_minutes_ago
    assert SignedInSession.objects.get().last_seen_at == first


@pytest.mark.parametrize("name", ["account:sessions_sign_out_others", "account:session_sign_out"])
def test_signing_out_refuses_a_cross_site_request(seller_user, name):
    laptop = sign_in(seller_user, "Laptop Firefox")
    phone = sign_in(seller_user, "Phone Safari")
    args = [row_of(seller_user, "Phone Safari").pk] if name.endswith("_out") else []
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = laptop.cookies

    response = strict.post(reverse(name, args=args))

    assert response.status_code == 403
    assert SignedInSession.objects.count() == 2
    assert phone.get(reverse("orders:manage")).status_code == 200
