import datetime
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.accounts.activity import ActivityFilter, ActivityKind, Position
from sellerdesk.accounts.models import Seller, User
from sellerdesk.core.pages import EARLIEST, LATEST

_SALT = "sellerdesk.web.activity.after"
ONE_DAY = datetime.timedelta(days=1)


def activity_token(position: Position) -> str:
    """A link's `after=`: where the next page starts, signed so that it is only ever one that
    the page made."""
    return signing.dumps([position.at.isoformat(), position.stream, position.pk], salt=_SALT)


class ActivityFilterForm(forms.Form):
    """`?user=` (one of the seller's users), `kind=`, `since=` and `until=` (dates, both
    included) and `after=` (the next page's token)."""

    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("User"),
        empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("Choose one of the seller's users.")},
    )
    kind = forms.ChoiceField(
        choices=[("", _("Everything")), *ActivityKind.choices],
        required=False,
        label=_("Kind"),
        error_messages={"invalid_choice": _("Unknown kind “%(value)s”.")},
    )
    since = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    until = forms.DateField(
        required=False,
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD.")},
    )
    after = forms.CharField(
        required=False, max_length=500, label=_("Page link"), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, seller: Seller, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(seller=seller).order_by("username")
        self.fields["user"].queryset = users  # type: ignore[attr-defined]

    def clean_after(self) -> Position | None:
        token = self.cleaned_data["after"]
        if not token:
            return None
        try:
            at, stream, pk = signing.loads(token, salt=_SALT)
            return Position(datetime.datetime.fromisoformat(at), int(stream), int(pk))
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise forms.ValidationError(
                _("This page link is not valid: start again from the first page.")
            ) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def activity_filter(self) -> ActivityFilter:
        # A date at the ends of the calendar bounds nothing: every row is within it (and its
        # time in UTC could not be written).
        since, until = self.cleaned_data["since"], self.cleaned_data["until"]
        return ActivityFilter(
            user=self.cleaned_data["user"],
            kind=self.cleaned_data["kind"] or None,
            since=_start_of(since) if since and since > EARLIEST.date() else None,
            until=_start_of(until + ONE_DAY) if until and until < LATEST.date() else None,
        )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
