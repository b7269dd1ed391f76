"""An adjustment of one order item, as the refund form and both Order Adjustment feeds give it.
ORM-free: the parsers build these, the refund service checks them against the order."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class AdjustedItem:
    order_item_id: str  # 14 digits
    reason: str  # an AdjustmentReason code
    merchant_adjustment_item_id: str | None  # the seller's idempotency key, if given
    quantity_cancelled: int  # 0: the adjustment cancels no units
    currency: str  # of every amount of the item; "" when no amount is given
    principal: Decimal  # refunds to the buyer, each >= 0, two places
    shipping: Decimal
    tax: Decimal
    shipping_tax: Decimal
    restocking_fee: Decimal  # charged to the buyer, >= 0 (the feed's negative RestockingFee)

    @property
    def refunded(self) -> Decimal:
        return self.principal + self.shipping + self.tax + self.shipping_tax

    @property
    def net(self) -> Decimal:
        """The credit to the buyer: the refunds less the restocking fee."""
        return self.refunded - self.restocking_fee
