"""The refund form on the order page: per item an adjustment reason, units to cancel and the
amount of each price component to refund, as the Order Adjustment feed takes them."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sellerdesk.cancellations.services import MEMO_MAX_LENGTH
from sellerdesk.orders.models import OrderItem
from sellerdesk.refunds.lines import AdjustedItem
from sellerdesk.refunds.reasons import AdjustmentReason
from sellerdesk.refunds.selectors import AMOUNT_FIELDS

ZERO = Decimal("0.00")
# ProductOutofStock means what NoInventory means (in Swedish both read "out of stock") but cannot
# cancel units: the form offers NoInventory alone. Feeds still accept both codes.
REASON_CHOICES = [
    (code, label)
    for code, label in AdjustmentReason.choices
    if code != AdjustmentReason.PRODUCT_OUT_OF_STOCK
]
AMOUNT_LABELS = {
    "principal": _("Item price"),
    "tax": _("Item tax"),
    "shipping": _("Shipping"),
    "shipping_tax": _("Shipping tax"),
    "restocking_fee": _("Restocking fee"),
}


class RefundForm(forms.Form):
    memo = forms.CharField(
        label=_("Seller memo"),
        required=False,
        max_length=MEMO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MEMO_MAX_LENGTH}),
        help_text=_("Private: for you only, never shown to the buyer. At most 500 characters."),
    )

    def __init__(
        self,
        *args: Any,
        items: list[OrderItem],
        left: dict[int, dict[str, Decimal]],
        **kwargs: Any,
    ) -> None:
        """`left`: what is left to refund of each item's components, by item pk and field."""
        super().__init__(*args, **kwargs)
        self.items = items
        self.left = left
        for item in items:
            key = item.order_item_id
            self.fields[f"reason_{key}"] = forms.ChoiceField(
                widget=forms.Select(attrs={"aria-label": f"{_('Reason')}: {item.seller_sku}"}),
                label=_("Reason"),
                choices=REASON_CHOICES,
                required=False,  # only of the items adjusted
                initial=(
                    AdjustmentReason.NO_INVENTORY
                    if item.quantity_unshipped
                    else AdjustmentReason.CUSTOMER_RETURN
                ),
            )
            self.fields[f"cancel_{key}"] = forms.IntegerField(
                label=_("Units to cancel"),
                min_value=0,
                max_value=item.quantity_unshipped,
                initial=0,
                required=False,
                widget=forms.NumberInput(
                    attrs={"aria-label": f"{_('Units to cancel')}: {item.seller_sku}"}
                ),
            )
            for name in AMOUNT_LABELS:
                self.fields[f"{name}_{key}"] = forms.DecimalField(
                    label=AMOUNT_LABELS[name],
                    min_value=ZERO,
                    max_digits=12,
                    decimal_places=2,
                    required=False,
                    localize=True,
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "decimal",
                            "size": 8,
                            "aria-label": f"{AMOUNT_LABELS[name]}: {item.seller_sku}",
                        }
                    ),
                )

    def rows(self) -> list[dict[str, Any]]:
        """Per item: its fields, and what is left to refund of each component."""
        return [
            {
                "item": item,
                "reason": self[f"reason_{item.order_item_id}"],
                "cancel": self[f"cancel_{item.order_item_id}"],
                "amounts": [
                    (
                        self[f"{name}_{item.order_item_id}"],
                        self.left[item.pk].get(name) if name in AMOUNT_FIELDS.values() else None,
                    )
                    for name in AMOUNT_LABELS
                ],
            }
            for item in self.items
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        adjusted = self.adjusted_items() if not self.errors else None
        if adjusted == []:
            raise forms.ValidationError(
                _("Enter an amount to refund or units to cancel for at least one item.")
            )
        return cleaned

    def adjusted_items(self) -> list[AdjustedItem]:
        """The items with anything entered; the service checks them against the order."""
        adjusted = []
        for item in self.items:
            key = item.order_item_id
            value = self.cleaned_data.get
            amounts = {name: value(f"{name}_{key}") or ZERO for name in AMOUNT_LABELS}
            cancel = value(f"cancel_{key}") or 0
            if not cancel and not any(amounts.values()):
                continue
            if not value(f"reason_{key}"):
                self.add_error(f"reason_{key}", _("Choose a reason for this item."))
                continue
            adjusted.append(
                AdjustedItem(
                    order_item_id=key,
                    reason=value(f"reason_{key}") or "",
                    merchant_adjustment_item_id=None,
                    quantity_cancelled=cancel,
                    currency="",
                    **amounts,
                )
            )
        return adjusted
