"""API credentials in the Login with Amazon style: a seller registers a developer application and
gets a client id, a client secret and a refresh token; the integration exchanges them for an access
token that lasts an hour.

Secrets and tokens are long random strings, so a plain SHA-256 is enough to store and look them up
(a slow password hash protects guessable secrets, and these are not guessable). The plain values
exist only in the response that issues them."""

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import AccessToken, DeveloperApplication, Seller, User
from sellerdesk.core.errors import ApplicationError, ErrorCode, InvalidInput, NotFound, NothingToDo

ACCESS_TOKEN_LIFETIME = datetime.timedelta(hours=1)
NAME_MAX_LENGTH = 100


class InvalidClient(ApplicationError):
    """Unknown client id, wrong client secret, or a revoked application: one answer for all."""

    code = ErrorCode.INVALID_CLIENT
    http_status = 400


class InvalidGrant(ApplicationError):
    """The refresh token is not the application's."""

    code = ErrorCode.INVALID_GRANT
    http_status = 400


class ApplicationRevoked(ApplicationError):
    code = ErrorCode.APPLICATION_REVOKED
    http_status = 409


def _new_client_id() -> str:
    return f"amzn1.application-oa2-client.{secrets.token_hex(16)}"


def _new_client_secret() -> str:
    return f"amzn1.oa2-cs.v1.{secrets.token_hex(32)}"


def _new_refresh_token() -> str:
    return f"Atzr|{secrets.token_urlsafe(64)}"


def _new_access_token() -> str:
    return f"Atza|{secrets.token_urlsafe(64)}"


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _matches(value: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(value), stored_hash)


# Writes


def application_register(
    *, seller: Seller, name: str, created_by: User
) -> tuple[DeveloperApplication, str, str]:
    """A new application, acting with `created_by`'s permissions; returns it with its client
    secret and refresh token, shown only now."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the application a name."), code=ErrorCode.NAME_REQUIRED)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The name can be at most %(count)d characters.") % {"count": NAME_MAX_LENGTH},
            code=ErrorCode.NAME_TOO_LONG,
        )
    client_secret = _new_client_secret()
    refresh_token = _new_refresh_token()
    application = DeveloperApplication.objects.create(
        seller=seller,
        name=name,
        created_by=created_by,
        client_id=_new_client_id(),
        client_secret_hash=token_hash(client_secret),
        refresh_token_hash=token_hash(refresh_token),
    )
    return application, client_secret, refresh_token


def application_rotate_secret(
    *, seller: Seller, application_id: int
) -> tuple[DeveloperApplication, str]:
    """A new client secret; the old one stops working at once. Access tokens already issued stay
    valid until they expire (at most an hour), so a running integration is not cut off mid-job."""
    with transaction.atomic():
        application = _lock(seller=seller, application_id=application_id)
        if application.revoked_at is not None:
            raise ApplicationRevoked(
                _("This application is revoked; its secret cannot be rotated.")
            )
        client_secret = _new_client_secret()
        application.client_secret_hash = token_hash(client_secret)
        application.secret_rotated_at = timezone.now()
        application.save(update_fields=["client_secret_hash", "secret_rotated_at"])
    return application, client_secret


def application_revoke(*, seller: Seller, application_id: int) -> DeveloperApplication:
    """Revoke for good: the secret, the refresh token and every access token stop working now."""
    with transaction.atomic():
        application = _lock(seller=seller, application_id=application_id)
        if application.revoked_at is not None:
            raise NothingToDo(
                _("This application was revoked already."),
                code=ErrorCode.APPLICATION_ALREADY_REVOKED,
            )
        application.revoked_at = timezone.now()
        application.save(update_fields=["revoked_at"])
        AccessToken.objects.filter(application=application).delete()
    return application


def access_token_grant(
    *, client_id: str, client_secret: str, refresh_token: str | None
) -> tuple[str, int]:
    """Exchange the application's credentials for an access token; returns it and its lifetime
    in seconds. Without a refresh token, the grant of a grantless operation (LWA's
    client_credentials, for the Notifications API): an application acts for its one seller
    either way."""
    now = timezone.now()
    with transaction.atomic():
        # Locked so that a rotation or revocation in flight is seen before a token is issued.
        application = (
            DeveloperApplication.objects.select_for_update().filter(client_id=client_id).first()
        )
        if (
            application is None
            or application.revoked_at is not None
            or not _matches(client_secret, application.client_secret_hash)
        ):
            raise InvalidClient("Client authentication failed")
        if refresh_token is not None and not _matches(
            refresh_token, application.refresh_token_hash
        ):
            raise InvalidGrant("The request has an invalid grant parameter : refresh_token")
        access_token = _new_access_token()
        AccessToken.objects.create(
            application=application,
            token_hash=token_hash(access_token),
            expires_at=now + ACCESS_TOKEN_LIFETIME,
        )
        # Housekeeping: the application's expired tokens are of no use to anyone.
        AccessToken.objects.filter(application=application, expires_at__lte=now).delete()
    return access_token, int(ACCESS_TOKEN_LIFETIME.total_seconds())


def _lock(*, seller: Seller, application_id: int) -> DeveloperApplication:
    application = (
        DeveloperApplication.objects.select_for_update()
        .filter(seller=seller, pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound(_("Application not found."), code=ErrorCode.APPLICATION_NOT_FOUND)
    return application


# Reads


def access_token_application(token: str) -> DeveloperApplication | None:
    """The application an access token was issued to, with the seller it acts for; None when
    the token is unknown, expired or revoked."""
    if not token.startswith("Atza|"):
        return None
    access = (
        AccessToken.objects.filter(
            token_hash=token_hash(token),
            expires_at__gt=timezone.now(),
            application__revoked_at__isnull=True,
        )
        .select_related("application__seller", "application__created_by")
        .first()
    )
    return access.application if access is not None else None


def application_list(*, seller: Seller) -> QuerySet[DeveloperApplication]:
    return DeveloperApplication.objects.filter(seller=seller).order_by("-created_at", "-pk")


def application_get(*, seller: Seller, application_id: int) -> DeveloperApplication:
    application = DeveloperApplication.objects.filter(seller=seller, pk=application_id).first()
    if application is None:
        raise NotFound(_("Application not found."), code=ErrorCode.APPLICATION_NOT_FOUND)
    return application
