from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sellerdesk.reports"
    label = "reports"

    def ready(self) -> None:
        from sellerdesk.core.workers import recovery_register
        from sellerdesk.reports.generation import reports_recover

        recovery_register("reports", reports_recover)
