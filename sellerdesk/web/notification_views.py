"""Notifications (Developer applications → Notifications): the seller's webhook destinations and
the applications' subscriptions, the latest deliveries with their status, and sending one again
or turning a disabled destination back on."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sellerdesk.accounts.models import Seller
from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.core.errors import ApplicationError
from sellerdesk.webhooks.selectors import delivery_list, destination_list, subscription_list
from sellerdesk.webhooks.services import delivery_resend, destination_enable


def _seller(request: HttpRequest) -> Seller:
    seller: Seller = request.user.seller  # type: ignore[union-attr,assignment]
    return seller


@permission_required(Area.DEVELOPER, Level.VIEW)
def notifications(request: HttpRequest) -> HttpResponse:
    seller = _seller(request)
    return render(
        request,
        "web/developer/notifications.html",
        {
            "destinations": destination_list(seller=seller),
            "subscriptions": subscription_list(seller=seller),
            "deliveries": delivery_list(seller=seller),
        },
    )


@permission_required(Area.DEVELOPER, Level.EDIT)
@require_POST
def resend(request: HttpRequest, notification_id: str) -> HttpResponse:
    try:
        delivery_resend(seller=_seller(request), notification_id=notification_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Notification %(id)s will be sent again.") % {"id": notification_id},
        )
    return redirect("developer:notifications")


@permission_required(Area.DEVELOPER, Level.EDIT)
@require_POST
def enable(request: HttpRequest, destination_id: str) -> HttpResponse:
    try:
        destination = destination_enable(seller=_seller(request), destination_id=destination_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Destination %(name)s is on again; what waited is being sent.")
            % {"name": destination.name},
        )
    return redirect("developer:notifications")
