import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.reports.models import ReportType
from sellerdesk.web.forms import DAY_RANGE


def _day_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ReportRequestForm(forms.Form):
    report_type = forms.ChoiceField(choices=ReportType.choices, label=_("Report type"))
    date_from = forms.DateField(label=_("From"), validators=DAY_RANGE, widget=_day_input())
    date_to = forms.DateField(label=_("To"), validators=DAY_RANGE, widget=_day_input())

    def clean(self) -> dict[str, object] | None:
        cleaned = super().clean()
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the data range is before its start."))
        return cleaned

    @staticmethod
    def initial_range() -> dict[str, datetime.date]:
        today = timezone.localdate()
        return {"date_from": today - datetime.timedelta(days=30), "date_to": today}

    def data_range(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The days, whole, in the seller's time zone; the data range ends now at the latest."""
        start = timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date_from"], datetime.time.min)
        )
        end = timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date_to"], datetime.time.max)
        )
        return start, min(end, max(start, timezone.now()))
