from django.contrib import admin

from sellerdesk.core.admin import ReadOnlyAdmin
from sellerdesk.notifications.models import MailServerStatus


@admin.register(MailServerStatus)
class MailServerStatusAdmin(ReadOnlyAdmin):
    """Whether the mail server is down, since when, and when it is probed next."""

    list_display = ["mailer", "down_since", "failures", "next_probe_at", "last_error"]
