from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sellerdesk.notifications"
    label = "notifications"
