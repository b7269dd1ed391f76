import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sellerdesk.cancellations.reasons import ALL_REASONS
from sellerdesk.metrics.selectors import OrdersBehind


class OrdersBehindForm(forms.Form):
    """Which number's orders to list: `?kind=cancelled|all` and optionally `day=YYYY-MM-DD` of
    the history, or `reason=` / `sku=` of the breakdown. A value that names nothing the page
    shows is an error, not an empty list."""

    CANCELLED, ALL = "cancelled", "all"
    kind = forms.ChoiceField(
        choices=[(CANCELLED, CANCELLED), (ALL, ALL)],
        required=False,
        error_messages={
            "invalid_choice": _("Unknown kind “%(value)s”: use “cancelled” or “all”."),
        },
    )
    day = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the day as YYYY-MM-DD.")},
    )
    reason = forms.ChoiceField(
        choices=[(reason, reason) for reason in sorted(ALL_REASONS)],
        required=False,
        error_messages={"invalid_choice": _("Unknown cancellation reason: %(value)s.")},
    )
    sku = forms.CharField(
        required=False,
        max_length=40,
        error_messages={"max_length": _("A SKU has at most %(limit_value)d characters.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("The page must be a whole number."),
            "min_value": _("The page must be a whole number."),
        },
    )

    def __init__(self, *args: Any, days: list[datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days = days

    def clean_day(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data["day"]
        if day is not None and not self.days[0] <= day <= self.days[-1]:
            raise forms.ValidationError(
                _("Choose a day of the last 90 days, from %(first)s to %(last)s."),
                code="day_out_of_range",
                params={"first": self.days[0].isoformat(), "last": self.days[-1].isoformat()},
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        narrowed = data.get("reason") or data.get("sku")
        if data.get("reason") and data.get("sku"):
            raise forms.ValidationError(
                _("Choose a reason or a SKU, not both."), code="reason_and_sku"
            )
        if narrowed and data.get("day"):
            raise forms.ValidationError(
                _("Reasons and SKUs are broken down for the last 7 days only: leave out the day."),
                code="breakdown_with_day",
            )
        if narrowed and data.get("kind") == self.ALL:
            raise forms.ValidationError(
                _("A reason or a SKU lists cancelled orders only: leave out kind=all."),
                code="breakdown_of_all",
            )
        return data

    def behind(self) -> OrdersBehind:
        data = self.cleaned_data
        return OrdersBehind(
            cancelled_only=data.get("kind") != self.ALL,
            day=data.get("day"),
            reason=data.get("reason") or "",
            sku=data.get("sku") or "",
        )
