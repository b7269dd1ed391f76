from django.contrib import admin

from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.core.admin import ReadOnlyAdmin


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["sku", "title", "seller", "price", "quantity"]
    list_filter = ["seller"]
    search_fields = ["sku", "title"]


@admin.register(InventoryLedgerEntry)
class InventoryLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["listing", "delta", "quantity_after", "cause", "order", "feed", "created_at"]
    list_filter = ["cause"]
