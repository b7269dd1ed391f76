import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import MEMO_MAX_LENGTH
from sellerdesk.core.pages import EARLIEST, LATEST
from sellerdesk.feeds.kinds import CANCELLATION, UPLOAD_CHOICES
from sellerdesk.orders.models import OrderItem, OrderStatus
from sellerdesk.orders.selectors import PAGE_SIZES, OrderFilter

DAY_RANGE = [MinValueValidator(EARLIEST.date()), MaxValueValidator(LATEST.date())]


class LoginForm(AuthenticationForm):
    """Django's sign-in form with the username's length checked before anyone is authenticated:
    Django sets only the input's maxlength, and the sign-in throttle records the username tried
    in a column of 255 characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        assert isinstance(username, forms.CharField) and username.max_length is not None
        username.validators.append(MaxLengthValidator(username.max_length))


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", _("All")), *OrderStatus.choices], required=False)
    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    # Days that the list can turn into times (the day's start here, and the next day's) without
    # overflowing.
    date_from = forms.DateField(required=False, label=_("From"), validators=DAY_RANGE)
    date_to = forms.DateField(required=False, label=_("To"), validators=DAY_RANGE)
    sort = forms.ChoiceField(
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("ship_by_soonest", _("Ship by, soonest first")),
            ("ship_by_latest", _("Ship by, latest first")),
        ],
        required=False,
    )
    # A signed cursor carries the filters it was made for: about 270 characters, 500 with the
    # longest search. `cursor` leads to the next page, `before` to the previous one.
    cursor = forms.CharField(required=False, max_length=1000)
    before = forms.CharField(required=False, max_length=1000)
    per_page = forms.TypedChoiceField(
        choices=[(size, size) for size in PAGE_SIZES], coerce=int, required=False
    )
    buyer_requested = forms.BooleanField(required=False, label=_("Buyer requested cancellation"))
    late = forms.BooleanField(required=False, label=_("Late shipment"))

    def order_filter(self) -> OrderFilter:
        """The filters asked for; all are ignored if any is not valid."""
        data = self.cleaned_data if self.is_valid() else {}
        return OrderFilter(
            status=data.get("status", ""),
            query=data.get("q", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=data.get("sort") or "newest",
            buyer_requested=data.get("buyer_requested", False),
            late=data.get("late", False),
        )


class CancelOrderForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for cancellation"),
        choices=[("", _("Select a reason")), *CancelReason.choices],
        error_messages={"required": _("Choose a reason for the cancellation.")},
    )
    memo = forms.CharField(
        label=_("Seller memo"),
        required=False,
        max_length=MEMO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MEMO_MAX_LENGTH}),
        help_text=_("Private: for you only, never shown to the buyer. At most 500 characters."),
    )


class CancelItemsForm(CancelOrderForm):
    """The cancel page: the entire order, or chosen quantities of its unshipped items."""

    ENTIRE, ITEMS = "order", "items"
    scope = forms.ChoiceField(
        choices=[(ENTIRE, _("Cancel entire order")), (ITEMS, _("Cancel items"))],
        initial=ENTIRE,
        required=False,  # an integration posting reason and memo only cancels the whole order
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, items: list[OrderItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = [item for item in items if item.quantity_unshipped > 0]
        for item in self.items:
            self.fields[f"cancel_{item.order_item_id}"] = forms.IntegerField(
                label=item.seller_sku,
                min_value=0,
                max_value=item.quantity_unshipped,
                initial=0,
                required=False,
            )

    def item_fields(self) -> list[tuple[OrderItem, forms.BoundField]]:
        return [(item, self[f"cancel_{item.order_item_id}"]) for item in self.items]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("scope") == self.ITEMS and not self.quantities():
            raise forms.ValidationError(_("Choose at least one unit to cancel."))
        return cleaned

    def quantities(self) -> dict[str, int | None] | None:
        """None for the entire order; otherwise the units per item."""
        if self.cleaned_data.get("scope") != self.ITEMS:
            return None
        units = {
            item.order_item_id: self.cleaned_data.get(f"cancel_{item.order_item_id}") or 0
            for item in self.items
        }
        return {item_id: count for item_id, count in units.items() if count}


class ConfirmShipmentForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100)
    ship_date = forms.DateField(label=_("Ship date"), initial=datetime.date.today)

    def __init__(self, *args: object, items: list[OrderItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.items = [item for item in items if item.quantity_unshipped > 0]
        for item in self.items:
            self.fields[f"qty_{item.order_item_id}"] = forms.IntegerField(
                label=f"{item.seller_sku}",
                min_value=0,
                max_value=item.quantity_unshipped,
                initial=item.quantity_unshipped,
            )

    def item_fields(self) -> list[tuple[OrderItem, forms.BoundField]]:
        return [(item, self[f"qty_{item.order_item_id}"]) for item in self.items]

    def quantities(self) -> dict[str, int]:
        return {
            item.order_item_id: self.cleaned_data[f"qty_{item.order_item_id}"]
            for item in self.items
        }


class UploadForm(forms.Form):
    file_type = forms.ChoiceField(
        label=_("File type"),
        choices=[(choice.value, choice.label) for choice in UPLOAD_CHOICES],
        initial=CANCELLATION.value,
        required=False,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Tab-delimited text (UTF-8 or Windows-1252) or .xlsx in the template of its type, "
            "or the matching XML feed (order acknowledgement, order fulfillment or order "
            "adjustment)."
        ),
    )
    validate_only = forms.BooleanField(
        label=_("Validate only: report what would happen, change nothing"), required=False
    )

    def clean_file(self) -> object:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.FEED_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)d MB.")
                % {"limit": settings.FEED_MAX_BYTES // (1024 * 1024)}
            )
        return uploaded
