"""Manage Orders' search (sellerdesk/orders/search.py) against the plain scan that it replaces:
every order of the seller read, and kept when its buyer name, order id or an item's SKU
contains the term, case folded. Both ways of answering (the candidates from the trigram index,
read by primary key, and the walk for common and short terms) are checked against it, and so
is the index after orders are written in bulk, changed and deleted."""

import datetime
import re
from collections.abc import Iterable

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.accounts.models import Seller
from sellerdesk.core.bulk import rows_insert
from sellerdesk.core.ids import new_order_id, new_order_item_id
from sellerdesk.orders import search
from sellerdesk.orders.models import Order, OrderItem, OrderStatus
from sellerdesk.orders.selection import Selection, selection_statuses, selection_summarize
from sellerdesk.orders.selectors import OrderFilter, filtered_orders, order_list
from tests.factories import make_listing, make_order

# Names and SKUs with the characters that LIKE, FTS5 and HTML give a meaning to.
BUYERS = [
    "Åsa Öberg",
    "Märta Holm",
    "Anna Ek",
    "Erik Ekström",
    'Olle "Bullen" Åberg',
    "Sven 100% Nöjd",
    "Karin_Larsson",
    "Per O'Brien",
    "Eva (NEAR) Lind*",
    "Back\\slash Berg",
    "Ebba a-b^c:d",
]
SKUS = ["MUG-1", "MUGG-10", "KOPP_%2", 'TE"KANNA', "ÖL-GLAS*", "FAT (STOR)"]
# Terms drawn from the characters of the data, and those that mean something to a query.
ALPHABET = "aAbBeEkKlLmMnNoOrRsSuUåÅäÄöÖ0123456789 -_%\\\"'*^:()+.NEAR"


def plain_scan(seller: Seller, term: str) -> set[int]:
    """What the search must find, the slow way: every order of the seller, in Python."""
    folded = term.lower()
    found = set()
    for order in Order.objects.filter(seller=seller).prefetch_related("items"):
        texts = [order.buyer_name, order.amazon_order_id]
        texts += [item.seller_sku for item in order.items.all()]
        if any(folded in text.lower() for text in texts):
            found.add(order.pk)
    return found


def searched(seller: Seller, term: str, **filters: object) -> set[int]:
    orders = filtered_orders(seller=seller, filters=OrderFilter(query=term, **filters))  # type: ignore[arg-type]
    return set(orders.values_list("pk", flat=True))


@pytest.fixture
def shop(seller: Seller, other_seller: Seller) -> Seller:
    """The seller's orders, two SKUs each for some, and another seller's with the same names."""
    listings = [make_listing(seller, sku=sku, quantity=100) for sku in SKUS]
    for index, buyer in enumerate(BUYERS):
        lines = [(listings[index % len(listings)], 1)]
        if index % 3 == 0:
            lines.append((listings[(index + 2) % len(listings)], 1))
        make_order(seller, *lines, buyer_name=buyer)
    other = make_listing(other_seller, sku="MUG-1", quantity=100)
    for buyer in BUYERS[:4]:
        make_order(other_seller, (other, 1), buyer_name=buyer)
    return seller


@pytest.fixture(params=["candidates", "walk"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of answering: by the candidates, or (no candidate list is short enough) by
    walking the seller's orders."""
    if request.param == "walk":
        monkeypatch.setattr(search, "CANDIDATES_MAX", 0)
    return str(request.param)


@pytest.mark.parametrize(
    "term",
    [
        "öberg",  # the case of a letter outside ASCII
        "ÅSA",
        "berg",
        "holm",
        "mug",  # the SKUs MUG-1 and MUGG-10, and not the other seller's orders
        "mugg-1",
        "Ek",  # short: no trigram
        "E",
        "%",  # LIKE's wildcards, literally
        "_",
        "100%",
        "KOPP_%",
        "\\",
        '"',  # FTS5's quote, and its operators
        '"Bullen"',
        "NEAR",
        "(NEAR)",
        "Lind*",
        "a-b^c:d",
        "O'Brien",
        "Zlatan",  # nothing
        "xyz" * 30,
    ],
)
def test_search_finds_what_the_plain_scan_finds(shop, way, term):
    assert searched(shop, term) == plain_scan(shop, term)


def test_the_examples_find_something(shop):
    """The terms above are not vacuous: most of them match."""
    assert len(plain_scan(shop, "öberg")) == 1
    assert len(plain_scan(shop, "mug")) == 4
    assert len(plain_scan(shop, "%")) == 5
    assert len(plain_scan(shop, '"')) == 3


def test_a_partial_order_id_finds_its_order(shop, way):
    order = Order.objects.filter(seller=shop).order_by("pk")[3]

    for part in (order.amazon_order_id[4:11], order.amazon_order_id[-9:]):
        assert order.pk in searched(shop, part)
        assert searched(shop, part) == plain_scan(shop, part)


def test_a_full_order_id_finds_exactly_its_order(shop):
    order = Order.objects.filter(seller=shop).order_by("pk")[2]

    assert searched(shop, order.amazon_order_id) == {order.pk}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(term=st.text(alphabet=ALPHABET, min_size=1, max_size=12))
def test_any_term_is_matched_literally(shop, way, term):
    term = term.strip()
    if term:
        assert searched(shop, term) == plain_scan(shop, term)


@pytest.mark.parametrize("term", ["holm", "MUG", "-1", "100%", "son", "k"])
def test_search_agrees_with_icontains_where_it_folds_the_same(shop, way, term):
    """For ASCII letters Django's icontains folds case on both databases as the search does:
    the same orders as a scan with icontains, as Manage Orders made before."""
    items = OrderItem.objects.filter(order=OuterRef("pk"), seller_sku__icontains=term)
    scan = Order.objects.filter(seller=shop).filter(
        Q(buyer_name__icontains=term) | Q(amazon_order_id__icontains=term) | Q(Exists(items))
    )
    assert searched(shop, term) == set(scan.values_list("pk", flat=True))


def test_search_keeps_the_other_filters(shop, way):
    shipped = Order.objects.get(seller=shop, buyer_name="Märta Holm")
    Order.objects.filter(pk=shipped.pk).update(status=OrderStatus.SHIPPED)
    Order.objects.filter(seller=shop, buyer_name="Åsa Öberg").update(
        purchase_date=timezone.now() - datetime.timedelta(days=40)
    )
    today = timezone.localdate()

    assert searched(shop, "holm", status=OrderStatus.SHIPPED) == {shipped.pk}
    assert searched(shop, "holm", status=OrderStatus.UNSHIPPED) == set()
    assert searched(shop, "berg", date_from=today) == plain_scan(shop, "berg") - set(
        Order.objects.filter(buyer_name="Åsa Öberg").values_list("pk", flat=True)
    )


def test_a_page_of_a_search_is_in_purchase_order_and_pages_on(seller, way):
    listing = make_listing(seller, quantity=100)
    made = [make_order(seller, (listing, 1), buyer_name=f"Anna Berg {n}") for n in range(7)]
    make_order(seller, (listing, 1), buyer_name="Olle Ek")

    seen, cursor = [], None
    while True:
        page = order_list(
            seller=seller, filters=OrderFilter(query="berg"), cursor=cursor, page_size=3
        )
        seen += [order.pk for order in page.orders]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    newest = sorted(made, key=lambda order: (order.purchase_date, order.pk), reverse=True)
    assert seen == [order.pk for order in newest]


def _bulk_orders(seller: Seller, buyers: Iterable[str], sku: str) -> list[Order]:
    """Orders and items as a batch path writes them: multi-row INSERTs, no save()."""
    listing = make_listing(seller, sku=sku, quantity=100)
    now = timezone.now()
    orders = rows_insert(
        Order,
        [
            Order(
                amazon_order_id=new_order_id(),
                seller=seller,
                status=OrderStatus.UNSHIPPED,
                purchase_date=now,
                latest_ship_date=now,
                buyer_name=buyer,
                buyer_email="buyer@example.se",
                order_total="10.00",
            )
            for buyer in buyers
        ],
    )
    rows_insert(
        OrderItem,
        [
            OrderItem(
                order=order,
                order_item_id=new_order_item_id(),
                listing=listing,
                seller_sku=sku,
                title="Kopp",
                quantity_ordered=1,
                item_price="10.00",
            )
            for order in orders
        ],
    )
    return orders


@pytest.mark.django_db(transaction=True)
def test_the_index_follows_bulk_inserts_updates_and_deletes(seller, way):
    orders = _bulk_orders(seller, ["Greta Sjöström", "Tove Sjöström", "Nils Lund"], "BULK-77")
    assert searched(seller, "sjöström") == {orders[0].pk, orders[1].pk}
    assert searched(seller, "bulk-77") == {order.pk for order in orders}

    Order.objects.filter(pk=orders[0].pk).update(buyer_name="Greta Dahl")
    tove = Order.objects.get(pk=orders[1].pk)
    tove.buyer_name = "Tove Ström"
    tove.save()
    assert searched(seller, "sjöström") == set()
    assert searched(seller, "ström") == {orders[1].pk}
    assert searched(seller, "dahl") == {orders[0].pk}

    Order.objects.filter(pk=orders[2].pk).update(status=OrderStatus.SHIPPED)  # no name change
    assert searched(seller, "nils lund") == {orders[2].pk}

    OrderItem.objects.filter(order_id=orders[2].pk).delete()
    Order.objects.filter(pk=orders[2].pk).delete()
    assert searched(seller, "nils lund") == set()
    assert searched(seller, "bulk-77") == {orders[0].pk, orders[1].pk}
    for term in ("ström", "dahl", "lund", "bulk"):
        assert searched(seller, term) == plain_scan(seller, term)


def test_the_trigram_index_is_there_after_every_migration(db):
    """A migration that rebuilds orders_order on SQLite drops its triggers: it must make them
    again (see migration 0009)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'orders_order'")
            expected = {"orders_order_search_insert", "orders_order_search_update"}
            expected.add("orders_order_search_delete")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'orders_order'")
            expected = {"order_buyer_name_trgm", "order_id_trgm"}
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names


@pytest.mark.parametrize("term", ['"', "%", "_", "\\", "NEAR(a b)", "*", "'--", '"" OR "'])
def test_manage_orders_answers_any_search(shop, seller_client, term):
    response = seller_client.get(reverse("orders:manage"), {"q": term})

    assert response.status_code == 200
    listed = set(re.findall(r'data-order-id="([^"]+)"', response.content.decode()))
    expected = Order.objects.filter(pk__in=plain_scan(shop, term))
    assert listed == set(expected.values_list("amazon_order_id", flat=True))


def test_a_term_with_a_nul_character_matches_nothing(shop):
    """No stored text holds one (PostgreSQL cannot store it); the web pages refuse it before."""
    assert searched(shop, "Åsa\x00") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, without statistics")
def test_few_candidates_are_read_by_primary_key(shop):
    with CaptureQueriesContext(connection) as queries:
        order_list(seller=shop, filters=OrderFilter(query="holm"))

    page = next(q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        plan = " ".join(row[3] for row in cursor.fetchall())
    assert "USING INTEGER PRIMARY KEY" in plan
    assert "order_seller_recent" not in plan


def test_selecting_every_order_of_a_search(shop, way):
    """A selection of "all matching" reads the search as a subquery and in chunks."""
    selection = Selection(all_matching=OrderFilter(query="berg"))
    expected = Order.objects.filter(pk__in=plain_scan(shop, "berg"))

    ids = {order_id for order_id, _ in selection_statuses(seller=shop, selection=selection)}
    summary = selection_summarize(seller=shop, selection=selection)

    assert ids == set(expected.values_list("amazon_order_id", flat=True))
    assert summary.total == len(ids) == 3
