"""Amounts on the seller's pages are written as the reader's language writes them."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from sellerdesk.web.templatetags.sellerdesk import money
from tests.factories import make_listing, make_order, make_user, ship_item

SWEDISH = "1\xa0430,00 SEK"  # Django's Swedish thousands separator is a no-break space
ENGLISH = "1,430.00 SEK"


def client_in(seller, language: str) -> Client:
    client = Client()
    client.force_login(make_user(seller, language=language))
    return client


@pytest.fixture
def charged_order(seller):
    lamp = make_listing(seller, sku="LAMPA", price="1430.00")
    order = make_order(seller, (lamp, 1))
    ship_item(order, order.items.get())
    return order


def timeline(page: str) -> str:
    found = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S)
    assert found is not None
    return found[1]


@pytest.mark.parametrize(("language", "written"), [("sv", SWEDISH), ("en", ENGLISH)])
def test_the_order_page_and_its_timeline_write_amounts_in_the_readers_language(
    seller, charged_order, language, written
):
    client = client_in(seller, language)

    page = client.get(f"/orders/{charged_order.amazon_order_id}/").content.decode()

    assert f"<dd>{written}</dd>" in page  # the order total
    assert f'<td class="num">{written}</td>' in page  # the item's price
    assert f"<div>{written}</div>" in timeline(page)  # the charge, from the event's data
    assert "1430.00" not in page and "1430,00" not in page


@pytest.mark.parametrize(("language", "written"), [("sv", SWEDISH), ("en", ENGLISH)])
def test_manage_orders_and_inventory_write_amounts_in_the_readers_language(
    seller, charged_order, language, written
):
    client = client_in(seller, language)

    orders = client.get("/orders/?status=Shipped").content.decode()
    inventory = client.get("/inventory/").content.decode()
    ledger = client.get("/inventory/LAMPA/").content.decode()

    assert f'<td class="num">{written}</td>' in orders
    assert f'<td class="num">{written}</td>' in inventory
    assert f"<dd>{written}</dd>" in ledger


def test_the_money_filter_takes_decimals_and_the_strings_events_hold():
    with translation.override("sv"):
        assert money(Decimal("941.25"), "SEK") == "941,25 SEK"
        assert money("1234567.5", "SEK") == "1\xa0234\xa0567,50 SEK"
        assert money(Decimal("-5.00")) == "-5,00"
        assert money(None, "SEK") == ""
    with translation.override("en"):
        assert money("1234567.5", "SEK") == "1,234,567.50 SEK"


@pytest.mark.parametrize(("language", "written"), [("sv", "2\xa0500"), ("en", "2,500")])
def test_numbers_are_grouped_in_the_readers_language_but_data_stays_plain(
    seller, language, written
):
    make_listing(seller, sku="MUGG", quantity=2500)
    client = client_in(seller, language)

    ledger = client.get("/inventory/MUGG/").content.decode()

    cells = re.findall(r'<td class="num">([^<]*)</td>', ledger)
    assert cells == [f"+{written}", written]
    assert 'data-count="1"' in ledger
