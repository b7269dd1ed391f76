"""The browsers a user is signed in on: recorded as they are used, and signed out from any
host (sessions are rows in the database, django.contrib.sessions' database backend).

Deleting Django's session row signs that browser out: its next request is anonymous. The
SignedInSession row goes with it (a cascade), so nothing else needs tidying."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sellerdesk.accounts.models import SignedInSession, User

# How often a session's "last seen" is written: at most once a minute per browser.
TOUCH_INTERVAL = timedelta(minutes=1)
# The session remembers which key it last recorded and when, so most requests write nothing.
_SEEN = "_signed_in_seen"
_BIGINT_MAX = 2**63 - 1


def signed_in_session_touch(request: HttpRequest) -> None:
    """Records the signed-in request's session (created at its first request after sign-in,
    its last-seen time at most once a minute)."""
    key = request.session.session_key
    if key is None:
        return
    now = timezone.now()
    seen = request.session.get(_SEEN)
    if (
        isinstance(seen, list)
        and seen[0] == key
        and now.timestamp() - seen[1] < TOUCH_INTERVAL.total_seconds()
    ):
        return
    user = request.user
    assert isinstance(user, User)
    touched = SignedInSession.objects.filter(session_id=key, user=user).update(last_seen_at=now)
    if not touched:
        try:
            with transaction.atomic():
                SignedInSession.objects.create(
                    session_id=key,
                    user=user,
                    ip_address=request.META.get("REMOTE_ADDR") or None,
                    user_agent=request.headers.get("User-Agent", "")[:300],
                    created_at=now,
                    last_seen_at=now,
                )
        except IntegrityError:
            return  # the session was signed out while this request ran
    request.session[_SEEN] = [key, now.timestamp()]


def signed_in_session_end(*, user: User, session_id: int, current_key: str | None) -> bool:
    """Signs one of the user's other sessions out; False when the user has no such other
    session (another user's is the same as none; the current one signs out by signing out)."""
    if not 0 < session_id <= _BIGINT_MAX:
        return False
    keys = (
        SignedInSession.objects.filter(pk=session_id, user=user)
        .exclude(session_id=current_key)
        .values("session_id")
    )
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    return deleted > 0


def signed_in_sessions_end_others(*, user: User, current_key: str | None) -> int:
    """Signs out every session of the user but the current one; returns how many."""
    rows = SignedInSession.objects.filter(user=user)
    if current_key is not None:
        rows = rows.exclude(session_id=current_key)
    keys = list(rows.values_list("session_id", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


def user_sessions_end(user: User) -> int:
    """Signs the user out everywhere at once (a removed user, a revoked invitation); returns
    how many sessions ended."""
    return signed_in_sessions_end_others(user=user, current_key=None)
