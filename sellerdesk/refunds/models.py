from django.db import models

from sellerdesk.core.money import money_field


class Charge(models.Model):
    """What the buyer was charged at the first shipment confirmation. One per order; its amount
    is the sum of its items' components (`ChargedItem`)."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="charge")
    amount = money_field()
    currency = models.CharField(max_length=3)
    event = models.ForeignKey("orders.OrderEvent", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class ChargedItem(models.Model):
    """What the charge took for one order item: the units not cancelled when the order was
    charged, at their share of each component (refunds/charges.py). Written once, with the
    charge; the refund caps read it, never the item's current quantities."""

    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="items")
    order_item = models.OneToOneField(
        "orders.OrderItem", on_delete=models.PROTECT, related_name="charged"
    )
    quantity = models.PositiveIntegerField()  # units charged
    principal = money_field()
    shipping = money_field()
    tax = money_field()
    shipping_tax = money_field()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(principal__gte=0)
                & models.Q(shipping__gte=0)
                & models.Q(tax__gte=0)
                & models.Q(shipping_tax__gte=0),
                name="charged_item_components_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_item_id} × {self.quantity}"


class Refund(models.Model):
    """The refund ledger: one row per adjusted order item, never changed. What the buyer got
    back for each price component, and the restocking fee that was deducted."""

    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    order_item = models.ForeignKey(
        "orders.OrderItem", on_delete=models.PROTECT, related_name="refunds"
    )
    event = models.ForeignKey("orders.OrderEvent", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=40)
    quantity_cancelled = models.PositiveIntegerField(default=0)
    principal = money_field(default=0)
    shipping = money_field(default=0)
    tax = money_field(default=0)
    shipping_tax = money_field(default=0)
    restocking_fee = money_field(default=0)  # charged to the buyer, deducted from the refund
    amount = money_field()  # the net credit to the buyer
    currency = models.CharField(max_length=3)
    # The seller's id of the adjustment (MerchantAdjustmentItemID): the same id refunds once.
    merchant_adjustment_item_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "merchant_adjustment_item_id"],
                condition=~models.Q(merchant_adjustment_item_id=""),
                name="refund_merchant_adjustment_once",
            ),
            models.CheckConstraint(
                condition=models.Q(principal__gte=0)
                & models.Q(shipping__gte=0)
                & models.Q(tax__gte=0)
                & models.Q(shipping_tax__gte=0)
                & models.Q(restocking_fee__gte=0),
                name="refund_components_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
