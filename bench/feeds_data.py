"""Data of the feeds benchmark: fresh Unshipped orders, and the acknowledgement feeds that
cancel them.

Orders and items go in with executemany on the database cursor, as in bench/generate.py (whose
INSERT builder is reused); the seller, its listings and the feeds go through the services. Every
order is Unshipped with 1-3 items of different listings; its feed message is StatusCode Failure
and names every item with a CancelReason that restocks, so that each message cancels its whole
order, returns its units to stock and queues one buyer email."""

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from bench.generate import ITEM_FIELDS, ORDER_FIELDS, _Insert, _permutation
from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.services import listing_create
from sellerdesk.demo.data import CITIES, FIRST_NAMES, LAST_NAMES, PRODUCTS
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_submit
from sellerdesk.orders.models import Order, OrderItem, OrderStatus

SEED = 2026
LISTINGS = 40
STOCK = 1_000_000
CHUNK = 20_000  # orders per INSERT transaction
DAY = 86_400
_ITEM_COUNTS = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)  # 1.5 items per order
_QUANTITIES = (1,) * 17 + (2, 2, 3)
# Reasons that restock (every one but NoInventory), mostly the buyer's own request.
REASONS = (
    ("BuyerCanceled", 6),
    ("GeneralAdjustment", 1),
    ("PricingError", 1),
    ("ShippingAddressUndeliverable", 1),
    ("CustomerExchange", 1),
)


Row = tuple[Any, ...]  # values as the database driver takes them


@dataclass
class Part:
    """One feed's orders: what they are, and what processing them must change."""

    seller: Seller
    path: Path
    orders: int = 0
    items: int = 0
    units: int = 0
    # Listing pk -> units the feed returns to it.
    restock: dict[int, int] = field(default_factory=dict)
    feed: Feed | None = None


@dataclass(frozen=True)
class _Shop:
    seller: Seller
    listings: list[tuple[int, str, str, int]]  # pk, sku, title, price in öre
    cum_weights: list[float]


def generate(*, orders: int, feeds: int, sellers: int, directory: Path) -> list[Part]:
    """Orders for `feeds` feeds of equal share, of one seller or one seller per feed, and each
    feed's XML document under directory. Fill an empty, migrated database."""
    rng = random.Random(SEED)
    with transaction.atomic():
        shops = [_shop(rng, number) for number in range(1, sellers + 1)]
    parts = [
        Part(seller=shops[index % sellers].seller, path=directory / f"feed-{index + 1}.xml")
        for index in range(feeds)
    ]
    writers = [_FeedWriter(part.path, part.seller.merchant_token) for part in parts]
    order_ids, item_ids = _permutation(rng, 10**17), _permutation(rng, 10**14)
    now = int(time.time())
    insert_order, insert_item = _Insert.of(Order, ORDER_FIELDS), _Insert.of(OrderItem, ITEM_FIELDS)
    # Purchased over the last two days; ids ascend with time, as they do in production.
    dates = sorted(now - rng.randrange(60, 2 * DAY) for _ in range(orders))
    item_pk = 0
    for start in range(0, orders, CHUNK):
        order_rows: list[Row] = []
        item_rows: list[Row] = []
        for index in range(start, min(start + CHUNK, orders)):
            feed = index * feeds // orders  # the first share to feed 1, the next to feed 2
            part, shop, pk = parts[feed], shops[feed % sellers], index + 1
            digits = f"{(order_ids[0] * pk + order_ids[1]) % 10**17:017d}"
            amazon_order_id = f"{digits[:3]}-{digits[3:10]}-{digits[10:]}"
            purchased = _when(dates[index])
            lines = []
            total = 0
            for listing_index in sorted(_pick(rng, shop)):
                listing_pk, sku, title, price = shop.listings[listing_index]
                quantity = rng.choice(_QUANTITIES)
                item_pk += 1
                item_id = f"{(item_ids[0] * item_pk + item_ids[1]) % 10**14:014d}"
                line = price * quantity
                total += line
                # Item price, shipping, item tax (Swedish VAT is a fifth of a gross price), its tax.
                amounts = (_money(line), Decimal(0), _money(line // 5), Decimal(0))
                ids = (item_pk, pk, item_id, listing_pk)
                item_rows.append((*ids, sku, title, quantity, 0, 0, *amounts))
                lines.append(item_id)
                part.items += 1
                part.units += quantity
                part.restock[listing_pk] = part.restock.get(listing_pk, 0) + quantity
            order_rows.append(
                (
                    pk,
                    amazon_order_id,
                    shop.seller.pk,
                    OrderStatus.UNSHIPPED.value,
                    True,
                    purchased,
                    _when(now + 2 * DAY),
                    purchased,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"buyer{pk}@example.se",
                    "en" if rng.random() < 0.1 else "sv",
                    rng.choice(CITIES),
                    _money(total),
                    shop.seller.marketplace_id,
                    "SEK",
                )
            )
            part.orders += 1
            reason = rng.choices([r for r, _ in REASONS], [w for _, w in REASONS])[0]
            writers[feed].message(amazon_order_id, reason, lines)
        with transaction.atomic(), connection.cursor() as cursor:
            _insert(cursor, insert_order, order_rows)
            _insert(cursor, insert_item, item_rows)
    for writer in writers:
        writer.close()
    if connection.vendor == "postgresql":  # ids were given explicitly: move the sequences on
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Order, OrderItem]):
                cursor.execute(sql)
    return parts


def submit(part: Part) -> Feed:
    """Upload the feed's document and create the feed, as the Feeds API does: the feed is
    IN_QUEUE with its process_feed task on the feeds queue."""
    with part.path.open("rb") as source:
        part.feed = feed_submit(
            seller=part.seller,
            feed_type=FeedType.ORDER_ACKNOWLEDGEMENT,
            chunks=_chunks(source),
            content_type="text/xml; charset=UTF-8",
            filename=part.path.name,
            source=Feed.Source.API,
        )
    return part.feed


def _insert(cursor: CursorWrapper, insert: _Insert, rows: list[Row]) -> None:
    cursor.executemany(insert.sql, [(*row, *insert.defaults) for row in rows])


def _chunks(source: BinaryIO) -> Iterator[bytes]:
    while chunk := source.read(1 << 20):
        yield chunk


def _shop(rng: random.Random, number: int) -> _Shop:
    seller = Seller.objects.create(
        merchant_token=f"A3BENCHFEEDS{number:02d}", name=f"Feeds Benchmark {number}"
    )
    listings, cum_weights, total = [], [], 0.0
    for index in range(LISTINGS):
        listing = listing_create(
            seller_id=seller.pk,
            sku=f"FB{number}-{index + 1:04d}",
            title=PRODUCTS[index % len(PRODUCTS)],
            price=Decimal(rng.randrange(99, 1499)),
            quantity=STOCK,
        )
        listings.append((listing.pk, listing.sku, listing.title, int(listing.price * 100)))
        total += 1 / (index + 1)  # a few bestsellers, a long tail
        cum_weights.append(total)
    return _Shop(seller=seller, listings=listings, cum_weights=cum_weights)


def _pick(rng: random.Random, shop: _Shop) -> set[int]:
    count, picked = rng.choice(_ITEM_COUNTS), set[int]()
    while len(picked) < count:
        picked.add(rng.choices(range(len(shop.listings)), cum_weights=shop.cum_weights)[0])
    return picked


def _money(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def _when(epoch: int) -> object:
    return connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(epoch, tz=UTC))


class _FeedWriter:
    """A POST_ORDER_ACKNOWLEDGEMENT_DATA document, one Message per order, written as it goes."""

    def __init__(self, path: Path, merchant: str) -> None:
        self._out = path.open("w", encoding="utf-8")
        self._count = 0
        self._out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n'
            "  <Header>\n    <DocumentVersion>1.01</DocumentVersion>\n"
            f"    <MerchantIdentifier>{escape(merchant)}</MerchantIdentifier>\n  </Header>\n"
            "  <MessageType>OrderAcknowledgement</MessageType>\n"
        )

    def message(self, order_id: str, reason: str, item_ids: list[str]) -> None:
        self._count += 1
        items = "".join(
            f"      <Item><AmazonOrderItemCode>{item_id}</AmazonOrderItemCode>"
            f"<CancelReason>{reason}</CancelReason></Item>\n"
            for item_id in item_ids
        )
        self._out.write(
            f"  <Message>\n    <MessageID>{self._count}</MessageID>\n"
            f"    <OrderAcknowledgement>\n      <AmazonOrderID>{order_id}</AmazonOrderID>\n"
            f"      <StatusCode>Failure</StatusCode>\n{items}"
            "    </OrderAcknowledgement>\n  </Message>\n"
        )

    def close(self) -> None:
        self._out.write("</AmazonEnvelope>\n")
        self._out.close()
