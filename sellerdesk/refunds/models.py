from django.db import models

from sellerdesk.core.money import money_field


class Charge(models.Model):
    """What the buyer was charged at the first shipment confirmation. One per order."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="charge")
    amount = money_field()
    currency = models.CharField(max_length=3)
    event = models.ForeignKey("orders.OrderEvent", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
