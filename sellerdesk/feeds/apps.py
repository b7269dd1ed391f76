from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "sellerdesk.feeds"
    label = "feeds"

    def ready(self) -> None:
        from sellerdesk.core.workers import recovery_register
        from sellerdesk.feeds.processing import feeds_recover

        recovery_register("feeds", feeds_recover)
