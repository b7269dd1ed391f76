from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ApplicationError
from sellerdesk.orders.services import OrderLine, order_create


class Command(BaseCommand):
    help = "Create an order as the marketplace's checkout would: order_create SELLER SKU:QTY ..."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("seller", help="the seller's merchant token")
        parser.add_argument("lines", nargs="+", help="SKU:QUANTITY")
        parser.add_argument("--buyer-name", required=True)
        parser.add_argument("--buyer-email", required=True)
        parser.add_argument("--buyer-language", default="sv", choices=["sv", "en"])
        parser.add_argument("--order-id", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        seller = Seller.objects.filter(merchant_token=options["seller"]).first()
        if seller is None:
            raise CommandError(f"No seller {options['seller']}.")
        lines = []
        for text in options["lines"]:
            sku, _, quantity = text.rpartition(":")
            if not sku or not quantity.isdigit():
                raise CommandError(f"Line {text!r} is not SKU:QUANTITY.")
            lines.append(OrderLine(sku=sku, quantity=int(quantity)))
        try:
            order = order_create(
                seller=seller,
                buyer_name=options["buyer_name"],
                buyer_email=options["buyer_email"],
                buyer_language=options["buyer_language"],
                amazon_order_id=options["order_id"],
                lines=lines,
            )
        except ApplicationError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        self.stdout.write(
            f"{order.amazon_order_id} {order.status} {order.order_total} {order.currency}"
        )
