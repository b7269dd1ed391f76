"""Developer applications: the credentials a seller's integration uses for the Selling Partner API.

A client secret or refresh token is rendered once, in the response to the POST that issued it, and
never stored in plain text; that page is never cached."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sellerdesk.accounts.credentials import (
    NAME_MAX_LENGTH,
    application_get,
    application_list,
    application_register,
    application_revoke,
    application_rotate_secret,
)
from sellerdesk.accounts.models import DeveloperApplication, Seller
from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.core.errors import ApplicationError


class ApplicationForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Application name"),
        max_length=NAME_MAX_LENGTH,
        help_text=gettext_lazy("For you to tell your integrations apart, e.g. “Warehouse system”."),
    )


def _seller(request: HttpRequest) -> Seller:
    # permission_required lets in only a seller's staff, so there is a seller.
    seller: Seller = request.user.seller  # type: ignore[union-attr,assignment]
    return seller


@permission_required(Area.DEVELOPER, Level.VIEW)
def applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/developer/applications.html",
        {"applications": application_list(seller=_seller(request)), **_endpoints(request)},
    )


@permission_required(Area.DEVELOPER, Level.EDIT)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application, client_secret, refresh_token = application_register(
                seller=_seller(request),
                name=form.cleaned_data["name"],
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            form.add_error("name", error.message)
        else:
            return _credentials_page(
                request,
                application=application,
                client_secret=client_secret,
                refresh_token=refresh_token,
            )
    return render(
        request,
        "web/developer/register.html",
        {"form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.DEVELOPER, Level.EDIT)
@require_http_methods(["GET", "POST"])
def rotate_secret(request: HttpRequest, application_id: int) -> HttpResponse:
    application = application_get(seller=_seller(request), application_id=application_id)
    if request.method == "POST":
        try:
            application, client_secret = application_rotate_secret(
                seller=_seller(request), application_id=application_id
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("developer:applications")
        return _credentials_page(request, application=application, client_secret=client_secret)
    return render(request, "web/developer/rotate_secret.html", {"application": application})


@permission_required(Area.DEVELOPER, Level.EDIT)
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, application_id: int) -> HttpResponse:
    application = application_get(seller=_seller(request), application_id=application_id)
    if request.method == "POST":
        try:
            application_revoke(seller=_seller(request), application_id=application_id)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Application %(name)s was revoked; its credentials no longer work.")
                % {"name": application.name},
            )
        return redirect("developer:applications")
    return render(request, "web/developer/revoke.html", {"application": application})


def _credentials_page(
    request: HttpRequest,
    *,
    application: DeveloperApplication,
    client_secret: str,
    refresh_token: str = "",
) -> HttpResponse:
    response = render(
        request,
        "web/developer/credentials.html",
        {
            "application": application,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            **_endpoints(request),
        },
    )
    add_never_cache_headers(response)
    return response


def _endpoints(request: HttpRequest) -> dict[str, Any]:
    return {
        "token_url": request.build_absolute_uri(reverse("lwa_token")),
        "api_base_url": request.build_absolute_uri("/").rstrip("/"),
    }
