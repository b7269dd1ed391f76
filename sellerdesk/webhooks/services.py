"""Writes on notifications: destinations, subscriptions, sending a delivery again, and turning a
failing destination off and on."""

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sellerdesk.accounts.models import DeveloperApplication, Seller
from sellerdesk.accounts.permissions import Area
from sellerdesk.core.errors import ErrorCode, InvalidInput, NotFound, NothingToDo
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.notifications.rendering import Bodies
from sellerdesk.notifications.services import seller_emails_queue
from sellerdesk.webhooks.addresses import webhook_target
from sellerdesk.webhooks.kinds import KINDS, NotificationType, OrderChangeType
from sellerdesk.webhooks.models import Delivery, Destination, Subscription
from sellerdesk.webhooks.outbox import deliveries_send_on_commit
from sellerdesk.webhooks.signing import signing_secret_new

NAME_MAX_LENGTH = 256
LEGACY_PAYLOAD_VERSION = "1.0"


def destination_create(
    *, seller: Seller, application: DeveloperApplication, name: str, url: str
) -> Destination:
    """A webhook destination; its signing secret is on the returned object, to show once."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("A name is required."), code=ErrorCode.NAME_REQUIRED)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("The name is limited to %(limit)d characters.") % {"limit": NAME_MAX_LENGTH},
            code=ErrorCode.NAME_TOO_LONG,
        )
    webhook_target(url)
    return Destination.objects.create(
        seller=seller,
        application=application,
        name=name,
        url=url,
        signing_secret=signing_secret_new(),
    )


def destination_delete(*, seller: Seller, destination_id: str) -> Destination:
    """Deliveries not yet sent to it are dropped with it; a destination that subscriptions
    still use is refused."""
    with transaction.atomic():
        destination = _destination_lock(seller=seller, destination_id=destination_id)
        if destination.subscriptions.exists():
            raise InvalidInput(
                _("Delete the subscriptions that use this destination first."),
                code=ErrorCode.DESTINATION_IN_USE,
            )
        destination.deleted_at = timezone.now()
        destination.save(update_fields=["deleted_at"])
    return destination


def destination_enable(*, seller: Seller, destination_id: str) -> Destination:
    """Turn a disabled destination on again: its waiting deliveries are due now."""
    with transaction.atomic():
        destination = _destination_lock(seller=seller, destination_id=destination_id)
        destination.disabled_at = None
        destination.failing_since = None
        destination.save(update_fields=["disabled_at", "failing_since"])
        destination.deliveries.filter(status=Delivery.Status.PENDING).update(
            next_attempt_at=timezone.now()
        )
        deliveries_send_on_commit()
    return destination


def destination_disable(*, destination: Destination, problem: str) -> None:
    """Disable a destination that has failed for too long, and email the seller's users. The
    caller holds the destination's lock."""
    destination.disabled_at = timezone.now()
    destination.save(update_fields=["disabled_at"])
    seller = Seller.objects.get(pk=destination.seller_id)
    seller_emails_queue(
        seller=seller,
        kind=OutboundEmail.Kind.WEBHOOK_DISABLED,
        area=Area.DEVELOPER,
        message=lambda language: _disabled_message(
            destination=destination, seller=seller, problem=problem, language=language
        ),
    )


def _disabled_message(
    *, destination: Destination, seller: Seller, problem: str, language: str
) -> tuple[str, Bodies]:
    with translation.override(language):
        context = {"destination": destination, "seller": seller, "problem": problem}
        subject = _("Notifications to %(name)s are turned off: the receiver keeps failing") % {
            "name": destination.name
        }
        return subject, Bodies(
            text=render_to_string("webhooks/email/destination_disabled.txt", context),
            html=render_to_string("webhooks/email/destination_disabled.html", context),
        )


def subscription_create(
    *,
    seller: Seller,
    application: DeveloperApplication,
    notification_type: str,
    destination_id: str,
    payload_version: str,
    event_filter_type: str | None = None,
    order_change_types: Sequence[str] | None = None,
) -> Subscription:
    kind = KINDS.get(NotificationType(notification_type)) if _known(notification_type) else None
    if kind is None:
        raise InvalidInput(
            _("Notification type %(type)s is not supported; supported: %(supported)s.")
            % {"type": notification_type, "supported": ", ".join(NotificationType)},
            code=ErrorCode.UNSUPPORTED_NOTIFICATION_TYPE,
        )
    if payload_version not in {kind.payload_version, LEGACY_PAYLOAD_VERSION}:
        raise InvalidInput(
            _("The payload version of %(type)s is %(version)s.")
            % {"type": notification_type, "version": kind.payload_version},
            code=ErrorCode.INVALID_PAYLOAD_VERSION,
        )
    wanted = _event_filter(
        kind_filter=kind.event_filter_type,
        event_filter_type=event_filter_type,
        order_change_types=order_change_types,
    )
    with transaction.atomic():
        destination = Destination.objects.filter(
            seller=seller, destination_id=destination_id, deleted_at__isnull=True
        ).first()
        if destination is None:
            raise InvalidInput(
                _("Destination %(id)s was not found.") % {"id": destination_id},
                code=ErrorCode.INVALID_DESTINATION,
            )
        try:
            with transaction.atomic():
                return Subscription.objects.create(
                    seller=seller,
                    application=application,
                    notification_type=kind.notification_type,
                    payload_version=payload_version,
                    destination=destination,
                    order_change_types=wanted,
                )
        except IntegrityError:
            raise NothingToDo(
                _("The application already has a subscription to %(type)s.")
                % {"type": notification_type},
                code=ErrorCode.SUBSCRIPTION_EXISTS,
            ) from None


def _known(notification_type: str) -> bool:
    return notification_type in NotificationType.__members__.values()


def _event_filter(
    *,
    kind_filter: str | None,
    event_filter_type: str | None,
    order_change_types: Sequence[str] | None,
) -> list[str]:
    if event_filter_type is None and not order_change_types:
        return []
    if kind_filter is None or event_filter_type != kind_filter:
        raise InvalidInput(
            _("This notification type takes no event filter of type %(type)s.")
            % {"type": event_filter_type},
            code=ErrorCode.INVALID_EVENT_FILTER,
        )
    unknown = sorted(set(order_change_types or ()) - set(OrderChangeType))
    if unknown:
        raise InvalidInput(
            _("Unknown order change types: %(types)s.") % {"types": ", ".join(unknown)},
            code=ErrorCode.INVALID_EVENT_FILTER,
        )
    return sorted(set(order_change_types or ()))


def subscription_delete(*, seller: Seller, notification_type: str, subscription_id: str) -> None:
    deleted, _counts = Subscription.objects.filter(
        seller=seller, notification_type=notification_type, subscription_id=subscription_id
    ).delete()
    if not deleted:
        raise NotFound(
            _("Subscription %(id)s was not found.") % {"id": subscription_id},
            code=ErrorCode.SUBSCRIPTION_NOT_FOUND,
        )


def delivery_resend(*, seller: Seller, notification_id: str) -> Delivery:
    """Send a notification again, the same notificationId and body: after those before it of
    its order (or feed, or report) are delivered."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(seller=seller, notification_id=notification_id)
            .first()
        )
        if delivery is None:
            raise NotFound(_("Notification not found."), code=ErrorCode.NOTIFICATION_NOT_FOUND)
        if delivery.status != Delivery.Status.SENDING:
            delivery.status = Delivery.Status.PENDING
            delivery.next_attempt_at = timezone.now()
            delivery.save(update_fields=["status", "next_attempt_at"])
            deliveries_send_on_commit()
    return delivery


def _destination_lock(*, seller: Seller, destination_id: str) -> Destination:
    destination = (
        Destination.objects.select_for_update()
        .filter(seller=seller, destination_id=destination_id, deleted_at__isnull=True)
        .first()
    )
    if destination is None:
        raise NotFound(_("Destination not found."), code=ErrorCode.DESTINATION_NOT_FOUND)
    return destination
