from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sellerdesk.notifications"
    label = "notifications"

    def ready(self) -> None:
        from sellerdesk.core.workers import recovery_register
        from sellerdesk.notifications.delivery import outbox_recover

        recovery_register("outbox", outbox_recover)
