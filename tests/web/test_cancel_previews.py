"""The cancel pages show, before the seller confirms and for each reason, what the cancellation
does to each SKU's stock and to the cancellation rate, from the rules the cancellation applies."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry, Listing
from sellerdesk.metrics.rules import counts_toward_rate, orders_counting_toward_rate
from sellerdesk.orders.models import Order, OrderEvent
from tests.factories import make_listing, make_order, make_user

OTHER_REASONS = "BuyerCanceled GeneralAdjustment PricingError ShippingAddressUndeliverable"
OTHER_REASONS += " CustomerExchange"
EVERY_REASON = "NoInventory " + OTHER_REASONS


@pytest.fixture
def english_client(seller):
    client = Client()
    client.force_login(make_user(seller, language="en"))
    return client


def stock_blocks(html: str) -> dict[str, dict[str, str]]:
    """The stock preview's blocks: reasons -> SKU -> "now → after"."""
    preview = re.search(r'<div id="stock-preview".*?\n</div>', html, re.S)
    assert preview is not None
    blocks = re.findall(
        r'<div class="by-reason" data-reasons="([^"]+)">(.*?)</div>', preview[0], re.S
    )
    return {
        reasons: dict(
            re.findall(
                r'<tr data-sku="([^"]+)">.*?class="num stock-change[^"]*">([^<]+)</td>', body
            )
        )
        for reasons, body in blocks
    }


def rate_blocks(html: str) -> dict[str, str]:
    """The rate forecast's blocks: reasons -> the rate after."""
    return dict(
        re.findall(
            r'<div class="by-reason" data-reasons="([^"]+)">\s*(?:<p[^>]*>[^<]*</p>)?\s*'
            r'<div class="rate-forecast" data-rate-now="[^"]+" data-rate-after="([^"]+)"',
            html,
        )
    )


def selected_reason(html: str) -> list[str]:
    select = re.search(r'<select name="reason".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)" selected>', select[0])


def cancel_page(client: Client, order: Order) -> str:
    response = client.get(reverse("orders:cancel", args=[order.amazon_order_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_cancel_page_shows_the_stock_of_each_sku_for_each_reason(seller, english_client):
    shelf = make_listing(seller, sku="NH-0029", quantity=314)
    lamp = make_listing(seller, sku="NH-0035", quantity=14)
    order = make_order(seller, (shelf, 1), (lamp, 2))  # 313 and 12 left

    html = cancel_page(english_client, order)

    assert stock_blocks(html) == {
        "NoInventory": {"NH-0029": "313 → 0", "NH-0035": "12 → 0"},
        OTHER_REASONS: {"NH-0029": "313 → 314", "NH-0035": "12 → 14"},
    }
    assert "With the reason “No inventory”:" in html
    assert "With any other reason:" in html
    assert '<script src="/static/web/by-reason.js" defer></script>' in html


@pytest.mark.parametrize("reason", ["NoInventory", "PricingError"])
def test_the_previewed_stock_is_what_the_cancellation_leaves(seller, english_client, reason):
    shelf = make_listing(seller, sku="NH-0029", quantity=314)
    order = make_order(seller, (shelf, 1))
    block = next(
        block
        for reasons, block in stock_blocks(cancel_page(english_client, order)).items()
        if reason in reasons.split()
    )

    order_cancel(seller=seller, amazon_order_id=order.amazon_order_id, actor=None, reason=reason)

    shelf.refresh_from_db()
    assert block == {"NH-0029": f"313 → {shelf.quantity}"}


def test_the_item_preview_follows_the_chosen_quantities(seller, english_client):
    shelf = make_listing(seller, sku="NH-0029", quantity=10)
    lamp = make_listing(seller, sku="NH-0035", quantity=10)
    order = make_order(seller, (shelf, 3), (lamp, 1))
    shelf_item = order.items.get(listing=shelf)

    response = english_client.get(
        reverse("orders:cancel_stock", args=[order.amazon_order_id]),
        {"scope": "items", f"cancel_{shelf_item.order_item_id}": "1"},
    )

    assert response.status_code == 200
    assert stock_blocks(response.content.decode()) == {
        "NoInventory": {"NH-0029": "7 → 0"},
        OTHER_REASONS: {"NH-0029": "7 → 8"},
    }


@pytest.mark.parametrize(
    "quantities", [{"cancel_X": "9"}, {"cancel_X": "-1"}, {"cancel_X": "many"}, {}]
)
def test_an_item_preview_of_no_valid_units_shows_no_change(seller, english_client, quantities):
    shelf = make_listing(seller, sku="NH-0029", quantity=10)
    order = make_order(seller, (shelf, 3))
    item_id = order.items.get().order_item_id
    params = {"scope": "items"} | {
        name.replace("X", item_id): value for name, value in quantities.items()
    }

    response = english_client.get(
        reverse("orders:cancel_stock", args=[order.amazon_order_id]), params
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert stock_blocks(html) == {EVERY_REASON: {}}
    assert "Choose the units to cancel to see what happens to the stock." in html
    assert not InventoryLedgerEntry.objects.filter(cause__startswith="cancellation").exists()


def test_the_stock_preview_of_another_sellers_order_is_not_found(
    seller, other_seller, english_client
):
    order = make_order(other_seller)

    response = english_client.get(reverse("orders:cancel_stock", args=[order.amazon_order_id]))

    assert response.status_code == 404


def test_a_rejected_item_cancellation_keeps_the_preview_of_the_posted_quantities(
    seller, english_client
):
    shelf = make_listing(seller, sku="NH-0029", quantity=10)
    order = make_order(seller, (shelf, 3))
    item_id = order.items.get().order_item_id

    response = english_client.post(
        reverse("orders:cancel", args=[order.amazon_order_id]),
        {"scope": "items", f"cancel_{item_id}": "2", "reason": ""},
    )

    assert response.status_code == 422
    assert stock_blocks(response.content.decode())[OTHER_REASONS] == {"NH-0029": "7 → 9"}
    assert Listing.objects.get(pk=shelf.pk).quantity == 7


def test_the_selection_page_sums_the_units_of_each_sku_for_each_reason(seller, english_client):
    shelf = make_listing(seller, sku="NH-0029", quantity=20)
    orders = [make_order(seller, (shelf, 2)), make_order(seller, (shelf, 3))]  # 15 left

    response = english_client.post(
        reverse("orders:cancel_selected"), {"order": [o.amazon_order_id for o in orders]}
    )

    html = response.content.decode()
    assert stock_blocks(html) == {
        "NoInventory": {"NH-0029": "15 → 0"},
        OTHER_REASONS: {"NH-0029": "15 → 20"},
    }
    assert re.search(r'data-sku="NH-0029">.*?<td class="num">5</td>', html)


def requested(order: Order) -> Order:
    return order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Mistake")


def test_a_selection_of_requested_orders_preselects_buyer_canceled_and_keeps_the_rate(
    seller, english_client
):
    listing = make_listing(seller, quantity=50)
    asked = [requested(make_order(seller, (listing, 1))) for _ in range(2)]
    for _ in range(2):
        make_order(seller, (listing, 1))

    response = english_client.post(
        reverse("orders:cancel_selected"), {"order": [o.amazon_order_id for o in asked]}
    )

    html = response.content.decode()
    assert selected_reason(html) == ["BuyerCanceled"]
    assert "2 of the 2 orders to cancel have a buyer's cancellation request." in html
    assert "Every order to cancel has a request, so “Buyer canceled” is chosen for you." in html
    assert rate_blocks(html) == {
        "BuyerCanceled": "0.00",
        EVERY_REASON.replace(" BuyerCanceled", ""): "50.00",
    }


def test_a_mixed_selection_preselects_nothing_and_counts_its_requests(seller, english_client):
    listing = make_listing(seller, quantity=50)
    asked = requested(make_order(seller, (listing, 1)))
    plain = make_order(seller, (listing, 1))
    for _ in range(2):
        make_order(seller, (listing, 1))

    response = english_client.post(
        reverse("orders:cancel_selected"),
        {"order": [asked.amazon_order_id, plain.amazon_order_id]},
    )

    html = response.content.decode()
    assert selected_reason(html) == [""]
    assert "1 of the 2 orders to cancel has a buyer's cancellation request." in html
    assert "is chosen for you" not in html
    assert rate_blocks(html) == {
        "BuyerCanceled": "25.00",
        EVERY_REASON.replace(" BuyerCanceled", ""): "50.00",
    }


def test_a_selection_without_requests_has_one_forecast_and_no_notice(seller, english_client):
    orders = [make_order(seller) for _ in range(4)]

    html = english_client.post(
        reverse("orders:cancel_selected"), {"order": [orders[0].amazon_order_id]}
    ).content.decode()

    assert rate_blocks(html) == {EVERY_REASON: "25.00"}
    assert 'data-notice="buyer-requested"' not in html


def test_the_bulk_forecast_is_what_the_rate_becomes(seller, english_client):
    listing = make_listing(seller, quantity=50)
    asked = requested(make_order(seller, (listing, 1)))
    plain = make_order(seller, (listing, 1))
    make_order(seller, (listing, 1))
    ids = [asked.amazon_order_id, plain.amazon_order_id]
    html = english_client.post(reverse("orders:cancel_selected"), {"order": ids}).content.decode()
    forecast = rate_blocks(html)["BuyerCanceled"]

    for order_id in ids:
        order_cancel(seller=seller, amazon_order_id=order_id, actor=None, reason="BuyerCanceled")

    after = english_client.post(reverse("orders:cancel_selected"), {"order": ids}).content.decode()
    assert re.search(r'data-rate-now="([^"]+)"', after)[1] == forecast == "33.33"  # type: ignore[index]


@pytest.mark.parametrize("reason", CancelReason.values)
@pytest.mark.parametrize("source", OrderEvent.Source.values)
def test_the_rate_filter_agrees_with_the_rule_order_by_order(seller, reason, source):
    plain = make_order(seller)
    asked = requested(make_order(seller))
    orders = Order.objects.filter(pk__in=[plain.pk, asked.pk])

    counting = set(orders_counting_toward_rate(orders, reason=reason, source=source))

    assert counting == {
        order
        for order in (plain, asked)
        if counts_toward_rate(order=order, reason=reason, source=source)
    }
