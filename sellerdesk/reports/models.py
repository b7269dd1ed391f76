"""Reports: a request for one of the order reports (Reports API 2021-06-30), the task that makes
it, and the document it is written to (a feeds.FeedDocument of purpose REPORT, so that reports
are downloaded through the same signed URLs as feed documents)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportType(models.TextChoices):
    """The report types Seller Desk makes and their labels; how each is made is its entry in
    reports/kinds.py."""

    UNSHIPPED_ORDERS = "GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING", _("Unshipped orders")
    ALL_ORDERS_BY_ORDER_DATE = (
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
        _("All orders by order date"),
    )
    ALL_ORDERS_BY_LAST_UPDATE = (
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
        _("All orders by last update"),
    )


def new_report_id() -> str:
    return str(60_000_000_000 + secrets.randbelow(10**10))


class Report(models.Model):
    class Status(models.TextChoices):
        IN_QUEUE = "IN_QUEUE", _("In queue")
        IN_PROGRESS = "IN_PROGRESS", _("In progress")
        DONE = "DONE", _("Done")
        CANCELLED = "CANCELLED", _("Cancelled")
        FATAL = "FATAL", _("Fatal")

    report_id = models.CharField(max_length=20, unique=True, default=new_report_id)
    seller = models.ForeignKey("accounts.Seller", on_delete=models.PROTECT, related_name="reports")
    report_type = models.CharField(max_length=64, choices=ReportType.choices)
    marketplace_ids = models.JSONField(default=list)
    data_start_time = models.DateTimeField()
    data_end_time = models.DateTimeField()
    processing_status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.IN_QUEUE
    )
    document = models.ForeignKey(
        "feeds.FeedDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processing_start_time = models.DateTimeField(null=True, blank=True)
    processing_end_time = models.DateTimeField(null=True, blank=True)
    # The task that owns the report (core/claims.py), and how many tasks have claimed it.
    claimed_by = models.CharField(max_length=64, blank=True)
    runs = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["seller", "-created_at", "-id"], name="report_seller_recent"),
            models.Index(
                fields=["processing_status"],
                condition=models.Q(processing_status__in=["IN_QUEUE", "IN_PROGRESS"]),
                name="report_active",
            ),
        ]

    def __str__(self) -> str:
        return self.report_id
