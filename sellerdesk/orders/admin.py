from django.contrib import admin

from sellerdesk.core.admin import ReadOnlyAdmin
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent, OrderItem
from sellerdesk.refunds.models import Charge, ChargedItem


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = (
        "order_item_id",
        "seller_sku",
        "title",
        "quantity_ordered",
        "quantity_shipped",
        "quantity_cancelled",
        "item_price",
    )
    readonly_fields = fields


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "source", "actor", "reason", "memo")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "amazon_order_id",
        "seller",
        "status",
        "purchase_date",
        "buyer_name",
        "order_total",
    ]
    list_filter = ["status", "seller"]
    search_fields = ["amazon_order_id", "buyer_name"]
    show_full_result_count = False
    inlines = [OrderItemInline, OrderEventInline]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to_address", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["order__amazon_order_id", "to_address"]
    raw_id_fields = ["order", "event", "seller"]


class ChargedItemInline(admin.TabularInline):
    model = ChargedItem
    extra = 0
    can_delete = False
    fields = ("order_item", "quantity", "principal", "shipping", "tax", "shipping_tax")
    readonly_fields = fields


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ["order", "amount", "currency", "created_at"]
    raw_id_fields = ["order", "event"]
    inlines = [ChargedItemInline]
