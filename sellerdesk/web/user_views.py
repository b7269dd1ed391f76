"""User permissions: the seller's users and their permissions by area, invitations, removal;
and, for someone not signed in, accepting an invitation."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.permissions import Area, Level, permission_required, user_levels
from sellerdesk.accounts.selectors import invitations_open, seller_user_get, seller_users
from sellerdesk.accounts.users import (
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    seller_two_step_require,
    user_permissions_set,
    user_remove,
)
from sellerdesk.core.errors import ApplicationError
from sellerdesk.web.user_forms import AcceptForm, InvitationForm, LevelsForm
from sellerdesk.web.views import current_seller


def _actor(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    return user


@permission_required(Area.USERS, Level.VIEW)
def users(request: HttpRequest) -> HttpResponse:
    seller: Seller = current_seller(request)
    return render(
        request,
        "web/users/list.html",
        {
            "areas": Area,
            "rows": [(user, user_levels(user)) for user in seller_users(seller=seller)],
            "invitations": invitations_open(seller=seller),
        },
    )


@permission_required(Area.USERS, Level.EDIT)
@require_http_methods(["POST"])
def two_step(request: HttpRequest) -> HttpResponse:
    """Require two-step sign-in of every user of the seller, or no longer."""
    required = request.POST.get("required") == "1"
    seller_two_step_require(
        seller=current_seller(request), actor=_actor(request), required=required
    )
    if required:
        messages.success(request, _("Every user must now sign in with two steps."))
    else:
        messages.success(request, _("Two-step sign-in is no longer required."))
    return redirect("users:list")


@permission_required(Area.USERS, Level.EDIT)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, initial={"language": _actor(request).language})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                seller=current_seller(request),
                actor=_actor(request),
                email=form.cleaned_data["email"],
                levels=form.levels(),
                language=form.cleaned_data["language"],
                link=lambda token: request.build_absolute_uri(
                    reverse("invitation_accept", args=[token])
                ),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("An invitation was emailed to %(email)s; it works for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("users:list")
    return render(
        request,
        "web/users/invite.html",
        {"form": form},
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.USERS, Level.EDIT)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, user_id: int) -> HttpResponse:
    seller: Seller = current_seller(request)
    user = seller_user_get(seller=seller, user_id=user_id)
    form = LevelsForm(request.POST or None, initial=user_levels(user))
    if request.method == "POST" and form.is_valid():
        try:
            user_permissions_set(
                seller=seller, actor=_actor(request), user_id=user.pk, levels=form.levels()
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The permissions of %(user)s were saved.") % {"user": user.get_username()},
            )
            return redirect("users:list")
    return render(
        request,
        "web/users/edit.html",
        {"form": form, "member": user},
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.USERS, Level.EDIT)
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, user_id: int) -> HttpResponse:
    seller: Seller = current_seller(request)
    user = seller_user_get(seller=seller, user_id=user_id)
    if request.method == "POST":
        try:
            user_remove(seller=seller, actor=_actor(request), user_id=user.pk)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(user)s was removed and can no longer sign in.")
                % {"user": user.get_username()},
            )
        return redirect("users:list")
    return render(request, "web/users/remove.html", {"member": user})


@permission_required(Area.USERS, Level.EDIT)
@require_http_methods(["POST"])
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = invitation_revoke(
            seller=current_seller(request), actor=_actor(request), invitation_id=invitation_id
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
        )
    return redirect("users:list")


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone with the link: the token is the credential."""
    signed_in = _actor(request) if request.user.is_authenticated else None
    try:
        invitation = invitation_from_token(token)
    except ApplicationError as error:
        return render(
            request, "web/users/accept_refused.html", {"message": error.message}, status=400
        )
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                signed_in=signed_in,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Welcome! Sign in with your new username and password."))
            return redirect("login")
    return render(
        request,
        "web/users/accept.html",
        {"form": form, "invitation": invitation, "signed_in": signed_in},
        status=422 if form.is_bound and form.errors else 200,
    )
