import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.core.errors import InsufficientInventory, InvalidInput, NotFound
from sellerdesk.orders.selectors import OrderFilter, order_list
from sellerdesk.orders.services import OrderLine, order_create
from tests.factories import make_listing, make_order


def test_creating_an_order_takes_the_quantity_from_the_listing(seller):
    listing = make_listing(seller, quantity=5, price="99.50")

    order = order_create(
        seller=seller,
        buyer_name="Erik Sjöberg",
        buyer_email="erik@example.se",
        lines=[OrderLine(sku=listing.sku, quantity=2)],
    )

    listing.refresh_from_db()
    assert listing.quantity == 3
    assert order.status == "Unshipped"
    assert order.order_total == Decimal("199.00")
    row = InventoryLedgerEntry.objects.get(cause="order_placed")
    assert (row.delta, row.quantity_after, row.order_id) == (-2, 3, order.pk)
    assert order.items.get().quantity_ordered == 2
    assert order.events.get().kind == "created"


def test_an_order_above_stock_is_refused_and_takes_nothing(seller):
    listing = make_listing(seller, quantity=1)

    with pytest.raises(InsufficientInventory):
        order_create(
            seller=seller,
            buyer_name="Erik",
            buyer_email="erik@example.se",
            lines=[OrderLine(sku=listing.sku, quantity=2)],
        )

    listing.refresh_from_db()
    assert listing.quantity == 1
    assert not listing.ledger.filter(cause="order_placed").exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"buyer_email": "not-an-email"}, "invalid_email"),
        ({"buyer_language": "de"}, "invalid_language"),
        ({"amazon_order_id": "12-34"}, "invalid_order_id"),
        ({"lines": []}, "order_without_items"),
    ],
)
def test_bad_checkout_data_is_refused(seller, changes, code):
    listing = make_listing(seller)
    arguments = {
        "seller": seller,
        "buyer_name": "Erik",
        "buyer_email": "erik@example.se",
        "lines": [OrderLine(sku=listing.sku, quantity=1)],
    } | changes

    with pytest.raises(InvalidInput) as error:
        order_create(**arguments)

    assert error.value.code == code


def test_unknown_sku_and_another_sellers_sku_are_not_found(seller, other_seller):
    theirs = make_listing(other_seller)

    with pytest.raises(NotFound):
        order_create(
            seller=seller,
            buyer_name="Erik",
            buyer_email="erik@example.se",
            lines=[OrderLine(sku=theirs.sku, quantity=1)],
        )


def test_order_list_pages_by_purchase_date_without_gaps_or_repeats(seller):
    listing = make_listing(seller, quantity=200)
    created = [make_order(seller, (listing, 1)) for _ in range(120)]
    seen: list[str] = []
    cursor = None

    while True:
        page = order_list(seller=seller, filters=OrderFilter(), cursor=cursor)
        seen.extend(order.amazon_order_id for order in page.orders)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    expected = sorted(created, key=lambda order: (order.purchase_date, order.pk), reverse=True)
    assert seen == [order.amazon_order_id for order in expected]


def test_order_list_filters_by_status_search_and_seller(seller, other_seller):
    mug = make_listing(seller, sku="MUG-1")
    kept = make_order(seller, (mug, 1), buyer_name="Märta Holm")
    make_order(seller, buyer_name="Olle Åberg")
    make_order(other_seller, buyer_name="Märta Holm")

    by_name = order_list(seller=seller, filters=OrderFilter(query="märta"))
    by_sku = order_list(seller=seller, filters=OrderFilter(query="MUG-1"))
    by_id = order_list(seller=seller, filters=OrderFilter(query=kept.amazon_order_id))
    canceled = order_list(seller=seller, filters=OrderFilter(status="Canceled"))

    assert [o.pk for o in by_id.orders] == [kept.pk]
    assert [o.pk for o in by_sku.orders] == [kept.pk]
    assert [o.pk for o in canceled.orders] == []
    assert [o.pk for o in by_name.orders] == [kept.pk]


def test_order_list_date_range_uses_local_days(seller):
    order = make_order(seller)
    today = timezone.localdate(order.purchase_date)

    inside = order_list(seller=seller, filters=OrderFilter(date_from=today, date_to=today))
    before = order_list(
        seller=seller, filters=OrderFilter(date_to=today - datetime.timedelta(days=1))
    )

    assert [o.pk for o in inside.orders] == [order.pk]
    assert before.orders == []


def test_order_list_query_count_is_fixed(seller, django_assert_num_queries):
    listing = make_listing(seller, quantity=100)
    for _ in range(30):
        make_order(seller, (listing, 1))

    with django_assert_num_queries(2):
        page = order_list(seller=seller, filters=OrderFilter())
        assert sum(len(order.items.all()) for order in page.orders) == 30


@pytest.mark.parametrize("cursor", ["", "!!!", "bm90IGpzb24", "WyJ4IiwgMV0", "WzEsIDJd"])
def test_a_broken_cursor_is_ignored(seller, cursor):
    orders = [make_order(seller) for _ in range(3)]

    page = order_list(seller=seller, filters=OrderFilter(), cursor=cursor, page_size=2)

    newest = sorted(orders, key=lambda order: (order.purchase_date, order.pk), reverse=True)
    assert [order.pk for order in page.orders] == [order.pk for order in newest[:2]]
