"""Reads of notifications, always of one seller: another seller's destination, subscription or
delivery is the same 404 as a missing one."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import DeveloperApplication, Seller
from sellerdesk.core.errors import ErrorCode, NotFound
from sellerdesk.webhooks.models import Delivery, Destination, Subscription

RECENT_DELIVERIES = 50


def destination_list(*, seller: Seller) -> QuerySet[Destination]:
    return Destination.objects.filter(seller=seller, deleted_at__isnull=True).order_by(
        "created_at", "pk"
    )


def destination_get(*, seller: Seller, destination_id: str) -> Destination:
    destination = destination_list(seller=seller).filter(destination_id=destination_id).first()
    if destination is None:
        raise NotFound(_("Destination not found."), code=ErrorCode.DESTINATION_NOT_FOUND)
    return destination


def subscription_list(*, seller: Seller) -> QuerySet[Subscription]:
    return (
        Subscription.objects.filter(seller=seller)
        .select_related("destination", "application")
        .order_by("notification_type", "pk")
    )


def subscription_get(
    *, seller: Seller, application: DeveloperApplication, notification_type: str
) -> Subscription:
    """The application's subscription to the type."""
    subscription = (
        subscription_list(seller=seller)
        .filter(application=application, notification_type=notification_type)
        .first()
    )
    if subscription is None:
        raise NotFound(
            _("There is no subscription to %(type)s.") % {"type": notification_type},
            code=ErrorCode.SUBSCRIPTION_NOT_FOUND,
        )
    return subscription


def subscription_get_by_id(
    *, seller: Seller, notification_type: str, subscription_id: str
) -> Subscription:
    subscription = (
        subscription_list(seller=seller)
        .filter(notification_type=notification_type, subscription_id=subscription_id)
        .first()
    )
    if subscription is None:
        raise NotFound(
            _("Subscription %(id)s was not found.") % {"id": subscription_id},
            code=ErrorCode.SUBSCRIPTION_NOT_FOUND,
        )
    return subscription


def delivery_list(*, seller: Seller, limit: int = RECENT_DELIVERIES) -> list[Delivery]:
    """The latest deliveries, newest first."""
    return list(
        Delivery.objects.filter(seller=seller)
        .select_related("destination")
        .defer("body")
        .order_by("-pk")[:limit]
    )
