from django import forms
from django.utils.translation import gettext_lazy as _

from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.catalog.selectors import Stock

_PAGE_ERRORS = {
    "invalid": _("The page must be a whole number."),
    "min_value": _("The page must be a whole number."),
}


class InventoryFilterForm(forms.Form):
    """`?stock=all|low|zero`, `q=` (part of a SKU or title) and `page=`. A value that names
    nothing the page shows is an error, not an empty list."""

    stock = forms.ChoiceField(
        choices=[(Stock.ALL, Stock.ALL), (Stock.LOW, Stock.LOW), (Stock.ZERO, Stock.ZERO)],
        required=False,
        error_messages={
            "invalid_choice": _("Unknown stock filter “%(value)s”: use “all”, “low” or “zero”.")
        },
    )
    q = forms.CharField(
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )
    page = forms.IntegerField(required=False, min_value=1, error_messages=_PAGE_ERRORS)

    def clean_stock(self) -> str:
        return str(self.cleaned_data["stock"] or Stock.ALL)


class LedgerFilterForm(forms.Form):
    """`?cause=` (one of the ledger's causes) and `page=`."""

    cause = forms.ChoiceField(
        choices=InventoryLedgerEntry.Cause.choices,
        required=False,
        error_messages={"invalid_choice": _("Unknown cause “%(value)s”.")},
    )
    page = forms.IntegerField(required=False, min_value=1, error_messages=_PAGE_ERRORS)
