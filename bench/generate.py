"""Benchmark data: one seller with a million orders over a year, and a smaller second seller.

Rows are written with executemany on the database cursor, in chunks of one transaction each;
the services are used only for the few sellers, users and listings. Order ids, item ids and
everything else follow from the seed, so two generations hold the same orders (dates are
relative to the hour the data is generated). Only what the measured paths read is generated:
historical orders have no charges or ledger rows, and the only events are cancellations, for
the cancellation rate and the customer metrics: every Canceled order has its cancellation
event, and about 12,000 Shipped orders of several items had one item cancelled before shipping,
about 50,000 orders in all whose cancellation counts in the rate (`rate_cancelled`).
"""

import json
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.backends.utils import CursorWrapper

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.permissions import EVERYTHING
from sellerdesk.accounts.users import user_levels_set
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.catalog.services import listing_create
from sellerdesk.demo.data import CITIES, FIRST_NAMES, LAST_NAMES, PRODUCTS
from sellerdesk.orders.models import Order, OrderEvent, OrderItem, OrderStatus

SEED = 2026
ORDERS = 1_000_000
OTHER_ORDERS = 20_000
BENCH_MERCHANT = "A3BENCHSELLER1"
OTHER_MERCHANT = "A3BENCHOTHER01"
BENCH_USERNAME = "bench"
CHUNK = 50_000
DAY = 86_400
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"  # how Django stores an aware datetime on SQLite (UTC);
# PostgreSQL reads it in the connection's time zone, which Django sets to UTC

# Status by the order's age: recent orders wait to ship, older ones have mostly shipped.
_STATUSES = list(OrderStatus)
# Weights in OrderStatus order: Pending, Unshipped, PartiallyShipped, Shipped, Canceled.
_RECENT = (0.03, 0.80, 0.02, 0.12, 0.03)  # under 2 days old
_LATE = (0.01, 0.03, 0.02, 0.90, 0.04)  # 2 to 7 days
_OLD = (0.0, 0.0, 0.003, 0.957, 0.04)  # older
_ITEM_COUNTS = (1, 1, 1, 1, 1, 1, 2, 2, 2, 3)  # 1.5 items per order
_QUANTITIES = (1,) * 17 + (2, 2, 3)
# Cancellations, drawn from their own generator so that the orders stay those of earlier
# generations. Whole orders (every Canceled one) by reason; a BuyerCanceled one was requested by
# the buyer a fifth of the time, and then does not count in the rate.
_WHOLE_REASONS = {
    CancelReason.NO_INVENTORY: 0.35,
    CancelReason.BUYER_CANCELED: 0.30,
    CancelReason.PRICING_ERROR: 0.10,
    CancelReason.SHIPPING_ADDRESS_UNDELIVERABLE: 0.10,
    CancelReason.GENERAL_ADJUSTMENT: 0.10,
    CancelReason.CUSTOMER_EXCHANGE: 0.05,
}
_REQUESTED_SHARE = 0.2
# One item of a Shipped order of several items was cancelled before the rest shipped.
_ITEM_CANCEL_SHARE = 0.031
_ITEM_REASONS = {
    CancelReason.NO_INVENTORY: 0.7,
    CancelReason.PRICING_ERROR: 0.2,
    CancelReason.GENERAL_ADJUSTMENT: 0.1,
}
_SOURCES = (OrderEvent.Source.WEB, OrderEvent.Source.FILE, OrderEvent.Source.FEED)

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
# ORDER_FIELDS is shared with bench/feeds_data.py; these orders also say how they were cancelled.
GENERATED_ORDER_FIELDS = (
    *ORDER_FIELDS,
    "buyer_cancel_requested_at",
    "buyer_cancel_reason",
    "rate_cancelled",
)
EVENT_FIELDS = (
    "id",
    "order",
    "seller",
    "kind",
    "source",
    "actor",
    "reason",
    "memo",
    "data",
    "created_at",
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
    """All the orders are there with their cancellations, and enough Unshipped ones are left
    to cancel."""
    seller = bench_seller()
    if seller is None:
        return False
    mine = Order.objects.filter(seller=seller)
    left = mine.filter(status=OrderStatus.UNSHIPPED).count()
    cancellations = mine.filter(rate_cancelled=True).exists()
    return mine.count() == orders and left >= unshipped and cancellations


def age_hours() -> float:
    """Hours since the newest order was purchased: the data's dates are relative to the hour it
    was generated, and the cancellation rate counts the last seven days from now."""
    newest = Order.objects.filter(seller=bench_seller()).order_by("-purchase_date").first()
    if newest is None:
        return float("inf")
    return (time.time() - newest.purchase_date.timestamp()) / 3600


def generate(*, seed: int = SEED, orders: int = ORDERS, other_orders: int = OTHER_ORDERS) -> None:
    """Fill an empty, migrated database."""
    rng = random.Random(seed)
    with transaction.atomic():
        shop = _shop(rng, BENCH_MERCHANT, "Nordisk Hem AB", listings=40, prefix="NH")
        other = _shop(rng, OTHER_MERCHANT, "Fjällbutiken", listings=8, prefix="FJ")
        user = User.objects.create_user(
            username=BENCH_USERNAME, password=None, seller=shop.seller, language="sv"
        )
        user_levels_set(user=user, levels=EVERYTHING)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")  # this connection only; a rebuild is cheap
            cursor.execute("PRAGMA cache_size=-1000000")
    rows = _Rows(rng, shops=[shop] * orders + [other] * other_orders, cancel_seed=seed + 1)
    insert_order = _Insert.of(Order, GENERATED_ORDER_FIELDS)
    insert_item = _Insert.of(OrderItem, ITEM_FIELDS)
    insert_event = _Insert.of(OrderEvent, EVENT_FIELDS)
    for order_rows, item_rows, event_rows in rows.chunks(CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            insert_order.run(cursor, order_rows)
            insert_item.run(cursor, item_rows)
            insert_event.run(cursor, event_rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # ids were given explicitly: move the sequences on; and the planner's statistics
            models_written = [Order, OrderItem, OrderEvent]
            for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
                cursor.execute(sql)
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would: visibility map, statistics
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
            defaults=tuple(_default(field) for field in others),
        )

    def run(self, cursor: CursorWrapper, rows: list[Row]) -> None:
        cursor.executemany(
            self.sql, [(*row, *self.defaults) for row in rows] if self.defaults else rows
        )


def _default(field: "models.Field[Any, Any]") -> Any:
    """The value of a column left out: the field's default, or its database default (a
    literal; get_default() gives an expression for the INSERT compiler instead)."""
    if not field.has_default() and field.has_db_default():
        return field.get_db_prep_save(field.db_default, connection)
    return field.get_db_prep_save(field.get_default(), connection)


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

    def __init__(self, rng: random.Random, *, shops: list[Shop], cancel_seed: int) -> None:
        self.rng = rng
        self.cancel_rng = random.Random(cancel_seed)
        self.event_pk = 0
        self.now = int(time.time()) // 3600 * 3600
        rng.shuffle(shops)  # the sellers' orders interleave in time
        self.shops = shops
        self.dates = sorted(rng.randrange(self.now - 365 * DAY, self.now) for _ in shops)
        self.order_ids = _permutation(rng, 10**17)
        self.item_ids = _permutation(rng, 10**14)
        self.item_pk = 0

    def chunks(self, size: int) -> Iterator[tuple[list[Row], list[Row], list[Row]]]:
        for start in range(0, len(self.shops), size):
            orders: list[Row] = []
            items: list[Row] = []
            events: list[Row] = []
            for index in range(start, min(start + size, len(self.shops))):
                self._order(index, orders, items, events)
            yield orders, items, events

    def _order(self, index: int, orders: list[Row], items: list[Row], events: list[Row]) -> None:
        rng, shop, purchased = self.rng, self.shops[index], self.dates[index]
        age = self.now - purchased
        weights = _RECENT if age < 2 * DAY else _LATE if age < 7 * DAY else _OLD
        status = rng.choices(_STATUSES, weights)[0]
        pk = index + 1
        total, cancelled = self._items(pk, shop, status, items)
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
                *self._cancellation(pk, shop.seller.pk, status, purchased, cancelled, events),
            )
        )

    def _cancellation(
        self,
        order_pk: int,
        seller_pk: int,
        status: OrderStatus,
        purchased: int,
        cancelled: list[dict[str, object]],
        events: list[Row],
    ) -> tuple[str | None, str, bool]:
        """Append the order's cancellation event, if it has one; return the order's
        buyer_cancel_requested_at, buyer_cancel_reason and rate_cancelled."""
        if not cancelled:
            return None, "", False
        rng, whole = self.cancel_rng, status == OrderStatus.CANCELED
        weights = _WHOLE_REASONS if whole else _ITEM_REASONS
        reason = rng.choices(list(weights), list(weights.values()))[0]
        requested = reason == CancelReason.BUYER_CANCELED and rng.random() < _REQUESTED_SHARE
        when = min(purchased + rng.randrange(600, DAY), self.now)
        data = {
            "items": cancelled,
            "remaining": [],
            "whole_order": whole,
            "counts_toward_rate": not requested,
        }
        self.event_pk += 1
        events.append(
            (
                self.event_pk,
                order_pk,
                seller_pk,
                OrderEvent.Kind.CANCELLED.value,
                rng.choice(_SOURCES).value,
                None,
                reason.value,
                "",
                json.dumps(data),
                _when(when),
            )
        )
        if requested:
            return _when(purchased + 600), "Ordered by mistake", False
        return None, "", True

    def _items(
        self, order_pk: int, shop: Shop, status: OrderStatus, items: list[Row]
    ) -> tuple[int, list[dict[str, object]]]:
        """Append the order's items, each of a different listing; return the total in öre and
        the cancelled items as a cancellation event lists them."""
        rng, count = self.rng, self.rng.choice(_ITEM_COUNTS)
        if status == OrderStatus.PARTIALLY_SHIPPED:
            count = max(count, 2)  # the first item shipped, the others not yet
        picked: set[int] = set()
        while len(picked) < count:
            picked.add(rng.choices(range(len(shop.listings)), cum_weights=shop.cum_weights)[0])
        total, cancelled_items = 0, []
        # A Shipped order of several items whose last item was cancelled, not shipped.
        cancel_last = (
            status == OrderStatus.SHIPPED
            and count >= 2
            and self.cancel_rng.random() < _ITEM_CANCEL_SHARE
        )
        for position, listing_index in enumerate(sorted(picked)):
            listing_id, sku, title, price = shop.listings[listing_index]
            quantity = rng.choice(_QUANTITIES)
            shipped = quantity if status == OrderStatus.SHIPPED else 0
            if status == OrderStatus.PARTIALLY_SHIPPED and position == 0:
                shipped = quantity
            cancelled = quantity if status == OrderStatus.CANCELED else 0
            if cancel_last and position == count - 1:
                shipped, cancelled = 0, quantity
            line = price * quantity
            total += line
            self.item_pk += 1
            a, b = self.item_ids
            item_id = f"{(a * self.item_pk + b) % 10**14:014d}"
            # Item price, shipping, item tax (Swedish VAT is a fifth of a gross price), its tax.
            amounts = (_money(line), "0", _money(line // 5), "0")
            ids = (self.item_pk, order_pk, item_id, listing_id)
            items.append((*ids, sku, title, quantity, shipped, cancelled, *amounts))
            if cancelled:
                cancelled_items.append(
                    {"order_item_id": item_id, "sku": sku, "title": title, "quantity": cancelled}
                )
        return total, cancelled_items


def _when(epoch: int) -> str:
    return time.strftime(DATE_FORMAT, time.gmtime(epoch))
