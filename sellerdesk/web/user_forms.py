"""Forms of the User permissions pages, the invitation's acceptance and the password reset."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sellerdesk.accounts.models import User
from sellerdesk.accounts.permissions import Area, Level
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.rendering import password_reset_message
from sellerdesk.notifications.services import seller_email_queue


class LevelsForm(forms.Form):
    """A choice of None, View or View and edit for every area."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for area in Area:
            self.fields[area.value] = forms.TypedChoiceField(
                label=area.label,
                choices=Level.choices,
                coerce=int,
                initial=Level.NONE,
            )

    def levels(self) -> dict[str, int]:
        return {area: self.cleaned_data[area] for area in Area.values}

    def level_fields(self) -> list[forms.BoundField]:
        return [self[area] for area in Area.values]


class InvitationForm(LevelsForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=User.Language.choices
    )


class AcceptForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, with its email sent through the outbox like every other email,
    in the user's language. A user of no seller (the operator) resets from the shell."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        if user.seller is None:
            return
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        link = f"{context['protocol']}://{context['domain']}{path}"
        subject, bodies = password_reset_message(user=user, link=link)
        with transaction.atomic():
            seller_email_queue(
                seller=user.seller,
                kind=OutboundEmail.Kind.PASSWORD_RESET,
                to_address=to_email,
                language=user.language,
                subject=subject,
                bodies=bodies,
            )
