from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "sellerdesk.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from sellerdesk.core.workers import recovery_register
        from sellerdesk.webhooks.delivery import deliveries_recover

        recovery_register("webhooks", deliveries_recover)
