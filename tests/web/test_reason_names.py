"""Every reason code the feeds accept is shown by its name, in both languages, and the Swedish
wording of the ledger, the shipment form and the cancelled units."""

import pytest
from django.test import Client
from django.utils import translation

from sellerdesk.cancellations.reasons import ALL_REASONS, reason_name
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.refunds.reasons import ADJUSTMENT_REASONS, adjustment_reason_name
from tests.factories import make_listing, make_order, make_user


@pytest.fixture
def swedish_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="sv"))
    return client


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def cancel(order, reason, quantities=None):
    return order_cancel(
        seller=order.seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        reason=reason,
        quantities=quantities,
    )


@pytest.mark.parametrize("code", sorted(ALL_REASONS))
def test_every_cancellation_reason_has_a_swedish_and_an_english_name(code):
    with translation.override("sv"):
        swedish = reason_name(code)
    with translation.override("en"):
        english = reason_name(code)

    assert swedish != code
    assert english != code
    assert swedish != english


@pytest.mark.parametrize("code", sorted(ADJUSTMENT_REASONS))
def test_every_adjustment_reason_has_a_swedish_and_an_english_name(code):
    with translation.override("sv"):
        swedish = adjustment_reason_name(code)
    with translation.override("en"):
        english = adjustment_reason_name(code)

    assert swedish != code
    assert swedish != english


def test_an_unknown_code_is_shown_as_it_is():
    assert reason_name("SomethingNew") == "SomethingNew"
    assert adjustment_reason_name("SomethingNew") == "SomethingNew"


def test_a_feed_only_reason_is_named_on_the_timeline_and_the_metrics_pages(
    seller, swedish_client, english_client
):
    order = make_order(seller)
    cancel(order, "MerchandiseNotReceived")

    timeline = swedish_client.get(f"/orders/{order.amazon_order_id}/").content.decode()
    metrics = swedish_client.get("/metrics/").content.decode()
    behind = swedish_client.get("/metrics/orders/?reason=MerchandiseNotReceived").content.decode()
    english = english_client.get(f"/orders/{order.amazon_order_id}/").content.decode()

    assert (
        '<span class="reason" title="MerchandiseNotReceived">Varan har inte mottagits</span>'
        in timeline
    )
    assert (
        '<tr data-reason="MerchandiseNotReceived">'
        '<td title="MerchandiseNotReceived">Varan har inte mottagits</td>'
    ) in metrics
    assert "med orsaken Varan har inte mottagits, " in behind
    assert (
        '<span class="reason" title="MerchandiseNotReceived">Merchandise not received</span>'
        in english
    )


def test_the_ledger_column_is_the_change_in_stock(seller, swedish_client):
    make_listing(seller, sku="MUGG", quantity=10)

    page = swedish_client.get("/inventory/MUGG/").content.decode()

    assert '<th class="num">Ändring</th>' in page
    assert ">Byt<" in page  # the language form's button, a different "Change", keeps its word


def test_the_ship_date_is_named_as_the_date_it_was_sent(seller, swedish_client):
    order = make_order(seller)

    page = swedish_client.get(f"/orders/{order.amazon_order_id}/confirm-shipment/")

    assert page.status_code == 200
    text = page.content.decode()
    assert ">Skickat datum</label>" in text
    assert "Leveransdatum" not in text


def test_cancelled_units_are_counted_in_the_singular_and_the_plural(seller, swedish_client):
    mug = make_listing(seller, sku="MUGG", quantity=100)
    one, two = make_order(seller, (mug, 3)), make_order(seller, (mug, 3))
    cancel(one, "PricingError", quantities={one.items.get().order_item_id: 1})
    cancel(two, "PricingError", quantities={two.items.get().order_item_id: 2})

    page = swedish_client.get("/metrics/orders/?kind=cancelled").content.decode()

    assert '<span class="danger-text">(1 annullerad)</span>' in page
    assert '<span class="danger-text">(2 annullerade)</span>' in page
