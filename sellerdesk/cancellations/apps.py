from django.apps import AppConfig


class CancellationsConfig(AppConfig):
    name = "sellerdesk.cancellations"
    label = "cancellations"
