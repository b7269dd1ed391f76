"""The rows of Manage Orders, written out in Python once per row (sellerdesk/web/order_rows.py),
say what the template tags said: the same URLs, dates, amounts, counts and short titles in the
reader's language and time zone, and everything a seller or buyer typed escaped."""

import re

import pytest
from django.template import engines
from django.template.defaultfilters import date, time, truncatechars
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from sellerdesk.orders.models import Order, OrderItem
from sellerdesk.web.numbers import Numbers
from sellerdesk.web.templatetags.sellerdesk import money
from tests.factories import make_listing, make_order, make_user

LONG_TITLE = "Handvävd ullfilt i naturvit, 130 × 170 cm, från Jämtland"


def row_of(page: str, order: Order) -> str:
    found = re.search(rf'<tr data-order-id="{order.amazon_order_id}">(.*?)</tr>', page, re.S)
    assert found is not None
    return found[1]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_row_writes_urls_dates_amounts_and_counts_as_the_template_tags_do(seller, language):
    # Given an Unshipped order of 1,200 units with a long title, for a reader of each language
    listing = make_listing(seller, sku="FILT", quantity=1200, price="1430.00")
    order = make_order(seller, (listing, 1200))
    OrderItem.objects.filter(order=order).update(title=LONG_TITLE)
    order.refresh_from_db()
    client = Client()
    client.force_login(make_user(seller, language=language))

    # When the seller opens Manage Orders
    row = row_of(client.get("/orders/").content.decode(), order)

    # Then each cell holds what the template's own tags and filters give for it
    with translation.override(language), timezone.override("Europe/Stockholm"):
        order_id = order.amazon_order_id
        # The template engine gives the date filters local times; called here, they need them.
        purchased = timezone.localtime(order.purchase_date)
        ship_by = timezone.localtime(order.latest_ship_date)
        assert f'href="{reverse("orders:detail", args=[order_id])}"' in row
        assert f'href="{reverse("orders:ship", args=[order_id])}"' in row
        assert f'href="{reverse("orders:cancel", args=[order_id])}"' in row
        assert f'<td class="date">{date(purchased, "Y-m-d")}<br>' in row
        assert f'<span class="muted">{time(purchased, "H:i")}</span>' in row
        assert f'<td class="ship-by">{date(ship_by, "Y-m-d")}</td>' in row
        assert f'<td class="num">{money(order.order_total, order.currency)}</td>' in row
        quantity = engines["django"].from_string("{{ value }}").render({"value": 1200})
        assert f"<div>{quantity}&nbsp;×&nbsp;" in row
        assert f'<span class="item-title">{truncatechars(LONG_TITLE, 40)}</span>' in row
    assert quantity == ("1\xa0200" if language == "sv" else "1,200")


def test_a_row_escapes_what_sellers_and_buyers_typed(seller, seller_client):
    # Given an order whose buyer name, SKU title and buyer's reason hold markup
    order = make_order(seller, buyer_name='<script>alert("x")</script> & Co')
    OrderItem.objects.filter(order=order).update(title="<b>Fet</b> 'kopp'")
    Order.objects.filter(pk=order.pk).update(
        buyer_cancel_requested_at=timezone.now(), buyer_cancel_reason='"Billigare" <här>'
    )

    # When the seller opens Manage Orders
    row = row_of(seller_client.get("/orders/").content.decode(), order)

    # Then the markup is shown as text, never as markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in row
    assert "&lt;b&gt;Fet&lt;/b&gt; &#x27;kopp&#x27;" in row
    assert 'title="&quot;Billigare&quot; &lt;här&gt;"' in row
    assert "<q>&quot;Billigare&quot; &lt;här&gt;</q>" in row
    assert "<script>" not in row and "<b>" not in row


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("value", [0, 1, 7, 999, 1000, 12345, 1234567, -5])
def test_numbers_count_writes_a_whole_number_as_a_template_does(language, value):
    # Given the template engine's own way of writing a number
    template = engines["django"].from_string("{{ value }}")

    # When a count is written in each language
    with translation.override(language):
        written = Numbers.current().count(value)
        expected = template.render({"value": value})

    # Then both write it alike, thousands grouped
    assert written == expected
