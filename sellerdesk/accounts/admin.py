from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sellerdesk.accounts.models import DeveloperApplication, Seller, User
from sellerdesk.core.admin import ReadOnlyAdmin


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["name", "merchant_token", "marketplace_id", "two_step_required", "created_at"]
    list_filter = ["two_step_required"]
    search_fields = ["name", "merchant_token"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "seller", "language", "is_staff"]
    list_filter = ["seller", "is_staff", "language"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Seller Desk", {"fields": ("seller", "language")}))  # type: ignore[misc]


@admin.register(DeveloperApplication)
class DeveloperApplicationAdmin(ReadOnlyAdmin):
    """Sellers register, rotate and revoke their applications themselves; secrets are hashes."""

    list_display = ["name", "seller", "client_id", "created_at", "revoked_at"]
    list_filter = ["seller"]
    search_fields = ["name", "client_id"]
    exclude = ["client_secret_hash", "refresh_token_hash"]
