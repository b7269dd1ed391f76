"""The signed-in user's Security page: two-step sign-in and the sessions signed in.

Recovery codes are rendered once, in the response to the POST that made them; that page and
the setup page (which shows the secret) are never cached."""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sellerdesk.accounts.models import User
from sellerdesk.accounts.selectors import signed_in_session_list
from sellerdesk.accounts.sessions import signed_in_session_end, signed_in_sessions_end_others
from sellerdesk.accounts.two_step import (
    recovery_codes_left,
    recovery_codes_regenerate,
    totp_config_url,
    totp_key_new,
    totp_key_text,
    two_step_disable,
    two_step_enable,
    two_step_enabled,
    two_step_required,
)
from sellerdesk.core.errors import ApplicationError
from sellerdesk.web.account_forms import CodeForm

# The secret being set up lives in the session until a code confirms it.
_SETUP_KEY = "two_step_setup_key"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    enabled = two_step_enabled(user)
    context = {
        "enabled": enabled,
        "required": two_step_required(user),
        "codes_left": recovery_codes_left(user) if enabled else 0,
        "sessions": signed_in_session_list(user=user),
        "current_key": request.session.session_key,
        "form": CodeForm(),
    }
    return render(request, "web/account/security.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_step_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if two_step_enabled(user):
        messages.info(request, _("Two-step sign-in is already on."))
        return redirect("account:security")
    key = request.session.get(_SETUP_KEY)
    if not isinstance(key, str):
        key = request.session[_SETUP_KEY] = totp_key_new()
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_step_enable(user=user, key=key, code=form.cleaned_data["code"])
        except ApplicationError as error:
            form.add_error("code", error.message)
        else:
            del request.session[_SETUP_KEY]
            return _recovery_codes_page(request, codes, first=True)
    response = render(
        request,
        "web/account/two_step_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(totp_config_url(user=user, key=key)),
            "secret": totp_key_text(key),
            "required": two_step_required(user),
        },
        status=422 if form.is_bound and form.errors else 200,
    )
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = recovery_codes_regenerate(user=_user(request), code=form.cleaned_data["code"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return _recovery_codes_page(request, codes, first=False)
    else:
        messages.error(request, _("Enter a code to make new recovery codes."))
    return redirect("account:security")


@login_required
@require_POST
def two_step_off(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            two_step_disable(user=_user(request), code=form.cleaned_data["code"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Two-step sign-in is off."))
    else:
        messages.error(request, _("Enter a code to turn two-step sign-in off."))
    return redirect("account:security")


@login_required
@require_POST
def session_sign_out(request: HttpRequest, session_id: int) -> HttpResponse:
    if signed_in_session_end(
        user=_user(request), session_id=session_id, current_key=request.session.session_key
    ):
        messages.success(request, _("That session is signed out."))
    else:
        messages.error(request, _("That session was not found; it may be signed out already."))
    return redirect("account:security")


@login_required
@require_POST
def sessions_sign_out_others(request: HttpRequest) -> HttpResponse:
    ended = signed_in_sessions_end_others(
        user=_user(request), current_key=request.session.session_key
    )
    messages.success(request, _("Other sessions signed out: %(count)d.") % {"count": ended})
    return redirect("account:security")


def _recovery_codes_page(request: HttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    response = render(request, "web/account/recovery_codes.html", {"codes": codes, "first": first})
    add_never_cache_headers(response)
    return response


def _qr_svg(data: str) -> str:
    """The QR code as inline SVG: drawn here, nothing fetched from anywhere."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (our own drawing)
