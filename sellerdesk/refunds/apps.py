from django.apps import AppConfig


class RefundsConfig(AppConfig):
    name = "sellerdesk.refunds"
    label = "refunds"
