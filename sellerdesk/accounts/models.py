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
