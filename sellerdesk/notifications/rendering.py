"""What the buyer reads. The subject is written when the email is queued (cheap, and shown on
the timeline); the bodies are rendered from the event once, when the email is first sent, and
stored, so the order page shows exactly what went out."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from sellerdesk.cancellations.reasons import buyer_explanation
from sellerdesk.orders.models import Order, OrderEvent


@dataclass(frozen=True)
class Bodies:
    text: str
    html: str


def cancellation_subject(*, order_id: str, language: str, whole_order: bool) -> str:
    with translation.override(language):
        if whole_order:
            return gettext("Your order %(order_id)s has been cancelled") % {"order_id": order_id}
        return gettext("Items of your order %(order_id)s have been cancelled") % {
            "order_id": order_id
        }


def cancellation_bodies(*, order: Order, event: OrderEvent, language: str) -> Bodies:
    with translation.override(language):
        context = {
            "order": order,
            "items": event.data["items"],
            "remaining": event.data.get("remaining", []),
            "whole_order": event.data.get("whole_order", True),
            "explanation": buyer_explanation(event.reason),
        }
        return Bodies(
            text=render_to_string("notifications/email/order_cancelled.txt", context),
            html=render_to_string("notifications/email/order_cancelled.html", context),
        )
