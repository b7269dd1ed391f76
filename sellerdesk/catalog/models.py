from django.db import models
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.money import money_field


class Listing(models.Model):
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="listings")
    sku = models.CharField("SKU", max_length=40)
    title = models.CharField(_("title"), max_length=500)
    price = money_field(_("price"))
    currency = models.CharField(max_length=3, default="SEK")
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="listing_unique_sku_per_seller"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="listing_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.sku


class InventoryLedgerEntry(models.Model):
    """One change of a listing's quantity, with its cause. The sum of deltas is the quantity."""

    class Cause(models.TextChoices):
        INITIAL = "initial", _("Initial stock")
        ORDER_PLACED = "order_placed", _("Order placed")
        CANCELLATION_RESTOCK = "cancellation_restock", _("Cancellation returned units")
        CANCELLATION_NO_INVENTORY = "cancellation_no_inventory", _("No inventory: set to zero")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        INVENTORY_FILE = "inventory_file", _("Inventory file")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="ledger")
    delta = models.IntegerField()
    quantity_after = models.PositiveIntegerField()
    cause = models.CharField(max_length=32, choices=Cause.choices)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        "orders.OrderEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The inventory file (a feed) that set the quantity.
    feed = models.ForeignKey(
        "feeds.Feed", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["listing", "-created_at"], name="ledger_listing_recent"),
            # The inventory page's recent NoInventory cancellations: a range of one cause and
            # period, a few rows among the ledger's one per order.
            models.Index(fields=["cause", "created_at"], name="ledger_cause_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.delta:+d} ({self.cause})"
