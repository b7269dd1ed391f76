from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from sellerdesk.accounts.models import Seller, User


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["name", "merchant_token", "marketplace_id", "created_at"]
    search_fields = ["name", "merchant_token"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "seller", "language", "is_staff"]
    list_filter = ["seller", "is_staff", "language"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Seller Desk", {"fields": ("seller", "language")}))  # type: ignore[misc]
