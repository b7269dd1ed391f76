from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "sellerdesk.feeds"
    label = "feeds"
