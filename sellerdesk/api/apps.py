from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sellerdesk.api"
    label = "api"

    def ready(self) -> None:
        from sellerdesk.api.usage_plans import usage_plans

        usage_plans()  # an operator's RATE_LIMITS that cannot be read stops the start
