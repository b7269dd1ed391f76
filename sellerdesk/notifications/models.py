from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """The transactional outbox: written in the transaction of the change it reports, and
    delivered after commit by a task. What is stored is exactly what the recipient gets.

    A buyer's email is about an order and one of its events; a seller's (the cancellation rate
    alert, a notification destination disabled, an invitation, a password reset) is about the
    seller, to one of its users or to the address invited, and is rendered when it is queued."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Delivery failed")

    class Kind(models.TextChoices):
        ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
        REFUND_ISSUED = "refund_issued", _("Refund issued")
        RATE_ABOVE_TARGET = "rate_above_target", _("Cancellation rate above target")
        WEBHOOK_DISABLED = "webhook_disabled", _("Notification destination disabled")
        INVITATION = "invitation", _("Invitation to a seller")
        PASSWORD_RESET = "password_reset", _("Password reset")

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="emails", null=True, blank=True
    )
    event = models.OneToOneField(
        "orders.OrderEvent", on_delete=models.PROTECT, related_name="email", null=True, blank=True
    )
    seller = models.ForeignKey(
        "accounts.Seller", on_delete=models.PROTECT, related_name="emails", null=True, blank=True
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    language = models.CharField(max_length=2)
    to_address = models.EmailField(max_length=254)
    from_address = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # The worker sending it: if that worker dies, the email is due again at once.
    claimed_by = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__isnull=False, event__isnull=False, seller__isnull=True)
                | models.Q(order__isnull=True, event__isnull=True, seller__isnull=False),
                name="outbox_to_buyer_or_seller",
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_due",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class MailServerStatus(models.Model):
    """Whether the mail server answers, as the last delivery found it (one row per mailer).

    While it is down, deliveries stop and one probe connection is made at a time, with backoff;
    the emails keep their place. The first connection that works again makes every waiting
    email due at once."""

    mailer = models.CharField(max_length=32, unique=True)
    down_since = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    next_probe_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "mail server status"

    def __str__(self) -> str:
        return f"{self.mailer}: {'down' if self.down_since else 'up'}"
