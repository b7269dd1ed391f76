import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.catalog.services import listing_change_quantity, listings_lock
from sellerdesk.demo.data import DEMO_MERCHANT, FIRST_NAMES, LAST_NAMES
from sellerdesk.orders.services import OrderLine, order_create


class Command(BaseCommand):
    help = (
        "Give the demo seller fresh unshipped orders and write sample files that cancel them: "
        "an Order Cancellation file and an XML order acknowledgement feed, under var/demo-files/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file-orders", type=int, default=1000)
        parser.add_argument("--feed-orders", type=int, default=10000)

    def handle(self, *args: Any, file_orders: int, feed_orders: int, **options: Any) -> None:
        seller = Seller.objects.filter(merchant_token=DEMO_MERCHANT).first()
        if seller is None:
            raise CommandError("Load the demo first (manage.py demo_load).")
        rng = random.Random()
        skus = list(seller.listings.values_list("sku", flat=True))
        with transaction.atomic():  # enough stock for every new order, through the ledger
            for listing in listings_lock(
                listing_ids=seller.listings.values_list("pk", flat=True)
            ).values():
                listing_change_quantity(
                    listing=listing,
                    delta=file_orders + feed_orders,
                    cause=InventoryLedgerEntry.Cause.ADJUSTMENT,
                )
        order_ids: list[tuple[str, str]] = []
        for index in range(file_orders + feed_orders):
            order = order_create(
                seller=seller,
                buyer_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                buyer_email=f"bulk{index}@example.se",
                lines=[OrderLine(sku=rng.choice(skus), quantity=1)],
            )
            order_ids.append((order.amazon_order_id, order.items.get().order_item_id))
        folder = Path(settings.VAR_DIR) / "demo-files"
        folder.mkdir(exist_ok=True)
        flat = folder / f"order-cancellation-{file_orders}.txt"
        flat.write_text(
            "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
            + "".join(f"{order_id}\tPricingError\t\n" for order_id, _ in order_ids[:file_orders])
        )
        xml = folder / f"order-acknowledgement-{feed_orders}.xml"
        messages = "".join(
            f"<Message><MessageID>{number}</MessageID><OrderAcknowledgement>"
            f"<AmazonOrderID>{order_id}</AmazonOrderID><StatusCode>Failure</StatusCode>"
            f"<Item><AmazonOrderItemCode>{item_id}</AmazonOrderItemCode>"
            "<CancelReason>GeneralAdjustment</CancelReason></Item>"
            "</OrderAcknowledgement></Message>"
            for number, (order_id, item_id) in enumerate(order_ids[file_orders:], start=1)
        )
        xml.write_text(
            '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><Header>'
            f"<DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>{DEMO_MERCHANT}"
            "</MerchantIdentifier></Header><MessageType>OrderAcknowledgement</MessageType>"
            f"{messages}</AmazonEnvelope>"
        )
        self.stdout.write(f"Created {len(order_ids)} unshipped orders.\n{flat}\n{xml}")
