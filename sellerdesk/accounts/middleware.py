import functools
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sellerdesk.accounts.sessions import signed_in_session_touch
from sellerdesk.accounts.two_step import two_step_setup_required


class UserLanguageMiddleware:
    """Signed-in users see the pages in the language they chose; others get the negotiated one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Content-Language", user.language)
        return response


class SignedInSessionMiddleware:
    """Records each signed-in session where it was signed in from and when it was last seen,
    for the user's Security page (accounts/sessions.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: the request that signs in is recorded too, under its new key.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_session_touch(request)
        return response


class TwoStepSetupMiddleware:
    """A user who must sign in with two steps and has not set it up reaches only the setup
    page (and can sign out or change language) until it is done."""

    ALLOWED = ("account:two_step_setup", "logout", "set_language", "favicon")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and two_step_setup_required(user)
            and request.path_info not in _allowed_paths(self.ALLOWED)
        ):
            messages.info(request, _("Your seller requires two-step sign-in: set it up first."))
            return redirect("account:two_step_setup")
        return self.get_response(request)


@functools.cache
def _allowed_paths(names: tuple[str, ...]) -> frozenset[str]:
    """The paths of the named routes, resolved once: the URL configuration does not change
    while the process runs."""
    return frozenset(reverse(name) for name in names)
