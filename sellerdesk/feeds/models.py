"""Feeds: a document the seller uploads, the feed that processes it, and the result of each
message. The same models serve the Feeds API, the web upload of order-related files and bulk
cancellation by selection."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedType(models.TextChoices):
    """The feed types Seller Desk accepts and their labels; everything else about each one is
    its entry in feeds/kinds.py."""

    ORDER_ACKNOWLEDGEMENT = "POST_ORDER_ACKNOWLEDGEMENT_DATA", _("Order acknowledgement (XML)")
    ORDER_CANCELLATION_FILE = (
        "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA",
        _("Order cancellation file"),
    )
    ORDER_FULFILLMENT = "POST_ORDER_FULFILLMENT_DATA", _("Shipment confirmation (XML)")
    FULFILLMENT_FILE = "POST_FLAT_FILE_FULFILLMENT_DATA", _("Shipment confirmation file")
    PAYMENT_ADJUSTMENT = "POST_PAYMENT_ADJUSTMENT_DATA", _("Order adjustment (XML)")
    PAYMENT_ADJUSTMENT_FILE = "POST_FLAT_FILE_PAYMENT_ADJUSTMENT_DATA", _("Order adjustment file")
    INVENTORY_FILE = (
        "POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA",
        _("Price and quantity inventory file"),
    )


def new_document_id() -> str:
    return f"amzn1.tortuga.4.eu.{uuid.uuid4()}"


def new_report_document_id() -> str:
    return f"amzn1.spdoc.1.4.eu.{uuid.uuid4()}"


def new_feed_id() -> str:
    return str(50_000_000_000 + secrets.randbelow(10**10))


def document_path(document: "FeedDocument", filename: str) -> str:
    return f"feeds/{document.seller_id}/{document.document_id}"


class FeedDocument(models.Model):
    class Purpose(models.TextChoices):
        INPUT = "input", _("Input")
        RESULT = "result", _("Processing report")
        REPORT = "report", _("Report")

    document_id = models.CharField(max_length=80, unique=True, default=new_document_id)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=8, choices=Purpose.choices)
    content_type = models.CharField(max_length=200)
    file = models.FileField(upload_to=document_path, blank=True, max_length=200)
    filename = models.CharField(max_length=255, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    upload_expires_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.document_id


class Feed(models.Model):
    class Status(models.TextChoices):
        IN_QUEUE = "IN_QUEUE", _("In queue")
        IN_PROGRESS = "IN_PROGRESS", _("In progress")
        DONE = "DONE", _("Done")
        CANCELLED = "CANCELLED", _("Cancelled")
        FATAL = "FATAL", _("Fatal")

    class Source(models.TextChoices):
        API = "api", _("Feeds API")
        UPLOAD = "upload", _("File upload")
        SELECTION = "selection", _("Selection on Manage Orders")

    feed_id = models.CharField(max_length=20, unique=True, default=new_feed_id)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="feeds")
    feed_type = models.CharField(max_length=64, choices=FeedType.choices)
    marketplace_ids = models.JSONField(default=list)
    input_document = models.ForeignKey(FeedDocument, on_delete=models.PROTECT, related_name="+")
    result_document = models.ForeignKey(
        FeedDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    processing_status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.IN_QUEUE
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    dry_run = models.BooleanField(default=False)
    # A selection's reason and memo; files and feeds carry their reasons per message.
    options = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The developer application that sent it through the Feeds API.
    application = models.ForeignKey(
        "accounts.DeveloperApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processing_start_time = models.DateTimeField(null=True, blank=True)
    processing_end_time = models.DateTimeField(null=True, blank=True)
    # Runs so far: the first (its tasks queued at submission), then one for every task queued
    # again because none was left to run the feed (they died with their workers, or failed).
    runs = models.PositiveSmallIntegerField(default=0)
    # Records per batch, fixed when processing starts: every task cuts the document alike.
    batch_size = models.PositiveIntegerField(default=0)
    # The document's records, known once a task has read it to the end.
    records_total = models.PositiveIntegerField(null=True, blank=True)
    # When a task last started one of its batches: whose turn it is next (feeds/turns.py).
    batch_started_at = models.DateTimeField(null=True, blank=True)
    # Records of the batches done (applied and reported): the feed's progress.
    records_done = models.PositiveIntegerField(default=0)
    messages_processed = models.PositiveIntegerField(default=0)
    messages_successful = models.PositiveIntegerField(default=0)
    messages_with_error = models.PositiveIntegerField(default=0)
    messages_with_warning = models.PositiveIntegerField(default=0)
    # A dry run's forecast: orders in the cancellation rate's window it would cancel first.
    projected_cancellations = models.PositiveIntegerField(default=0)
    fatal_code = models.PositiveIntegerField(null=True, blank=True)
    fatal_description = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "-created_at", "-id"], name="feed_seller_recent"),
            models.Index(
                fields=["processing_status"],
                condition=models.Q(processing_status__in=["IN_QUEUE", "IN_PROGRESS"]),
                name="feed_active",
            ),
        ]

    def __str__(self) -> str:
        return self.feed_id

    @property
    def kind_label(self) -> str:
        """What the seller knows it as: its feed type (an order adjustment file, a shipment
        confirmation feed...), or, for a selection on Manage Orders, the selection."""
        if self.source == Feed.Source.SELECTION:
            return str(self.get_source_display())
        return str(self.get_feed_type_display())


class FeedBatch(models.Model):
    """One batch of a feed's records (positions number * batch_size onwards): the row that the
    task applying it holds locked in its transaction, and that says it is done."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    records = models.PositiveIntegerField()
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "number"], name="feed_batch_once")]

    def __str__(self) -> str:
        return f"{self.feed_id}/{self.number}"


class FeedResult(models.Model):
    """An Error or Warning for one message; messages that went through leave only counts."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField()
    # MessageID: up to 20 digits, more than a 64-bit integer holds.
    message_id = models.DecimalField(max_digits=20, decimal_places=0)
    result_code = models.CharField(max_length=8)
    message_code = models.PositiveIntegerField()
    description = models.TextField()
    amazon_order_id = models.CharField(max_length=40, blank=True)
    order_item_id = models.CharField(max_length=40, blank=True)
    sku = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "position", "message_code"], name="feed_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.result_code} {self.message_code}"
