"""Manage Orders' search: the orders whose buyer name, order id or an item's SKU contains the
term, case-insensitively, every character matched literally.

An index narrows, a predicate decides. For a term of three characters or more a trigram index
finds the candidate orders: on SQLite the FTS5 table `orders_order_search` (tokenize='trigram',
kept in step with the orders by triggers, migration 0009), on PostgreSQL the pg_trgm GIN indexes
of the same migration; SKUs are looked up among the seller's listings (a few hundred rows, and
an item's SKU is its listing's), then the items by the `item_sku_order` index. The candidates are
capped: when there are at most CANDIDATES_MAX, the page reads exactly those orders by primary
key and checks each against the predicate; when there are more, the term is common, and walking
the seller's orders in the page's order fills a page within a few thousand rows, so the page
does that instead, with the same predicate. Terms shorter than three characters have no
trigram and always walk: correct, but a rare one reads all of the seller's orders (the filters,
status and dates, still bound the walk).

The predicate is `ContainsFolded` below: PostgreSQL's ILIKE; on SQLite, LIKE for a term of
ASCII characters, and LIKE over a Python lower() of the column for any other (SQLite's own LIKE
and lower() fold ASCII only, so "öberg" would not find "Öberg"). Both fold the case of letters
as the trigram indexes do, so the index does not drop a match that the predicate would make
(PostgreSQL rechecks with ILIKE itself; FTS5's folding and Python's agree on the letters of
the Latin, Greek and Cyrillic alphabets).
"""

import json
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, F, Func, Lookup, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.db.models.sql.compiler import SQLCompiler

from sellerdesk.accounts.models import Seller
from sellerdesk.catalog.models import Listing
from sellerdesk.orders.models import Order, OrderItem

# A trigram needs three characters.
MIN_INDEXED_LENGTH = 3
# Up to this many candidates the page reads them by primary key; beyond, it walks.
CANDIDATES_MAX = 5000
SQLITE_LOWER = "sellerdesk_lower"
FTS_TABLE = "orders_order_search"
ORDER_ID_CHARACTERS = frozenset("0123456789-")


def order_search(orders: QuerySet[Order], *, seller: Seller, term: str) -> QuerySet[Order]:
    """`orders`, not yet limited to a seller, narrowed to the seller's orders that match `term`.

    The seller is applied here because of how it must be applied: when the candidates are few,
    as an unindexed condition, so that SQLite (which has no statistics here and takes
    `seller_id = ?` for a handful of rows) reads the candidates by primary key rather than
    walking every order of the seller to find them."""
    if "\x00" in term:  # nothing stored contains one, and neither database takes it in a query
        return orders.none()
    matches = _matches(term)
    candidates = _candidates(seller=seller, term=term)
    if candidates is None:
        return orders.filter(matches, seller=seller)
    if not candidates:
        return orders.none()
    return orders.alias(
        search_seller=Unindexed(F("seller_id"), output_field=BigIntegerField())
    ).filter(InCandidates(F("pk"), candidates), matches, search_seller=seller.pk)


class ContainsFolded(Lookup[str]):
    """`lhs` contains the string, case-insensitively; LIKE's wildcards match themselves."""

    lookup_name = "contains_folded"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, params = compiler.compile(self.lhs)
        term = str(self.rhs)
        if connection.vendor != "sqlite":
            return f"{lhs} ILIKE %s", (*params, _like_pattern(term))
        if term.isascii():  # SQLite's LIKE folds ASCII letters as lower() does, in C
            return f"{lhs} LIKE %s ESCAPE '\\'", (*params, _like_pattern(term))
        return (
            f"{SQLITE_LOWER}({lhs}) LIKE %s ESCAPE '\\'",
            (*params, _like_pattern(term.lower())),
        )


class InCandidates(Lookup[int]):
    """`lhs` is one of the ids, given as one parameter however many they are: a JSON array on
    SQLite, an array on PostgreSQL. SQLite reads the rows by primary key, in no useful order,
    and sorts them."""

    lookup_name = "in_candidates"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, params = compiler.compile(self.lhs)
        ids = sorted(self.rhs)
        if connection.vendor == "sqlite":
            sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (a column)
            return sql, (*params, json.dumps(ids))
        return f"{lhs} = ANY(%s)", (*params, ids)


class Unindexed(Func):
    """The value, in a form no index of the column serves (a unary plus)."""

    template = "+%(expressions)s"


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(term: str) -> Q:
    # An item of the order, as a scalar subquery with LIMIT 1 rather than EXISTS: PostgreSQL
    # turns an EXISTS under OR into a hash of every matching item of every order (a scan of
    # all items), where this is probed on the order's own items, row by row.
    items = OrderItem.objects.filter(ContainsFolded(F("seller_sku"), term), order=OuterRef("pk"))
    sku = Subquery(items.values("pk")[:1])
    return _name_or_order_id(term) | Q(IsNull(sku, False))


def _name_or_order_id(term: str) -> Q:
    """An order id is digits and hyphens: a term with anything else is not in one."""
    name = Q(ContainsFolded(F("buyer_name"), term))
    if set(term) <= ORDER_ID_CHARACTERS:
        return name | Q(ContainsFolded(F("amazon_order_id"), term))
    return name


def _candidates(*, seller: Seller, term: str) -> set[int] | None:
    """The ids of every order (of any seller) that may match, from the indexes; None when the
    term is too short for them or matches more than CANDIDATES_MAX."""
    if len(term) < MIN_INDEXED_LENGTH:
        return None
    candidates = set(_by_name_or_order_id(term))
    if len(candidates) > CANDIDATES_MAX:
        return None
    skus = Listing.objects.filter(ContainsFolded(F("sku"), term), seller=seller).values("sku")
    by_sku = OrderItem.objects.filter(seller_sku__in=skus).values_list("order_id", flat=True)
    candidates.update(by_sku[: CANDIDATES_MAX + 1])
    return candidates if len(candidates) <= CANDIDATES_MAX else None


def _by_name_or_order_id(term: str) -> list[int]:
    limit = CANDIDATES_MAX + 1
    if connection.vendor != "sqlite":
        names = Order.objects.filter(_name_or_order_id(term)).values_list("pk", flat=True)
        # The trigram indexes, even for a common term: the planner would read the table from
        # the start until it has enough, and ILIKE on a hundred thousand rows takes longer
        # than the indexes' bitmap.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return list(names[:limit])
    # A phrase in double quotes: FTS5 takes everything in it literally (a quote is doubled), and
    # the trigram tokenizer makes it a substring match, case folded.
    phrase = '"' + term.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s",  # noqa: S608
            [phrase, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def sqlite_functions(sender: object, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """The SQL function of ContainsFolded, on every new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_LOWER, 1, _lower, deterministic=True)


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()
