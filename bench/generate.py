"""Benchmark data: one seller with a million orders over a year, and a smaller second seller.

Rows are written with executemany on the database cursor, in chunks of one transaction each;
the services are used only for the few sellers, users and listings. Order ids, item ids and
everything else follow from the seed, so two generations hold the same orders (dates are
relative to the hour the data is generated). Only what the measured paths read is generated:
historical orders have no events, charges or ledger rows.
"""

import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper

from sellerdesk.accounts.models import Seller, User
from sellerdesk.catalog.services import listing_create
from sellerdesk.demo.data import CITIES, FIRST_NAMES, LAST_NAMES, PRODUCTS
from sellerdesk.orders.models import Order, OrderItem, OrderStatus

SEED = 2026
ORDERS = 1_000_000
OTHER_ORDERS = 20_000
BENCH_MERCHANT = "A3BENCHSELLER1"
OTHER_MERCHANT = "A3BENCHOTHER01"
BENCH_USERNAME = "bench"
CHUNK = 50_000
DAY = 86_400
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"  # how Django stores an aware datetime on SQLite (UTC)

# Status by the order's age: recent orders wait to ship, older ones have mostly shipped.
_STATUSES = list(OrderStatus)
# Weights in OrderStatus order: Pending, Unshipped, PartiallyShipped, Shipped, Canceled.
_RECENT = (0.03, 0.80, 0.02, 0.12, 0.03)  # under 2 days old
_LATE = (0.01, 0.03, 0.02, 0.90, 0.04)  # 2 to 7 days
_OLD = (0.0, 0.0, 0.003, 0.957, 0.04)  # older
_ITEM_COUNTS = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)  # 1.5 items per order
_QUANTITIES = (1,) * 17 + (2, 2, 3)

ORDER_FIELDS = (
    "id",
    "amazon_order_id",
    "seller",
    "status",
    "payment_authorized",
    "purchase_date",
    "latest_ship_date",
    "last_update_date",
    "buyer_name",
    "buyer_email",
    "buyer_language",
    "ship_city",
    "order_total",
    "marketplace_id",
    "currency",
)
ITEM_FIELDS = (
    "id",
    "order",
    "order_item_id",
    "listing",
    "seller_sku",
    "title",
    "quantity_ordered",
    "quantity_shipped",
    "quantity_cancelled",
    "item_price",
    "shipping_price",
    "item_tax",
    "shipping_tax",
)


Row = tuple[int | str | bool | None, ...]


@dataclass(frozen=True)
class Shop:
    """A seller and its listings as (id, sku, title, price in öre), with popularity weights."""

    seller: Seller
    listings: list[tuple[int, str, str, int]]
    cum_weights: list[float]


def bench_seller() -> Seller | None:
    return Seller.objects.filter(merchant_token=BENCH_MERCHANT).first()


def is_complete(*, unshipped: int, orders: int = ORDERS) -> bool:
    """All the orders are there, and enough Unshipped ones are left to cancel."""
    seller = bench_seller()
    if seller is None:
        return False
    mine = Order.objects.filter(seller=seller)
    left = mine.filter(status=OrderStatus.UNSHIPPED).count()
    return mine.count() == orders and left >= unshipped


def generate(*, seed: int = SEED, orders: int = ORDERS, other_orders: int = OTHER_ORDERS) -> None:
    """Fill an empty, migrated database."""
    rng = random.Random(seed)
    with transaction.atomic():
        shop = _shop(rng, BENCH_MERCHANT, "Nordisk Hem AB", listings=40, prefix="NH")
        other = _shop(rng, OTHER_MERCHANT, "Fjällbutiken", listings=8, prefix="FJ")
        User.objects.create_user(
            username=BENCH_USERNAME, password=None, seller=shop.seller, language="sv"
        )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")  # this connection only; a rebuild is cheap
        cursor.execute("PRAGMA cache_size=-1000000")
    rows = _Rows(rng, shops=[shop] * orders + [other] * other_orders)
    insert_order, insert_item = _Insert.of(Order, ORDER_FIELDS), _Insert.of(OrderItem, ITEM_FIELDS)
    for order_rows, item_rows in rows.chunks(CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            insert_order.run(cursor, order_rows)
            insert_item.run(cursor, item_rows)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()  # the measurements start on a connection with the project's settings


def _shop(rng: random.Random, merchant: str, name: str, *, listings: int, prefix: str) -> Shop:
    seller = Seller.objects.create(merchant_token=merchant, name=name)
    rows, cum_weights, total = [], [], 0.0
    for index in range(listings):
        product = PRODUCTS[index % len(PRODUCTS)]
        variant = index // len(PRODUCTS) + 1
        listing = listing_create(
            seller_id=seller.pk,
            sku=f"{prefix}-{index + 1:04d}",
            title=product if variant == 1 else f"{product} v{variant}",
            price=Decimal(rng.randrange(99, 1499)),
            quantity=100_000,
        )
        rows.append((listing.pk, listing.sku, listing.title, int(listing.price * 100)))
        total += 1 / (index + 1)  # a few bestsellers, a long tail
        cum_weights.append(total)
    return Shop(seller=seller, listings=rows, cum_weights=cum_weights)


@dataclass(frozen=True)
class _Insert:
    """An INSERT of the listed fields; any other column, say of a field added since, is given
    the field's default."""

    sql: str
    defaults: Row

    @classmethod
    def of(cls, model: type[models.Model], fields: Sequence[str]) -> "_Insert":
        by_name = {field.name: field for field in model._meta.concrete_fields}
        others = [field for name, field in by_name.items() if name not in fields]
        columns = [*(by_name[name] for name in fields), *others]
        quote = connection.ops.quote_name
        names = ", ".join(quote(str(field.column)) for field in columns)
        values = ", ".join(["%s"] * len(columns))
        return cls(
            sql=f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({values})",
            defaults=tuple(
                field.get_db_prep_save(field.get_default(), connection) for field in others
            ),
        )

    def run(self, cursor: CursorWrapper, rows: list[Row]) -> None:
        cursor.executemany(
            self.sql, [(*row, *self.defaults) for row in rows] if self.defaults else rows
        )


def _permutation(rng: random.Random, modulus: int) -> tuple[int, int]:
    """n -> (a*n + b) mod m with a coprime to m = 10**k: unique ids that look random."""
    a = rng.randrange(modulus // 10, modulus)
    while a % 2 == 0 or a % 5 == 0:
        a += 1
    return a, rng.randrange(modulus)


def _money(ore: int) -> str:
    return f"{ore // 100}.{ore % 100:02d}"


class _Rows:
    """Orders in purchase-date order (ids ascend with time, as they do in production)."""

    def __init__(self, rng: random.Random, *, shops: list[Shop]) -> None:
        self.rng = rng
        self.now = int(time.time()) // 3600 * 3600
        rng.shuffle(shops)  # the sellers' orders interleave in time
        self.shops = shops
        self.dates = sorted(rng.randrange(self.now - 365 * DAY, self.now) for _ in shops)
        self.order_ids = _permutation(rng, 10**17)
        self.item_ids = _permutation(rng, 10**14)
        self.item_pk = 0

    def chunks(self, size: int) -> Iterator[tuple[list[Row], list[Row]]]:
        for start in range(0, len(self.shops), size):
            orders: list[Row] = []
            items: list[Row] = []
            for index in range(start, min(start + size, len(self.shops))):
                self._order(index, orders, items)
            yield orders, items

    def _order(self, index: int, orders: list[Row], items: list[Row]) -> None:
        rng, shop, purchased = self.rng, self.shops[index], self.dates[index]
        age = self.now - purchased
        weights = _RECENT if age < 2 * DAY else _LATE if age < 7 * DAY else _OLD
        status = rng.choices(_STATUSES, weights)[0]
        pk = index + 1
        total = self._items(pk, shop, status, items)
        updated = min(purchased + rng.randrange(3600, 3 * DAY), self.now)
        if status in (OrderStatus.UNSHIPPED, OrderStatus.PENDING):
            updated = purchased
        a, b = self.order_ids
        digits = f"{(a * pk + b) % 10**17:017d}"
        orders.append(
            (
                pk,
                f"{digits[:3]}-{digits[3:10]}-{digits[10:]}",
                shop.seller.pk,
                status.value,
                status != OrderStatus.PENDING,
                _when(purchased),
                _when(purchased + 2 * DAY),
                _when(updated),
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                f"buyer{pk}@example.se",
                "en" if rng.random() < 0.1 else "sv",
                rng.choice(CITIES),
                _money(total),
                shop.seller.marketplace_id,
                "SEK",
            )
        )

    def _items(self, order_pk: int, shop: Shop, status: OrderStatus, items: list[Row]) -> int:
        """Append the order's items, each of a different listing; return the total in öre."""
        rng, count = self.rng, self.rng.choice(_ITEM_COUNTS)
        if status == OrderStatus.PARTIALLY_SHIPPED:
            count = max(count, 2)  # the first item shipped, the others not yet
        picked: set[int] = set()
        while len(picked) < count:
            picked.add(rng.choices(range(len(shop.listings)), cum_weights=shop.cum_weights)[0])
        total = 0
        for position, listing_index in enumerate(sorted(picked)):
            listing_id, sku, title, price = shop.listings[listing_index]
            quantity = rng.choice(_QUANTITIES)
            shipped = quantity if status == OrderStatus.SHIPPED else 0
            if status == OrderStatus.PARTIALLY_SHIPPED and position == 0:
                shipped = quantity
            cancelled = quantity if status == OrderStatus.CANCELED else 0
            line = price * quantity
            total += line
            self.item_pk += 1
            a, b = self.item_ids
            item_id = f"{(a * self.item_pk + b) % 10**14:014d}"
            # Item price, shipping, item tax (Swedish VAT is a fifth of a gross price), its tax.
            amounts = (_money(line), "0", _money(line // 5), "0")
            ids = (self.item_pk, order_pk, item_id, listing_id)
            items.append((*ids, sku, title, quantity, shipped, cancelled, *amounts))
        return total


def _when(epoch: int) -> str:
    return time.strftime(DATE_FORMAT, time.gmtime(epoch))
