"""What the buyer reads. The subject is written when the email is queued (cheap, and shown on
the timeline); the bodies are rendered from the event once, when the email is first sent, and
stored, so the order page shows exactly what went out.

And what a seller's user reads when the cancellation rate rises above the target, an
invitation and a password reset: rendered whole when queued, since each reports its moment (the
rate then, a link that works once)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext

from sellerdesk.accounts.models import Invitation, Seller, User
from sellerdesk.cancellations.reasons import buyer_explanation
from sellerdesk.metrics.rates import TARGET, CancellationRate
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent
from sellerdesk.refunds.reasons import refund_explanation


@dataclass(frozen=True)
class Bodies:
    text: str
    html: str


def email_subject(*, kind: str, event: OrderEvent, seller_name: str, language: str) -> str:
    """The subject names the seller, as a marketplace's email does: the buyer may have orders
    from many sellers."""
    names = {"order_id": event.order.amazon_order_id, "seller": seller_name}
    with translation.override(language):
        if kind == OutboundEmail.Kind.REFUND_ISSUED:
            return gettext("You have been refunded for your order %(order_id)s from %(seller)s") % (
                names
            )
        if event.data.get("whole_order", True):
            return gettext("Your order %(order_id)s from %(seller)s has been cancelled") % names
        return gettext("Items of your order %(order_id)s from %(seller)s have been cancelled") % (
            names
        )


def email_bodies(*, kind: str, order: Order, event: OrderEvent, language: str) -> Bodies:
    if kind == OutboundEmail.Kind.REFUND_ISSUED:
        return _refund_bodies(order=order, event=event, language=language)
    return _cancellation_bodies(order=order, event=event, language=language)


def _cancellation_bodies(*, order: Order, event: OrderEvent, language: str) -> Bodies:
    with translation.override(language):
        context = {
            "order": order,
            "seller": order.seller.name,
            "items": event.data["items"],
            "remaining": event.data.get("remaining", []),
            "whole_order": event.data.get("whole_order", True),
            "explanation": buyer_explanation(event.reason),
            # The buyer's own cancellation: not "cancelled by the seller".
            "by_buyer": event.source == OrderEvent.Source.BUYER,
        }
        return Bodies(
            text=render_to_string("notifications/email/order_cancelled.txt", context),
            html=render_to_string("notifications/email/order_cancelled.html", context),
        )


def _refund_bodies(*, order: Order, event: OrderEvent, language: str) -> Bodies:
    with translation.override(language):
        items = [
            {**item, "explanation": refund_explanation(item["reason"])}
            for item in event.data["items"]
        ]
        context = {
            "order": order,
            "seller": order.seller.name,
            "items": items,
            "total": event.data["total"],
            "currency": event.data["currency"],
        }
        return Bodies(
            text=render_to_string("notifications/email/refund_issued.txt", context),
            html=render_to_string("notifications/email/refund_issued.html", context),
        )


def rate_alert_message(
    *, seller: Seller, rate: CancellationRate, language: str
) -> tuple[str, Bodies]:
    """The subject and bodies of the alert that the cancellation rate is above the target."""
    with translation.override(language):
        context = {
            "seller": seller,
            "rate": rate,
            "percent": formats.number_format(rate.percent, 2, use_l10n=True),
            "target": formats.number_format(TARGET, 1, use_l10n=True),
        }
        subject = gettext(
            "Your cancellation rate is %(percent)s %%, above the %(target)s %% target"
        ) % {"percent": context["percent"], "target": context["target"]}
        return subject, Bodies(
            text=render_to_string("notifications/email/rate_above_target.txt", context),
            html=render_to_string("notifications/email/rate_above_target.html", context),
        )


def invitation_message(*, invitation: Invitation, link: str) -> tuple[str, Bodies]:
    """The invitation to become a user of the seller, in the language chosen for the invitee."""
    with translation.override(invitation.language):
        context = {
            "seller": invitation.seller,
            "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.username,
            "link": link,
        }
        subject = gettext("You are invited to %(seller)s in Seller Desk") % {
            "seller": invitation.seller.name
        }
        return subject, Bodies(
            text=render_to_string("notifications/email/invitation.txt", context),
            html=render_to_string("notifications/email/invitation.html", context),
        )


def password_reset_message(*, user: User, link: str) -> tuple[str, Bodies]:
    """The link to choose a new password, in the user's language."""
    with translation.override(user.language):
        context = {"username": user.get_username(), "link": link}
        subject = gettext("Choose a new password for Seller Desk")
        return subject, Bodies(
            text=render_to_string("notifications/email/password_reset.txt", context),
            html=render_to_string("notifications/email/password_reset.html", context),
        )
