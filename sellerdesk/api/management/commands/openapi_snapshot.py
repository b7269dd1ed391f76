import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sellerdesk.api.urls import api, notificationsapi, ordersapi, reportsapi, spapi

# Each API's schema and its committed snapshot under docs/ (`make openapi` writes them all).
SECTIONS = {
    "api": api,  # docs/openapi.json
    "feeds": spapi,  # docs/openapi-spapi.json
    "orders": ordersapi,  # docs/openapi-orders.json
    "reports": reportsapi,  # docs/openapi-reports.json
    "notifications": notificationsapi,  # docs/openapi-notifications.json
}


class Command(BaseCommand):
    help = "Print an API's OpenAPI schema, as its snapshot under docs/ is committed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("section", nargs="?", default="api", choices=sorted(SECTIONS))

    def handle(self, *args: Any, **options: Any) -> None:
        schema = SECTIONS[options["section"]].get_openapi_schema()
        self.stdout.write(json.dumps(schema, indent=2, sort_keys=True))
