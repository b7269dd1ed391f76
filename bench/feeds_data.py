"""Data of the feeds benchmark: fresh orders, and the feeds that change them.

Orders and items go in with executemany on the database cursor, as in bench/generate.py (whose
INSERT builder is reused); the seller, its listings and the feeds go through the services. What
the orders are, what their feed messages say and what processing must change is a feed kind's:

- Cancellation (here): every order is Unshipped with 1-3 items of different listings; its
  message in a POST_ORDER_ACKNOWLEDGEMENT_DATA feed is StatusCode Failure and names every item
  with a CancelReason that restocks, so that each message cancels its whole order, returns its
  units to stock and queues one buyer email.
- Adjustment: bench/adjustments_data.py."""

import bisect
import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Count, Sum

from bench.generate import ITEM_FIELDS, ORDER_FIELDS, _Insert, _permutation
from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.services import listing_create
from sellerdesk.demo.data import CITIES, FIRST_NAMES, LAST_NAMES, PRODUCTS
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_submit
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus

SEED = 2026
LISTINGS = 40
STOCK = 1_000_000
CHUNK = 20_000  # orders per INSERT transaction
DAY = 86_400
_ITEM_COUNTS = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)  # 1.5 items per order
QUANTITIES = (1,) * 17 + (2, 2, 3)
# Reasons that restock (every one but NoInventory), mostly the buyer's own request.
REASONS = (
    ("BuyerCanceled", 6),
    ("GeneralAdjustment", 1),
    ("PricingError", 1),
    ("ShippingAddressUndeliverable", 1),
    ("CustomerExchange", 1),
)


Row = tuple[Any, ...]  # values as the database driver takes them
Expect = Callable[[str, object, object], None]  # what, found, expected: a problem if they differ


@dataclass
class Part:
    """One feed's orders: what they are, and what processing them must change."""

    seller: Seller
    path: Path
    orders: int = 0
    items: int = 0  # order items the feed's messages name
    units: int = 0  # units those messages cancel
    # Listing pk -> units the feed returns to it (cancellation).
    restock: dict[int, int] = field(default_factory=dict)
    # Listings the feed sets to zero (adjustment, NoInventory).
    zeroed: set[int] = field(default_factory=set)
    # What the feed refunds (adjustment), by Refund amount field.
    refunds: dict[str, Decimal] = field(default_factory=dict)
    feed: Feed | None = None


@dataclass(frozen=True)
class Shop:
    seller: Seller
    listings: list[tuple[int, str, str, int]]  # pk, sku, title, price in öre
    cum_weights: list[float]


@dataclass(frozen=True)
class Line:
    """An order item as a feed kind wants it: which of the shop's listings, how many units,
    how many of them shipped, and its item price, shipping, item tax and shipping tax in öre."""

    listing: int  # index into Shop.listings
    quantity: int
    shipped: int
    amounts: tuple[int, int, int, int]


@dataclass(frozen=True)
class Item:
    pk: int
    order_item_id: str
    listing_pk: int
    sku: str
    line: Line


@dataclass(frozen=True)
class NewOrder:
    pk: int
    seller_pk: int
    amazon_order_id: str
    purchased: int  # epoch seconds
    total: int  # öre
    items: list[Item]


class Kind:
    """A feed the benchmark runs: the orders it needs, its messages, what it must change."""

    name: ClassVar[str]
    feed_type: ClassVar[FeedType]
    message_type: ClassVar[str]
    status: ClassVar[OrderStatus]  # of the orders as generated
    email_kind: ClassVar[str]  # the outbox email each message queues
    english_subject: ClassVar[str]  # how an English buyer's subject begins
    outcome: ClassVar[str]  # what verify() checks, for the report
    # Further rows per order, model and fields, inserted after the order and its items.
    tables: ClassVar[tuple[tuple[type[models.Model], tuple[str, ...]], ...]] = ()

    def lines(self, rng: random.Random, shop: Shop) -> list[Line]:
        raise NotImplementedError

    def total(self, lines: list[Line]) -> int:
        """The order total in öre: by default every amount of every item."""
        return sum(sum(line.amounts) for line in lines)

    def message(self, rng: random.Random, order: NewOrder, part: Part) -> str:
        """The message's body (the element after MessageID), and what it will change in part."""
        raise NotImplementedError

    def rows(self, order: NewOrder, now: int) -> list[list[Row]]:
        """The order's rows of each of tables."""
        return []

    def verify(self, parts: list[Part], stock: dict[int, int], expect: Expect) -> None:
        """Check the orders, events, items, stock and ledger after processing; `stock` is every
        listing's quantity before."""
        raise NotImplementedError


class Cancellation(Kind):
    name = "cancellation"
    feed_type = FeedType.ORDER_ACKNOWLEDGEMENT
    message_type = "OrderAcknowledgement"
    status = OrderStatus.UNSHIPPED
    email_kind = OutboundEmail.Kind.ORDER_CANCELLED
    english_subject = "Your"
    outcome = (
        "every order Canceled by the feed, one event, one pending email and its delivery task "
        "per order, ledger and stock restocked, report counts right."
    )

    def lines(self, rng: random.Random, shop: Shop) -> list[Line]:
        lines = []
        for listing in sorted(pick(rng, shop, rng.choice(_ITEM_COUNTS))):
            quantity = rng.choice(QUANTITIES)
            line = shop.listings[listing][3] * quantity
            # Item price, shipping, item tax (Swedish VAT is a fifth of a gross price), its tax.
            lines.append(Line(listing, quantity, 0, (line, 0, line // 5, 0)))
        return lines

    def total(self, lines: list[Line]) -> int:
        return sum(line.amounts[0] for line in lines)  # the prices are gross

    def message(self, rng: random.Random, order: NewOrder, part: Part) -> str:
        reason = rng.choices([r for r, _ in REASONS], [w for _, w in REASONS])[0]
        for item in order.items:
            part.items += 1
            part.units += item.line.quantity
            part.restock[item.listing_pk] = (
                part.restock.get(item.listing_pk, 0) + item.line.quantity
            )
        items = "".join(
            f"      <Item><AmazonOrderItemCode>{item.order_item_id}</AmazonOrderItemCode>"
            f"<CancelReason>{reason}</CancelReason></Item>\n"
            for item in order.items
        )
        return (
            f"    <OrderAcknowledgement>\n      <AmazonOrderID>{order.amazon_order_id}"
            f"</AmazonOrderID>\n      <StatusCode>Failure</StatusCode>\n{items}"
            "    </OrderAcknowledgement>\n"
        )

    def verify(self, parts: list[Part], stock: dict[int, int], expect: Expect) -> None:
        orders = sum(part.orders for part in parts)
        by_status = dict(Order.objects.values_list("status").annotate(Count("pk")).order_by())
        expect("orders by status", by_status, {OrderStatus.CANCELED: orders})
        events = OrderEvent.objects.filter(kind=OrderEvent.Kind.CANCELLED, source="feed")
        expect("cancel events", events.count(), orders)
        expect("events of other kinds", OrderEvent.objects.exclude(pk__in=events).count(), 0)
        expect("events of whole orders", events.filter(data__whole_order=True).count(), orders)
        units = sum(part.units for part in parts)
        cancelled = OrderItem.objects.aggregate(n=Sum("quantity_cancelled"))["n"]
        expect("units cancelled", cancelled, units)
        ledger = InventoryLedgerEntry.objects.filter(
            cause=InventoryLedgerEntry.Cause.CANCELLATION_RESTOCK
        )
        expect(
            "restock ledger rows, units",
            (ledger.count(), ledger.aggregate(n=Sum("delta"))["n"]),
            (sum(part.items for part in parts), units),
        )
        restocked: dict[int, int] = {}
        for part in parts:
            for listing, count in part.restock.items():
                restocked[listing] = restocked.get(listing, 0) + count
        expect("listings restocked", stock_changes(stock), restocked)


def generate(
    *,
    kind: Kind,
    orders: int,
    feeds: int,
    sellers: int,
    directory: Path,
    sizes: Sequence[int] | None = None,
    listings: Sequence[int] | None = None,
) -> list[Part]:
    """Orders for `feeds` feeds of equal share (or of `sizes`, orders per feed, summing to
    `orders`), of one seller or one seller per feed, and each feed's XML document under
    directory; each seller with LISTINGS listings, or as many as `listings` gives it. Fill an
    empty, migrated database."""
    ends = list(itertools.accumulate(sizes)) if sizes else None
    assert ends is None or (len(ends) == feeds and ends[-1] == orders)
    rng = random.Random(SEED)
    with transaction.atomic():
        shops = [
            _shop(rng, number, listings[number - 1] if listings else LISTINGS)
            for number in range(1, sellers + 1)
        ]
    parts = [
        Part(
            seller=shops[index % sellers].seller,
            path=directory / f"{kind.name}-{index + 1}.xml",
        )
        for index in range(feeds)
    ]
    writers = [_FeedWriter(part.path, part.seller.merchant_token, kind) for part in parts]
    order_ids, item_ids = _permutation(rng, 10**17), _permutation(rng, 10**14)
    now = int(time.time())
    tables: list[tuple[type[models.Model], tuple[str, ...]]] = [
        (Order, ORDER_FIELDS),
        (OrderItem, ITEM_FIELDS),
        *kind.tables,
    ]
    inserts = [_Insert.of(model, fields) for model, fields in tables]
    # Purchased over the last two days; ids ascend with time, as they do in production.
    dates = sorted(now - rng.randrange(60, 2 * DAY) for _ in range(orders))
    item_pk = 0
    for start in range(0, orders, CHUNK):
        rows: list[list[Row]] = [[] for _ in inserts]
        for index in range(start, min(start + CHUNK, orders)):
            # The first share to feed 1, the next to feed 2...
            feed = bisect.bisect_right(ends, index) if ends else index * feeds // orders
            part, shop, pk = parts[feed], shops[feed % sellers], index + 1
            digits = f"{(order_ids[0] * pk + order_ids[1]) % 10**17:017d}"
            lines = kind.lines(rng, shop)
            items = []
            for line in lines:
                listing_pk, sku, title, _price = shop.listings[line.listing]
                item_pk += 1
                item_id = f"{(item_ids[0] * item_pk + item_ids[1]) % 10**14:014d}"
                items.append(Item(item_pk, item_id, listing_pk, sku, line))
                ids = (item_pk, pk, item_id, listing_pk)
                rows[1].append(
                    (*ids, sku, title, line.quantity, line.shipped, 0, *map(money, line.amounts))
                )
            order = NewOrder(
                pk=pk,
                seller_pk=shop.seller.pk,
                amazon_order_id=f"{digits[:3]}-{digits[3:10]}-{digits[10:]}",
                purchased=dates[index],
                total=kind.total(lines),
                items=items,
            )
            rows[0].append(
                (
                    pk,
                    order.amazon_order_id,
                    shop.seller.pk,
                    kind.status.value,
                    True,
                    when(order.purchased),
                    when(now + 2 * DAY),
                    when(order.purchased),
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"buyer{pk}@example.se",
                    "en" if rng.random() < 0.1 else "sv",
                    rng.choice(CITIES),
                    money(order.total),
                    shop.seller.marketplace_id,
                    "SEK",
                )
            )
            for table, more in enumerate(kind.rows(order, now), 2):
                rows[table].extend(more)
            part.orders += 1
            writers[feed].message(kind.message(rng, order, part))
        with transaction.atomic(), connection.cursor() as cursor:
            for insert, table_rows in zip(inserts, rows, strict=True):
                _insert(cursor, insert, table_rows)
    for writer in writers:
        writer.close()
    if connection.vendor == "postgresql":  # ids were given explicitly: move the sequences on
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in tables]):
                cursor.execute(sql)
    return parts


def submit(part: Part, kind: Kind) -> Feed:
    """Upload the feed's document and create the feed, as the Feeds API does: the feed is
    IN_QUEUE with its process_feed task on the feeds queue."""
    with part.path.open("rb") as source:
        part.feed = feed_submit(
            seller=part.seller,
            feed_type=kind.feed_type,
            chunks=iter(lambda: source.read(1 << 20), b""),
            content_type="text/xml; charset=UTF-8",
            filename=part.path.name,
            source=Feed.Source.API,
        )
    return part.feed


def stock_changes(before: dict[int, int]) -> dict[int, int]:
    """Listing pk -> how its quantity changed since `before`, for the listings that changed."""
    now = dict(Listing.objects.values_list("pk", "quantity"))
    return {pk: now[pk] - before[pk] for pk in now if now[pk] != before[pk]}


def pick(rng: random.Random, shop: Shop, count: int) -> set[int]:
    """count different listings of the shop, by popularity."""
    picked = set[int]()
    while len(picked) < count:
        picked.add(rng.choices(range(len(shop.listings)), cum_weights=shop.cum_weights)[0])
    return picked


def money(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


def when(epoch: int) -> object:
    return connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(epoch, tz=UTC))


def _insert(cursor: CursorWrapper, insert: _Insert, rows: list[Row]) -> None:
    cursor.executemany(insert.sql, [(*row, *insert.defaults) for row in rows])


def _shop(rng: random.Random, number: int, count: int) -> Shop:
    seller = Seller.objects.create(
        merchant_token=f"A3BENCHFEED{number:03d}", name=f"Feeds Benchmark {number}"
    )
    listings, cum_weights, total = [], [], 0.0
    for index in range(count):
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
    return Shop(seller=seller, listings=listings, cum_weights=cum_weights)


class _FeedWriter:
    """An AmazonEnvelope of the kind's messages, one per order, written as it goes."""

    def __init__(self, path: Path, merchant: str, kind: Kind) -> None:
        self._out = path.open("w", encoding="utf-8")
        self._count = 0
        self._out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n'
            "  <Header>\n    <DocumentVersion>1.01</DocumentVersion>\n"
            f"    <MerchantIdentifier>{escape(merchant)}</MerchantIdentifier>\n  </Header>\n"
            f"  <MessageType>{kind.message_type}</MessageType>\n"
        )

    def message(self, body: str) -> None:
        self._count += 1
        self._out.write(
            f"  <Message>\n    <MessageID>{self._count}</MessageID>\n{body}  </Message>\n"
        )

    def close(self) -> None:
        self._out.write("</AmazonEnvelope>\n")
        self._out.close()
