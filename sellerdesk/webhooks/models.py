"""The Notifications API's destinations and subscriptions, and the outbox of notifications
delivered to the destinations' webhooks.

A destination is the seller's: an HTTPS URL and the secret its deliveries are signed with. A
subscription says that the application wants one notification type for its seller, sent to a
destination. A delivery is one notification for one subscription, written in the transaction of
the change it reports and sent after commit by a worker (delivery.py)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_id() -> str:
    return str(uuid.uuid4())


class Destination(models.Model):
    destination_id = models.CharField(max_length=36, unique=True, default=new_id)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="+")
    # The application that created it; every application of the seller sees it.
    application = models.ForeignKey(
        "accounts.DeveloperApplication", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=256)
    url = models.CharField(_("URL"), max_length=2048)
    # The key of the deliveries' HMAC-SHA256 signatures; returned once, by createDestination.
    signing_secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # Since when every delivery has failed; cleared by a delivery that succeeds.
    failing_since = models.DateTimeField(null=True, blank=True)
    # Disabled after failing for WEBHOOKS_DISABLE_AFTER_HOURS: nothing is sent until the seller
    # enables it again; the deliveries wait.
    disabled_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["seller", "created_at"], name="destination_seller")]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


class Subscription(models.Model):
    subscription_id = models.CharField(max_length=36, unique=True, default=new_id)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "accounts.DeveloperApplication", on_delete=models.PROTECT, related_name="+"
    )
    notification_type = models.CharField(max_length=64)
    payload_version = models.CharField(max_length=16)
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="subscriptions"
    )
    # processingDirective.eventFilter of ORDER_CHANGE: the OrderChangeTypes wanted; empty: all.
    order_change_types = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "notification_type", "application"],
                name="subscription_one_per_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} → {self.destination_id}"


class Delivery(models.Model):
    """One notification to one destination. `body` is exactly what is sent, every time: the
    same notificationId however often it is sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")

    notification_id = models.CharField(max_length=36, unique=True, default=new_id)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="+")
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="deliveries"
    )
    subscription_id = models.CharField(max_length=36)
    notification_type = models.CharField(max_length=64)
    # Deliveries of one key go out in the order they were written: the order's id for
    # ORDER_CHANGE, the feed's or report's for the others.
    ordering_key = models.CharField(max_length=100)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="webhook_due",
            ),
            # Whether an earlier delivery of the same key is still to be sent.
            models.Index(
                fields=["destination", "ordering_key", "id"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="webhook_undelivered_by_key",
            ),
            models.Index(fields=["seller", "-id"], name="webhook_seller_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_type} {self.notification_id}"
