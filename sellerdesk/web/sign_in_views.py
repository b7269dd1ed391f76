"""Sign-in in two steps: the password, then, for a user with an authenticator, a code.

After a correct password such a user is not signed in: the session only remembers, for
TWO_STEP_TIMEOUT, who got past the first step. A wrong code is a failed sign-in to django-axes,
as a wrong password is, so one lockout covers both steps."""

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sellerdesk.accounts.models import User
from sellerdesk.accounts.two_step import two_step_code_check, two_step_enabled
from sellerdesk.core.errors import ApplicationError
from sellerdesk.web.account_forms import CodeForm
from sellerdesk.web.forms import LoginForm

# How long the second step may take after the password.
TWO_STEP_TIMEOUT = 300
_PENDING = "two_step_pending"


class SignInView(auth_views.LoginView):
    """The password step. A user without an authenticator is signed in at once; one with an
    authenticator goes on to the code step, not yet signed in."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if not two_step_enabled(user):
            return super().form_valid(form)
        self.request.session[_PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_code")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(_PENDING)
    if not isinstance(pending, dict) or time.time() - pending["at"] > TWO_STEP_TIMEOUT:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return None if user is None else (user, pending)


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The code step: an authenticator's code or a recovery code."""
    found = _pending_user(request)
    if found is None:
        request.session.pop(_PENDING, None)
        messages.error(request, _("Sign-in took too long or was not started. Sign in again."))
        return redirect("login")
    user, pending = found
    credentials = {"username": user.get_username()}
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, None, credentials)
        if form.is_valid():
            try:
                two_step_code_check(user=user, code=form.cleaned_data["code"])
            except ApplicationError as error:
                form.add_error("code", error.message)
            else:
                del request.session[_PENDING]
                login(request, user, backend=pending["backend"])
                return HttpResponseRedirect(_safe_next(request, pending["next"]))
        # Counted as a failed sign-in: django-axes locks the user out from this address after
        # AXES_FAILURE_LIMIT failures of either step; AxesMiddleware then answers 429.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    response = render(
        request,
        "web/login_code.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )
    add_never_cache_headers(response)
    return response


def _safe_next(request: HttpRequest, target: str) -> str:
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("orders:manage")
