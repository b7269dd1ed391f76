"""The Inventory page and each SKU's ledger."""

import datetime
import re

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.catalog.selectors import (
    LOW_STOCK_THRESHOLD,
    NO_INVENTORY_LIMIT,
    listing_list,
    no_inventory_skus,
)
from tests.factories import make_listing, make_order, make_user


def cancel(order, reason="NoInventory"):
    return order_cancel(
        seller=order.seller, amazon_order_id=order.amazon_order_id, actor=None, reason=reason
    )


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def skus_listed(page: str, table: str = "inventory") -> list[str]:
    body = re.search(rf'<table class="{table}">(.*?)</table>', page, re.S)
    assert body is not None, table
    return re.findall(r'<tr data-sku="([^"]+)"', body[1])


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_the_page_lists_the_listings_with_their_stock_flags(seller, english_client):
    make_listing(seller, sku="A-EMPTY", quantity=0, price="49.50")
    make_listing(seller, sku="B-LOW", quantity=LOW_STOCK_THRESHOLD)
    make_listing(seller, sku="C-PLENTY", quantity=LOW_STOCK_THRESHOLD + 1)

    response = english_client.get("/inventory/")

    assert response.status_code == 200
    page = text(response)
    assert '<a href="/inventory/">Inventory</a>' in page  # the navigation link
    assert skus_listed(page) == ["A-EMPTY", "B-LOW", "C-PLENTY"]
    rows = dict(re.findall(r'<tr data-sku="([^"]+)">(.*?)</tr>', page, re.S))
    assert '<td class="num">49.50 SEK</td>' in rows["A-EMPTY"]
    assert '<td class="num">0</td>' in rows["A-EMPTY"]
    assert 'data-flag="zero">Out of stock</span>' in rows["A-EMPTY"]
    assert 'data-flag="low">Low stock</span>' in rows["B-LOW"]
    assert "data-flag" not in rows["C-PLENTY"]
    assert 'href="/inventory/B-LOW/"' in rows["B-LOW"]
    assert re.search(r'data-stock="all">All <span class="count">\(3\)', page)
    assert re.search(r'data-stock="low">Low stock \(≤ 5\) <span class="count">\(2\)', page)
    assert re.search(r'data-stock="zero">Out of stock <span class="count">\(1\)', page)


def test_the_filters_and_the_search(seller, english_client):
    make_listing(seller, sku="A-EMPTY", quantity=0)
    make_listing(seller, sku="B-LOW", quantity=2)
    make_listing(seller, sku="C-PLENTY", quantity=80)

    cases = {
        "?stock=all": ["A-EMPTY", "B-LOW", "C-PLENTY"],
        "?stock=low": ["A-EMPTY", "B-LOW"],
        "?stock=zero": ["A-EMPTY"],
        "?stock=": ["A-EMPTY", "B-LOW", "C-PLENTY"],
        "?q=plenty": ["C-PLENTY"],
        "?q=kaffekopp": ["A-EMPTY", "B-LOW", "C-PLENTY"],  # the title
        "?q=B-&stock=zero": [],
    }
    for query, expected in cases.items():
        response = english_client.get(f"/inventory/{query}")
        assert response.status_code == 200, query
        assert skus_listed(text(response)) == expected, query
        assert f'data-count="{len(expected)}"' in text(response), query


def test_pages_of_many_listings_cost_the_same_few_queries(
    seller, english_client, django_assert_num_queries
):
    listings = [
        make_listing(seller, sku=f"SKU-{number:04d}", quantity=number % 7)
        for number in range(1, 251)
    ]
    for listing in listings[:3]:
        cancel(make_order(seller, (listing, 1)))

    # (The first request of a session records it among the user's signed-in sessions.)
    english_client.get("/inventory/")

    # Session, user and seller, the user's permissions, the stock counts, the NoInventory SKUs
    # and their latest orders, the page's count and its rows.
    with django_assert_num_queries(9):
        first = english_client.get("/inventory/")
    with django_assert_num_queries(9):
        last = english_client.get("/inventory/?page=3")
    beyond = english_client.get("/inventory/?page=99")

    assert skus_listed(text(first))[:2] == ["SKU-0001", "SKU-0002"]
    assert len(skus_listed(text(first))) == 100
    assert skus_listed(text(last)) == [f"SKU-{number:04d}" for number in range(201, 251)]
    assert 'href="?page=2" rel="next"' in text(first)
    assert "Page 3 of 3" in text(last)
    assert skus_listed(text(beyond)) == skus_listed(text(last))  # the last page
    low = english_client.get("/inventory/?stock=low&page=2")
    low_skus = Listing.objects.filter(quantity__lte=5).order_by("sku")
    expected = list(low_skus.values_list("sku", flat=True))[100:200]
    assert skus_listed(text(low)) == expected
    assert 'href="?stock=low&amp;page=3" rel="next"' in text(low)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?stock=few", "Unknown stock filter “few”: use “all”, “low” or “zero”."),
        ("?page=two", "The page must be a whole number."),
        ("?page=0", "The page must be a whole number."),
        ("?page=-1", "The page must be a whole number."),
        ("?q=" + "x" * 101, "Search for at most 100 characters."),
        ("?stock=%00", "The query string contains a character that cannot be stored"),
    ],
)
def test_bad_parameters_are_a_clear_400(seller, english_client, query, message):
    make_listing(seller, sku="MUGG")

    response = english_client.get(f"/inventory/{query}")

    assert response.status_code == 400
    assert message in text(response)
    assert 'role="alert"' in text(response)
    assert "MUGG" not in text(response)


def test_skus_cancelled_with_no_inventory_in_the_last_30_days(seller, english_client):
    mug = make_listing(seller, sku="MUGG", quantity=20)
    towel = make_listing(seller, sku="HANDDUK", quantity=20)
    old = make_listing(seller, sku="GAMMAL", quantity=20)
    first, second = make_order(seller, (mug, 1)), make_order(seller, (mug, 1), (towel, 1))
    restocked, long_ago = make_order(seller, (towel, 1)), make_order(seller, (old, 1))
    cancel(first)
    cancel(second)
    cancel(restocked, "BuyerCanceled")  # returns the units: not a NoInventory cancellation
    cancel(long_ago)
    InventoryLedgerEntry.objects.filter(listing=old).update(
        created_at=timezone.now() - datetime.timedelta(days=30, minutes=1)
    )

    page = text(english_client.get("/inventory/"))

    assert skus_listed(page, "no-inventory") == ["HANDDUK", "MUGG"]  # the latest first
    rows = dict(re.findall(r'<tr data-sku="([^"]+)">(.*?)</tr>', page.split("tabs")[0], re.S))
    assert 'href="/inventory/MUGG/?cause=cancellation_no_inventory">2</a>' in rows["MUGG"]
    assert 'href="/inventory/HANDDUK/?cause=cancellation_no_inventory">1</a>' in rows["HANDDUK"]
    assert f'href="/orders/{second.amazon_order_id}/"' in rows["MUGG"]
    today = timezone.localtime().strftime("%Y-%m-%d")
    assert f"<td>{today} " in rows["MUGG"]
    assert '<td class="num">0</td>' in rows["MUGG"]  # the quantity now


def test_the_no_inventory_section_lists_the_most_recent_skus(seller):
    listings = [make_listing(seller, quantity=1) for _ in range(NO_INVENTORY_LIMIT + 2)]
    for listing in listings:
        cancel(make_order(seller, (listing, 1)))

    shown, total = no_inventory_skus(seller=seller)

    assert total == NO_INVENTORY_LIMIT + 2
    assert [row.sku for row in shown] == [listing.sku for listing in listings[::-1]][:100]
    assert {row.cancellations for row in shown} == {1}


def test_the_ledger_lists_every_change_with_its_cause_and_a_link(seller, english_client):
    mug = make_listing(seller, sku="MUGG", quantity=10)
    placed = make_order(seller, (mug, 3))
    restocked = make_order(seller, (mug, 2))
    cancel(restocked, "BuyerCanceled")
    emptied = make_order(seller, (mug, 1))
    cancel(emptied, "NoInventory")

    response = english_client.get("/inventory/MUGG/")

    assert response.status_code == 200
    page = text(response)
    rows = re.findall(r'<tr data-entry="\d+" data-cause="([a-z_]+)">(.*?)</tr>', page, re.S)
    assert [cause for cause, _ in rows] == [
        "cancellation_no_inventory",
        "order_placed",
        "cancellation_restock",
        "order_placed",
        "order_placed",
        "initial",
    ]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for _, row in rows]
    assert [(cell[1], cell[2]) for cell in cells] == [
        ("-6", "0"),
        ("-1", "6"),
        ("+2", "7"),
        ("-2", "5"),
        ("-3", "7"),
        ("+10", "10"),
    ]
    assert cells[0][3] == 'No inventory: set to zero <span class="muted">(No inventory)</span>'
    assert cells[2][3] == (
        'Cancellation returned units <span class="muted">(Buyer canceled)</span>'
    )
    assert f'Order <a href="/orders/{emptied.amazon_order_id}/">' in cells[0][4]
    assert "· Seller Desk" in cells[0][4]  # the cancellation's source
    assert f'href="/orders/{placed.amazon_order_id}/"' in cells[4][4]
    assert cells[5][3] == "Initial stock" and "—" in cells[5][4]
    assert 'data-count="6"' in page
    assert 'id="ledger-drift"' not in page


def test_the_ledger_filters_by_cause_and_pages(seller, english_client):
    mug = make_listing(seller, sku="MUGG", quantity=500)
    for _ in range(120):
        make_order(seller, (mug, 1))

    placed = english_client.get("/inventory/MUGG/?cause=order_placed")
    second = english_client.get("/inventory/MUGG/?cause=order_placed&page=2")
    initial = english_client.get("/inventory/MUGG/?cause=initial")

    assert 'data-count="120"' in text(placed)
    assert text(placed).count('data-cause="order_placed"') == 100
    assert 'href="?cause=order_placed&amp;page=2" rel="next"' in text(placed)
    assert text(second).count('data-cause="order_placed"') == 20
    assert re.findall(r'data-cause="([a-z_]+)"', text(initial)) == ["initial"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?cause=theft", "Unknown cause “theft”."),
        ("?page=last", "The page must be a whole number."),
    ],
)
def test_bad_ledger_parameters_are_a_clear_400(seller, english_client, query, message):
    make_listing(seller, sku="MUGG")

    response = english_client.get(f"/inventory/MUGG/{query}")

    assert response.status_code == 400
    assert message in text(response)
    assert "data-entry" not in text(response)


def test_a_sku_with_a_slash_or_spaces_has_its_ledger(seller, english_client):
    make_listing(seller, sku="KOPP/VIT 2", quantity=4)

    page = text(english_client.get("/inventory/"))
    response = english_client.get("/inventory/KOPP/VIT%202/")

    assert 'href="/inventory/KOPP/VIT%202/"' in page
    assert response.status_code == 200
    assert re.findall(r'data-cause="([a-z_]+)"', text(response)) == ["initial"]


def test_the_ledger_warns_when_it_and_the_quantity_drift_apart(seller, english_client):
    mug = make_listing(seller, sku="MUGG", quantity=10)
    Listing.objects.filter(pk=mug.pk).update(quantity=F("quantity") + 3)

    page = text(english_client.get("/inventory/MUGG/"))

    assert 'id="ledger-drift"' in page
    assert "The changes below add up to 10, but the quantity is 13." in page


def test_another_sellers_listings_are_never_shown(seller, other_seller, english_client):
    make_listing(seller, sku="MUGG", quantity=1)
    make_listing(other_seller, sku="MUGG", quantity=0)  # the same SKU, another seller's
    theirs = make_listing(other_seller, sku="FJ-1", quantity=3)
    cancel(make_order(other_seller, (theirs, 1)))

    page = text(english_client.get("/inventory/"))
    ledger = english_client.get("/inventory/MUGG/")

    assert skus_listed(page) == ["MUGG"]
    assert "No order was cancelled with No inventory in this period." in page
    assert "FJ-1" not in page
    assert re.search(r'data-stock="zero">Out of stock <span class="count">\(0\)', page)
    assert english_client.get("/inventory/FJ-1/").status_code == 404
    assert english_client.get("/inventory/NO-SUCH-SKU/").status_code == 404
    for odd in ("%FF", "X" * 500):
        assert english_client.get(f"/inventory/{odd}/").status_code == 404, odd
    for odd in ("%00", "MUGG%00"):  # refused before any view, on every route
        assert english_client.get(f"/inventory/{odd}/").status_code == 400, odd
    assert re.findall(r"<td class=\"num\">([+-]\d+)</td>", text(ledger)) == ["+1"]
    assert [listing.sku for listing in listing_list(seller=other_seller)] == ["FJ-1", "MUGG"]


def test_only_signed_in_seller_staff_see_inventory(client, db):
    assert client.get("/inventory/").status_code == 302
    operator = Client()
    operator.force_login(make_user(None))
    assert operator.get("/inventory/").status_code == 403
