from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.ids import CURRENCY_SE, MARKETPLACE_SE
from sellerdesk.core.money import money_field


class OrderStatus(models.TextChoices):
    PENDING = "Pending", _("Pending")
    UNSHIPPED = "Unshipped", _("Unshipped")
    PARTIALLY_SHIPPED = "PartiallyShipped", _("Partially shipped")
    SHIPPED = "Shipped", _("Shipped")
    CANCELED = "Canceled", _("Canceled")


class Order(models.Model):
    """A seller-fulfilled order. `status` is derived from the items' quantities (see status.py)
    and stored so that the order list can filter and sort on an index."""

    amazon_order_id = models.CharField(_("order ID"), max_length=19, unique=True)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="orders")
    marketplace_id = models.CharField(max_length=14, default=MARKETPLACE_SE)
    currency = models.CharField(max_length=3, default=CURRENCY_SE)
    status = models.CharField(_("status"), max_length=16, choices=OrderStatus.choices)
    payment_authorized = models.BooleanField(default=True)
    purchase_date = models.DateTimeField(_("purchase date"))
    latest_ship_date = models.DateTimeField(_("ship by"))
    last_update_date = models.DateTimeField(auto_now=True)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_email = models.EmailField(max_length=254)
    buyer_language = models.CharField(max_length=2, default="sv")
    ship_city = models.CharField(max_length=100, blank=True)
    # The seller's own reference, recorded by an acknowledgement (MerchantOrderID).
    seller_order_id = models.CharField(max_length=100, blank=True)
    order_total = money_field(_("order total"))
    # The buyer asked the marketplace to cancel (IsBuyerRequestedCancel), and why.
    buyer_cancel_requested_at = models.DateTimeField(null=True, blank=True)
    buyer_cancel_reason = models.CharField(max_length=100, blank=True, db_default="")
    # A seller-initiated cancellation (whole or items) that counts in the cancellation rate:
    # not one the buyer requested and the seller cancelled with BuyerCanceled, nor the buyer's
    # own. Set in the cancellation's transaction, never unset.
    rate_cancelled = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "-purchase_date", "-id"], name="order_seller_recent"),
            models.Index(
                fields=["seller", "status", "-purchase_date", "-id"], name="order_seller_status"
            ),
            # Manage Orders sorted by ship-by date, alone and with a status tab; the second also
            # counts the late orders (open statuses, ship-by date passed) from the index alone.
            models.Index(fields=["seller", "latest_ship_date", "id"], name="order_seller_ship_by"),
            models.Index(
                fields=["seller", "status", "latest_ship_date", "id"],
                name="order_seller_status_ship_by",
            ),
            # getOrders polls by LastUpdatedAfter.
            models.Index(fields=["seller", "last_update_date", "id"], name="order_seller_updated"),
            # The cancellation rate and the customer metrics count an interval of these. With
            # rate_cancelled in it, a count never reads the table (SQLite checks a condition
            # given as a parameter on the row, not from the index's own condition).
            models.Index(
                fields=["seller", "purchase_date", "rate_cancelled"],
                condition=models.Q(rate_cancelled=True),
                name="order_rate_cancelled_counts",
            ),
            # Manage Orders' "Buyer requested cancellation" filter, alone and with a status tab.
            # Requests are few: without these, a page of them walks the seller's orders (or all
            # of a status) to the end, 270 ms at a million orders on SQLite.
            models.Index(
                fields=["seller", "-purchase_date", "-id"],
                condition=models.Q(buyer_cancel_requested_at__isnull=False),
                name="order_seller_buyer_requested",
            ),
            models.Index(
                fields=["seller", "status", "-purchase_date", "-id"],
                condition=models.Q(buyer_cancel_requested_at__isnull=False),
                name="order_seller_status_requested",
            ),
            # The same filter sorted by ship-by date.
            models.Index(
                fields=["seller", "latest_ship_date", "id"],
                condition=models.Q(buyer_cancel_requested_at__isnull=False),
                name="order_ship_by_requested",
            ),
            models.Index(
                fields=["seller", "status", "latest_ship_date", "id"],
                condition=models.Q(buyer_cancel_requested_at__isnull=False),
                name="order_status_ship_by_requested",
            ),
        ]

    def __str__(self) -> str:
        return self.amazon_order_id


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    order_item_id = models.CharField(max_length=14, unique=True)
    listing = models.ForeignKey("catalog.Listing", on_delete=models.PROTECT, related_name="+")
    seller_sku = models.CharField("SKU", max_length=40)
    title = models.CharField(max_length=500)
    quantity_ordered = models.PositiveIntegerField()
    quantity_shipped = models.PositiveIntegerField(default=0)
    quantity_cancelled = models.PositiveIntegerField(default=0)
    item_price = money_field()  # total for the quantity ordered
    shipping_price = money_field(default=0)
    item_tax = money_field(default=0)
    shipping_tax = money_field(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    quantity_ordered__gte=models.F("quantity_shipped")
                    + models.F("quantity_cancelled")
                ),
                name="item_shipped_and_cancelled_within_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_ordered__gt=0), name="item_ordered_positive"
            ),
        ]
        # With the order: the search's candidates by SKU are read from the index alone.
        indexes = [models.Index(fields=["seller_sku", "order"], name="item_sku_order")]

    def __str__(self) -> str:
        return self.order_item_id

    @property
    def quantity_unshipped(self) -> int:
        return self.quantity_ordered - self.quantity_shipped - self.quantity_cancelled


class OrderEvent(models.Model):
    """Append-only timeline of an order: every change, and every email to the buyer."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Order placed")
        SHIPMENT_CONFIRMED = "shipment_confirmed", _("Shipment confirmed")
        CHARGED = "charged", _("Buyer charged")
        CANCELLED = "cancelled", _("Order cancelled")
        BUYER_CANCEL_REQUESTED = "buyer_cancel_requested", _("Buyer requested cancellation")
        REFUNDED = "refunded", _("Refund issued")
        ACKNOWLEDGED = "acknowledged", _("Order acknowledged")
        EMAIL_SENT = "email_sent", _("Email sent to buyer")
        EMAIL_FAILED = "email_failed", _("Email delivery failed")

    class Source(models.TextChoices):
        WEB = "web", _("Seller Desk")
        BULK = "bulk", _("Bulk selection")
        FILE = "file", _("Uploaded file")
        FEED = "feed", _("Feed")
        API = "api", _("API")
        MARKETPLACE = "marketplace", _("Marketplace")
        BUYER = "buyer", _("Buyer")
        SYSTEM = "system", _("System")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    # The order's seller, kept on the event so that a seller's activity is read from an index
    # of its own rather than through every order.
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=40, blank=True)
    memo = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The developer application that made the change (through the API or a feed it sent).
    application = models.ForeignKey(
        "accounts.DeveloperApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The file or feed whose message made the change: the timeline names its kind.
    feed = models.ForeignKey(
        "feeds.Feed", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["order", "created_at"], name="event_order_time"),
            models.Index(fields=["seller", "-created_at", "-id"], name="event_seller_recent"),
            models.Index(
                fields=["actor", "-created_at", "-id"],
                condition=models.Q(actor__isnull=False),
                name="event_actor_recent",
            ),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def kind_name(self) -> str:
        """The event's name on the timeline. A cancellation that leaves the order open names
        the items it cancelled: it did not cancel the order."""
        if self.kind == self.Kind.CANCELLED and not self.data.get("whole_order", True):
            lines = ", ".join(f"{line['sku']} × {line['quantity']}" for line in self.data["items"])
            return str(_("Items cancelled: %(items)s")) % {"items": lines}
        return str(self.get_kind_display())
