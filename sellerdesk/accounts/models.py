from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.ids import MARKETPLACE_SE


class Seller(models.Model):
    """A business that sells on the marketplace and fulfils its own orders."""

    merchant_token = models.CharField(_("merchant token"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=200)
    marketplace_id = models.CharField(_("marketplace"), max_length=14, default=MARKETPLACE_SE)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the seller's users were last emailed that the cancellation rate rose above the
    # target; cleared when a check finds it under the target again (metrics/alerts.py).
    rate_alert_sent_at = models.DateTimeField(null=True, blank=True)
    # The seller's users must sign in with two steps (accounts/two_step.py decides who).
    two_step_required = models.BooleanField(_("two-step sign-in required"), default=False)

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")

    def __str__(self) -> str:
        return f"{self.name} ({self.merchant_token})"


class User(AbstractUser):
    """A person who signs in: a seller's staff member, or the marketplace operator (no seller)."""

    class Language(models.TextChoices):
        SWEDISH = "sv", "Svenska"
        ENGLISH = "en", "English"

    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )


class SignedInSession(models.Model):
    """One signed-in browser of a user: Django's session row with where and when it signed in.

    It is deleted with that session row (sign-out, a key cycled at sign-in, expiry swept by
    clearsessions), so a listed session is one that can still be used."""

    session = models.OneToOneField(
        "sessions.Session", on_delete=models.CASCADE, related_name="signed_in"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in at"))
    last_seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="signedin_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"


class DeveloperApplication(models.Model):
    """A seller's integration, authorized for the seller's own data (Login with Amazon style).

    Only hashes of the client secret and the refresh token are kept: each is shown once, when it
    is issued."""

    seller = models.ForeignKey(
        Seller, on_delete=models.PROTECT, related_name="developer_applications"
    )
    name = models.CharField(_("name"), max_length=100)
    # The application acts with this user's permissions, and with none once the user has none.
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client_id = models.CharField(_("client identifier"), max_length=80, unique=True)
    client_secret_hash = models.CharField(max_length=64)
    refresh_token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("developer application")
        verbose_name_plural = _("developer applications")
        indexes = [models.Index(fields=["seller", "-created_at"], name="devapp_seller_recent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class AccessToken(models.Model):
    """A short-lived token from the token exchange; requests carry it in x-amz-access-token."""

    application = models.ForeignKey(
        DeveloperApplication, on_delete=models.CASCADE, related_name="access_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["application", "expires_at"], name="token_app_expiry")]

    def __str__(self) -> str:
        return f"access token {self.pk} until {self.expires_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An invitation to become a user of the seller, with the permissions it grants. Its link
    carries a signed token of the id and the nonce (accounts/users.py): it works once, for 7
    days, and not after it is revoked."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField(_("email address"))
    language = models.CharField(
        _("language"), max_length=2, choices=User.Language.choices, default=User.Language.SWEDISH
    )
    levels = models.JSONField(default=dict)  # area → Level
    nonce = models.CharField(max_length=32)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["seller", "-created_at"], name="invitation_seller_recent")]

    def __str__(self) -> str:
        return f"{self.email} ({self.seller_id})"


class AccountEvent(models.Model):
    """A change to who may do what for a seller, and who made it: an invitation sent, withdrawn
    or accepted, a user's permissions set, a user removed, two-step sign-in required or not.
    Append-only; the Activity page lists them with the order events."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("User invited")
        INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        PERMISSIONS_SET = "permissions_set", _("Permissions changed")
        USER_REMOVED = "user_removed", _("User removed")
        TWO_STEP_REQUIRED = "two_step_required", _("Two-step sign-in required")
        TWO_STEP_OPTIONAL = "two_step_optional", _("Two-step sign-in no longer required")

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # Who made the change (the invited user, for an accepted invitation).
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Whose permissions changed, once there is a user.
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The levels before and after, the email invited.
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "-created_at", "-id"], name="account_event_recent")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


# Defined beside the areas and levels it stores; imported here so that Django finds the model.
from sellerdesk.accounts.permissions import Permission  # noqa: E402

__all__ = [
    "AccessToken",
    "AccountEvent",
    "DeveloperApplication",
    "Invitation",
    "Permission",
    "Seller",
    "User",
]
