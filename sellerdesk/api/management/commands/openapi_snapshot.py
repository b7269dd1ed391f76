import json
from typing import Any

from django.core.management.base import BaseCommand

from sellerdesk.api.urls import api


class Command(BaseCommand):
    help = "Print the API's OpenAPI schema; docs/openapi.json is its committed snapshot."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True))
