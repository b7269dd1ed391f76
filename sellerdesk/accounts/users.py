"""The users of a seller: invitations, permissions and removal.

Administrators are the users with *User permissions* at View and edit. Every change locks the
seller's row first, so that two administrators who each remove the other cannot leave the
seller with none. A user is never deleted (events name them): removal sets `is_active` false,
which ends their sessions at their next request and takes every permission away, with those of
the developer applications they created.

An invitation's link carries a token signed with the site's key (a salted TimestampSigner) of
the invitation's id and a nonce stored on its row: a token that was tampered with fails the
signature, an old one the 7 days, a used or revoked one the row."""

import datetime
import secrets
from collections.abc import Callable

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import AccountEvent, Invitation, Seller, User
from sellerdesk.accounts.permissions import (
    Area,
    Level,
    Levels,
    Permission,
    PermissionRefused,
    permission_check,
    user_levels,
)
from sellerdesk.accounts.selectors import seller_user_get
from sellerdesk.accounts.sessions import user_sessions_end
from sellerdesk.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound
from sellerdesk.notifications.rendering import invitation_message
from sellerdesk.notifications.services import seller_email_queue

INVITATION_MAX_AGE = datetime.timedelta(days=7)
_SALT = "sellerdesk.accounts.invitation"


class InvitationRefused(ApplicationError):
    code = ErrorCode.INVITATION_INVALID
    http_status = 400


# Writes


def user_levels_set(*, user: User, levels: Levels) -> None:
    """Store every area's level for the user (None where `levels` names no level)."""
    Permission.objects.filter(user=user).delete()
    Permission.objects.bulk_create(
        Permission(user=user, area=area, level=levels.get(area, Level.NONE)) for area in Area.values
    )


def invitation_create(
    *,
    seller: Seller,
    actor: User,
    email: str,
    levels: Levels,
    language: str,
    link: Callable[[str], str],
) -> Invitation:
    """Invite `email` with `levels`, and queue the email with its link (`link` makes the
    absolute link of a token)."""
    email = User.objects.normalize_email(email.strip())
    levels = _valid_levels(levels)
    with transaction.atomic():
        _lock_seller(seller)
        _check_may_grant(actor=actor, levels=levels)
        _check_email_free(seller=seller, email=email)
        invitation = Invitation.objects.create(
            seller=seller,
            email=email,
            language=language if language in User.Language.values else User.Language.SWEDISH,
            levels=levels,
            nonce=secrets.token_hex(16),
            invited_by=actor,
        )
        _record(
            seller,
            AccountEvent.Kind.INVITED,
            actor=actor,
            invitation=invitation,
            data={"email": email, "levels": levels},
        )
        subject, bodies = invitation_message(
            invitation=invitation, link=link(invitation_token(invitation))
        )
        seller_email_queue(
            seller=seller,
            kind="invitation",
            to_address=email,
            language=invitation.language,
            subject=subject,
            bodies=bodies,
        )
    return invitation


def invitation_revoke(*, seller: Seller, actor: User, invitation_id: int) -> Invitation:
    with transaction.atomic():
        _lock_seller(seller)
        permission_check(user=actor, area=Area.USERS, level=Level.EDIT)
        invitation = (
            Invitation.objects.select_for_update()
            .filter(seller=seller, pk=invitation_id, accepted_at=None, revoked_at=None)
            .first()
        )
        if invitation is None:
            raise NotFound(_("Invitation not found."), code=ErrorCode.INVITATION_INVALID)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _record(
            seller,
            AccountEvent.Kind.INVITATION_WITHDRAWN,
            actor=actor,
            invitation=invitation,
            data={"email": invitation.email},
        )
    return invitation


def invitation_accept(
    *, token: str, username: str, password: str, signed_in: User | None = None
) -> User:
    """Create the invited user, with the invitation's levels; the invitation is then used."""
    with transaction.atomic():
        invitation = invitation_from_token(token, lock=True)
        _check_signed_out(signed_in=signed_in)
        _check_email_free(seller=invitation.seller, email=invitation.email)
        username = username.strip()
        if not username or User.objects.filter(username__iexact=username).exists():
            raise InvalidInput(
                _("That username is taken; choose another."), code=ErrorCode.USERNAME_TAKEN
            )
        user = User(
            username=username,
            email=invitation.email,
            seller=invitation.seller,
            language=invitation.language,
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        user_levels_set(user=user, levels=invitation.levels)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _record(
            invitation.seller,
            AccountEvent.Kind.INVITATION_ACCEPTED,
            actor=user,
            user=user,
            invitation=invitation,
            data={"email": invitation.email, "levels": invitation.levels},
        )
    return user


def user_permissions_set(*, seller: Seller, actor: User, user_id: int, levels: Levels) -> User:
    """Set a user's levels. Nobody raises their own, nobody grants more than they have, and
    the seller keeps an administrator."""
    levels = _valid_levels(levels)
    with transaction.atomic():
        _lock_seller(seller)
        permission_check(user=actor, area=Area.USERS, level=Level.EDIT)
        user = seller_user_get(seller=seller, user_id=user_id)
        current = user_levels(user)
        if user.pk == actor.pk and any(levels[area] > current[area] for area in Area.values):
            raise PermissionRefused(
                _("You cannot raise your own permissions; ask another administrator."),
                code=ErrorCode.OWN_LEVELS_RAISED,
            )
        _check_may_grant(actor=actor, levels=levels)
        if levels[Area.USERS] < Level.EDIT:
            _check_keeps_an_administrator(seller=seller, user=user)
        user_levels_set(user=user, levels=levels)
        _record(
            seller,
            AccountEvent.Kind.PERMISSIONS_SET,
            actor=actor,
            user=user,
            data={"before": {area: int(level) for area, level in current.items()}, "after": levels},
        )
    return user


def user_remove(*, seller: Seller, actor: User, user_id: int) -> User:
    """Remove a user: they can no longer sign in, their sessions end, and their developer
    applications lose every permission. The user row stays, for the events that name them."""
    with transaction.atomic():
        _lock_seller(seller)
        permission_check(user=actor, area=Area.USERS, level=Level.EDIT)
        user = seller_user_get(seller=seller, user_id=user_id)
        _check_keeps_an_administrator(seller=seller, user=user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        user_sessions_end(user)
        _record(seller, AccountEvent.Kind.USER_REMOVED, actor=actor, user=user)
    return user


def seller_two_step_require(*, seller: Seller, actor: User, required: bool) -> Seller:
    """Require two-step sign-in of every user of the seller, or no longer. Users without it
    set it up at their next page."""
    with transaction.atomic():
        _lock_seller(seller)
        permission_check(user=actor, area=Area.USERS, level=Level.EDIT)
        seller.refresh_from_db(fields=["two_step_required"])
        if seller.two_step_required != required:
            seller.two_step_required = required
            seller.save(update_fields=["two_step_required"])
            kind = (
                AccountEvent.Kind.TWO_STEP_REQUIRED
                if required
                else AccountEvent.Kind.TWO_STEP_OPTIONAL
            )
            _record(seller, kind, actor=actor)
    return seller


# Reads


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object(
        {"id": invitation.pk, "nonce": invitation.nonce}
    )


def invitation_from_token(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation of a token; InvitationRefused, saying why, for any other token."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvitationRefused(
            _("This invitation has expired: invitations work for 7 days. Ask for a new one."),
            code=ErrorCode.INVITATION_EXPIRED,
        ) from error
    except (signing.BadSignature, ValueError) as error:
        raise InvitationRefused(_("This invitation link is not valid.")) from error
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise InvitationRefused(_("This invitation link is not valid."))
    rows = Invitation.objects.select_related("seller", "invited_by")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(pk=data["id"]).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(data.get("nonce"))):
        raise InvitationRefused(_("This invitation link is not valid."))
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationRefused(
            _("This invitation has been used or withdrawn. Ask for a new one."),
            code=ErrorCode.INVITATION_USED,
        )
    return invitation


def is_last_administrator(*, seller: Seller, user: User) -> bool:
    admins = _administrators(seller)
    return admins.filter(pk=user.pk).exists() and admins.count() == 1


# Checks


def _record(
    seller: Seller,
    kind: str,
    *,
    actor: User,
    user: User | None = None,
    invitation: Invitation | None = None,
    data: dict[str, object] | None = None,
) -> None:
    AccountEvent.objects.create(
        seller=seller, kind=kind, actor=actor, user=user, invitation=invitation, data=data or {}
    )


def _lock_seller(seller: Seller) -> None:
    Seller.objects.select_for_update().filter(pk=seller.pk).first()


def _valid_levels(levels: Levels) -> dict[str, int]:
    valid: dict[str, int] = {}
    for area in Area.values:
        level = levels.get(area, Level.NONE)
        if level not in Level.values:
            raise InvalidInput(_("Choose a permission for every area."))
        valid[area] = Level(level)
    return valid


def _check_may_grant(*, actor: User, levels: Levels) -> None:
    permission_check(user=actor, area=Area.USERS, level=Level.EDIT)
    own = user_levels(actor)
    above = [Area(area).label for area in Area.values if levels[area] > own[area]]
    if above:
        raise PermissionRefused(
            _("You cannot give more than your own permissions: %(areas)s.")
            % {"areas": ", ".join(str(label) for label in above)},
            code=ErrorCode.LEVELS_ABOVE_OWN,
        )


def _check_email_free(*, seller: Seller, email: str) -> None:
    for user_seller_id in User.objects.filter(email__iexact=email).values_list(
        "seller_id", flat=True
    ):
        if user_seller_id != seller.pk:
            raise InvalidInput(
                _("%(email)s belongs to a user of another seller; a user has one seller.")
                % {"email": email},
                code=ErrorCode.EMAIL_OF_ANOTHER_SELLER,
            )
        raise InvalidInput(
            _("%(email)s is already a user of this seller.") % {"email": email},
            code=ErrorCode.EMAIL_ALREADY_A_USER,
        )


def _check_signed_out(*, signed_in: User | None) -> None:
    if signed_in is not None and signed_in.is_authenticated:
        raise InvitationRefused(
            _("You are signed in as a user of a seller; an invitation is for a new user."),
            code=ErrorCode.INVITATION_OTHER_SELLER,
        )


def _administrators(seller: Seller) -> QuerySet[User]:
    return User.objects.filter(
        seller=seller,
        is_active=True,
        permissions__area=Area.USERS,
        permissions__level=Level.EDIT,
    )


def _check_keeps_an_administrator(*, seller: Seller, user: User) -> None:
    if is_last_administrator(seller=seller, user=user):
        raise InvalidInput(
            _("%(user)s is the seller's last administrator; make another user one first.")
            % {"user": user.get_username()},
            code=ErrorCode.LAST_ADMINISTRATOR,
        )
