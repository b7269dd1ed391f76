from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sellerdesk.accounts.models import Seller
from sellerdesk.demo.data import DEMO_PASSWORD, DEMO_USERNAME, demo_load


class Command(BaseCommand):
    help = "Load the demo seller, listings and orders, unless a seller exists already."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=2000)

    def handle(self, *args: Any, orders: int = 2000, **options: Any) -> None:
        if Seller.objects.exists():
            self.stdout.write("Sellers exist already; demo data not loaded.")
            return
        seller = demo_load(orders=orders)
        self.stdout.write(
            f"Loaded {seller.orders.count()} orders for {seller.name}. "
            f"Sign in as {DEMO_USERNAME} / {DEMO_PASSWORD}."
        )
