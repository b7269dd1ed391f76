"""Orders API v0: every operation, its errors, and the seller scoping of every lookup.

Every response goes through SpApi.call, which checks it against the operation's OpenAPI schema."""

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone

from sellerdesk.accounts.models import AccessToken, Seller
from sellerdesk.api.orders import asin_for_sku
from sellerdesk.api.urls import ordersapi
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.catalog.models import InventoryLedgerEntry
from sellerdesk.core.pages import SALT as PAGE_TOKEN_SALT
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order, OrderEvent, OrderItem
from sellerdesk.orders.services import order_confirm_shipment
from sellerdesk.refunds.models import Charge
from tests.api.conftest import SpApi
from tests.factories import make_listing, make_order

ORDERS = "/orders/v0/orders"
ORDER = "/orders/v0/orders/{orderId}"
ITEMS = "/orders/v0/orders/{orderId}/orderItems"
SHIPMENT = "/orders/v0/orders/{orderId}/shipmentConfirmation"
CANCELLATION = "/orders/v0/orders/{orderId}/cancellation"
MARKETPLACE = "A2NODRKZP88ZB9"
MISSING = "999-9999999-9999999"
SCHEMA_SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi-orders.json"
DENIED = {
    "errors": [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "",
        }
    ]
}
T0 = datetime.datetime(2026, 3, 2, 9, 30, 15, 250_000, tzinfo=datetime.UTC)


@pytest.fixture
def sp(token: str) -> SpApi:
    return SpApi(token, ordersapi)


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["errors"][0]["code"]


def dated(
    order: Order, purchased: datetime.datetime, updated: datetime.datetime | None = None
) -> Order:
    """Set the order's times, as if it had been placed (and last changed) then."""
    Order.objects.filter(pk=order.pk).update(
        purchase_date=purchased,
        latest_ship_date=purchased + datetime.timedelta(days=2),
        last_update_date=updated or purchased,
    )
    order.refresh_from_db()
    return order


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.json()
    return [order["AmazonOrderId"] for order in response.json()["payload"]["Orders"]]


def shipment(order: Order, **changes: Any) -> dict[str, Any]:
    item = order.items.get()
    package = {
        "packageReferenceId": "1",
        "carrierCode": "PostNord",
        "shippingMethod": "MyPack Home",
        "trackingNumber": "UA123456789SE",
        "shipDate": "2026-03-03T08:00:00Z",
        "orderItems": [{"orderItemId": item.order_item_id, "quantity": 1}],
    } | changes.pop("package", {})
    return {"packageDetail": package, "marketplaceId": MARKETPLACE} | changes


def snapshot(order: Order) -> tuple[object, ...]:
    """Everything a refused request must leave as it was."""
    order.refresh_from_db()
    return (
        order.status,
        order.last_update_date,
        list(order.events.values_list("kind", flat=True)),
        list(order.items.order_by("pk").values_list("quantity_shipped", "quantity_cancelled")),
        OutboundEmail.objects.filter(order=order).count(),
        InventoryLedgerEntry.objects.filter(order=order).count(),
        Charge.objects.filter(order=order).exists(),
    )


# Authorization


ALL_OPERATIONS = [
    ("GET", ORDERS),
    ("GET", ORDER),
    ("GET", ITEMS),
    ("POST", SHIPMENT),
    ("PUT", CANCELLATION),
]


@pytest.mark.parametrize(("method", "template"), ALL_OPERATIONS)
def test_every_operation_refuses_a_missing_token(seller, method, template):
    order = make_order(seller)

    response = SpApi(None, ordersapi).call(
        method,
        template,
        query={"MarketplaceIds": MARKETPLACE, "CreatedAfter": "2026-01-01T00:00:00Z"},
        body={"cancelReasonCode": "NO_INVENTORY"},
        orderId=order.amazon_order_id,
    )

    assert response.status_code == 403
    assert response.json() == DENIED


def test_an_expired_token_cancels_nothing(seller, token):
    order = make_order(seller)
    before = snapshot(order)
    AccessToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = SpApi(token, ordersapi).call(
        "PUT",
        CANCELLATION,
        body={"cancelReasonCode": "NO_INVENTORY"},
        orderId=order.amazon_order_id,
    )

    assert response.json() == DENIED
    assert snapshot(order) == before


# getOrder


def test_get_order_answers_in_sp_api_shape(seller, sp):
    listing = make_listing(seller, price="199.00")
    order = dated(
        make_order(seller, (listing, 2), (make_listing(seller, price="49.50"), 1)),
        purchased=T0,
        updated=T0 + datetime.timedelta(minutes=5),
    )

    response = sp.call("GET", ORDER, orderId=order.amazon_order_id)

    assert response.status_code == 200
    assert response.json() == {
        "payload": {
            "AmazonOrderId": order.amazon_order_id,
            "PurchaseDate": "2026-03-02T09:30:15Z",
            "LastUpdateDate": "2026-03-02T09:35:15Z",
            "OrderStatus": "Unshipped",
            "FulfillmentChannel": "MFN",
            "SalesChannel": "Amazon.se",
            "OrderTotal": {"CurrencyCode": "SEK", "Amount": "447.50"},
            "NumberOfItemsShipped": 0,
            "NumberOfItemsUnshipped": 3,
            "PaymentMethod": "Other",
            "MarketplaceId": MARKETPLACE,
            "ShipmentServiceLevelCategory": "Standard",
            "OrderType": "StandardOrder",
            "EarliestShipDate": "2026-03-02T09:30:15Z",
            "LatestShipDate": "2026-03-04T09:30:15Z",
            "IsBusinessOrder": False,
            "IsPrime": False,
            "IsPremiumOrder": False,
        }
    }


def test_get_order_counts_shipped_and_cancelled_units(seller, sp):
    first, second = make_listing(seller), make_listing(seller)
    order = make_order(seller, (first, 3), (second, 2))
    one, two = order.items.order_by("pk")
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
        quantities={one.order_item_id: 1},
    )
    OrderItem.objects.filter(pk=two.pk).update(quantity_cancelled=1)
    Order.objects.filter(pk=order.pk).update(seller_order_id="WMS-1001")

    payload = sp.call("GET", ORDER, orderId=order.amazon_order_id).json()["payload"]

    assert (
        payload["OrderStatus"],
        payload["NumberOfItemsShipped"],
        payload["NumberOfItemsUnshipped"],
        payload["SellerOrderId"],
    ) == ("PartiallyShipped", 1, 3, "WMS-1001")


def test_the_order_shows_no_buyer_data(seller, sp):
    order = make_order(seller, buyer_name="Åsa Öberg")

    response = sp.call("GET", ORDER, orderId=order.amazon_order_id)

    text = json.dumps(response.json(), ensure_ascii=False)
    assert "Åsa" not in text
    assert order.buyer_email not in text
    assert "Buyer" not in text


@pytest.mark.parametrize(
    ("method", "template"),
    [("GET", ORDER), ("GET", ITEMS), ("POST", SHIPMENT), ("PUT", CANCELLATION)],
)
def test_another_sellers_order_is_the_same_404_as_a_missing_one(
    seller, other_seller, sp, method, template
):
    theirs = make_order(other_seller)
    before = snapshot(theirs)

    def call(order_id: str) -> Any:
        body = shipment(theirs) if template == SHIPMENT else {"cancelReasonCode": "NO_INVENTORY"}
        return sp.call(method, template, body=body, orderId=order_id)

    responses = {
        "theirs": call(theirs.amazon_order_id),
        "missing": call(MISSING),
        "malformed": call("not-an-order"),
    }

    assert {name: error(response) for name, response in responses.items()} == {
        "theirs": (404, "order_not_found"),
        "missing": (404, "order_not_found"),
        "malformed": (404, "order_not_found"),
    }
    assert responses["theirs"].json()["errors"][0]["message"] == (
        f"Order {theirs.amazon_order_id} was not found."
    )
    assert responses["missing"].json()["errors"][0]["message"] == f"Order {MISSING} was not found."
    assert snapshot(theirs) == before


# getOrderItems


def test_get_order_items_answers_in_sp_api_shape(seller, sp):
    mug = make_listing(seller, sku="MUG-1", price="199.00")
    plate = make_listing(seller, sku="PLATE-2", price="89.00")
    order = make_order(seller, (mug, 3), (plate, 1))
    mug_item, plate_item = order.items.order_by("pk")
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=order.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
        quantities={mug_item.order_item_id: 1},
    )
    OrderItem.objects.filter(pk=mug_item.pk).update(
        quantity_cancelled=1, shipping_price="29.00", item_tax="119.40", shipping_tax="5.80"
    )

    response = sp.call("GET", ITEMS, orderId=order.amazon_order_id)

    assert response.status_code == 200

    def money(amount: str) -> dict[str, str]:
        return {"CurrencyCode": "SEK", "Amount": amount}

    not_requested = {"IsBuyerRequestedCancel": "false", "BuyerCancelReason": ""}
    assert response.json() == {
        "payload": {
            "AmazonOrderId": order.amazon_order_id,
            "OrderItems": [
                {
                    "ASIN": asin_for_sku("MUG-1"),
                    "OrderItemId": mug_item.order_item_id,
                    "SellerSKU": "MUG-1",
                    "Title": "Kaffekopp i stengods",
                    "QuantityOrdered": 3,
                    "QuantityShipped": 1,
                    "QuantityCancelled": 1,
                    "ItemPrice": money("597.00"),
                    "ShippingPrice": money("29.00"),
                    "ItemTax": money("119.40"),
                    "ShippingTax": money("5.80"),
                    "PromotionDiscount": money("0.00"),
                    "IsGift": "false",
                    "BuyerRequestedCancel": not_requested,
                },
                {
                    "ASIN": asin_for_sku("PLATE-2"),
                    "OrderItemId": plate_item.order_item_id,
                    "SellerSKU": "PLATE-2",
                    "Title": "Kaffekopp i stengods",
                    "QuantityOrdered": 1,
                    "QuantityShipped": 0,
                    "QuantityCancelled": 0,
                    "ItemPrice": money("89.00"),
                    "ShippingPrice": money("0.00"),
                    "ItemTax": money("0.00"),
                    "ShippingTax": money("0.00"),
                    "PromotionDiscount": money("0.00"),
                    "IsGift": "false",
                    "BuyerRequestedCancel": not_requested,
                },
            ],
        }
    }


def test_items_of_a_pending_order_come_without_prices(seller, sp):
    # As on SP-API: no pricing, taxes, promotions or gift status until payment is authorized.
    order = make_order(seller, payment_authorized=False)

    (item,) = sp.call("GET", ITEMS, orderId=order.amazon_order_id).json()["payload"]["OrderItems"]

    assert set(item) == {
        "ASIN",
        "OrderItemId",
        "SellerSKU",
        "Title",
        "QuantityOrdered",
        "QuantityShipped",
        "QuantityCancelled",
        "BuyerRequestedCancel",
    }


def test_order_items_have_no_second_page(seller, sp):
    order = make_order(seller)

    response = sp.call("GET", ITEMS, query={"NextToken": "x"}, orderId=order.amazon_order_id)

    assert error(response) == (400, "invalid_next_token")


def test_asin_is_a_stable_ten_character_value_per_sku():
    asin = asin_for_sku("MUG-1")

    assert asin == asin_for_sku("MUG-1")
    assert asin != asin_for_sku("MUG-2")
    assert len(asin) == 10
    assert asin.startswith("B0")
    assert asin.isalnum()
    assert asin.isupper()
    assert asin == "B0MXXU6CHV"  # what integrations have stored must not change


# getOrders


def test_get_orders_lists_the_sellers_orders_in_the_time_frame_oldest_first(
    seller, other_seller, sp
):
    before_frame = dated(make_order(seller), T0 - datetime.timedelta(days=3))
    first = dated(make_order(seller), T0)
    second = dated(make_order(seller), T0 + datetime.timedelta(days=1))
    after_frame = dated(make_order(seller), T0 + datetime.timedelta(days=5))
    dated(make_order(other_seller), T0 + datetime.timedelta(hours=1))

    response = sp.call(
        "GET",
        ORDERS,
        query={
            "MarketplaceIds": MARKETPLACE,
            "CreatedAfter": "2026-03-02T09:30:15.250Z",  # inclusive
            "CreatedBefore": "2026-03-04T00:00:00Z",
        },
    )

    assert ids(response) == [first.amazon_order_id, second.amazon_order_id]
    assert response.json()["payload"]["CreatedBefore"] == "2026-03-04T00:00:00Z"
    assert "NextToken" not in response.json()["payload"]
    assert "LastUpdatedBefore" not in response.json()["payload"]
    assert before_frame.amazon_order_id not in ids(response)
    assert after_frame.amazon_order_id not in ids(response)


def test_get_orders_without_an_upper_bound_echoes_now(seller, sp):
    order = make_order(seller)
    ahead = timezone.now().replace(microsecond=0)

    response = sp.call(
        "GET",
        ORDERS,
        query={"MarketplaceIds": MARKETPLACE, "CreatedAfter": "2026-01-01T00:00:00Z"},
    )

    assert ids(response) == [order.amazon_order_id]
    echoed = datetime.datetime.fromisoformat(response.json()["payload"]["CreatedBefore"])
    assert ahead <= echoed <= timezone.now()


def test_get_orders_by_last_update(seller, sp):
    unchanged = dated(make_order(seller), T0, updated=T0)
    changed = dated(make_order(seller), T0, updated=T0 + datetime.timedelta(days=2))
    changed_earlier = dated(make_order(seller), T0, updated=T0 + datetime.timedelta(days=1))

    response = sp.call(
        "GET",
        ORDERS,
        query={
            "MarketplaceIds": MARKETPLACE,
            "LastUpdatedAfter": (T0 + datetime.timedelta(hours=1)).isoformat(),
            "LastUpdatedBefore": "2026-03-10T00:00:00",  # without a zone: UTC
        },
    )

    assert ids(response) == [changed_earlier.amazon_order_id, changed.amazon_order_id]
    assert unchanged.amazon_order_id not in ids(response)
    assert response.json()["payload"]["LastUpdatedBefore"] == "2026-03-10T00:00:00Z"
    assert "CreatedBefore" not in response.json()["payload"]


def test_get_orders_filters(seller, sp):
    listing = make_listing(seller, quantity=100)
    unshipped = dated(make_order(seller, (listing, 1)), T0)
    shipped = dated(make_order(seller, (listing, 1)), T0 + datetime.timedelta(hours=1))
    cancelled = dated(make_order(seller, (listing, 1)), T0 + datetime.timedelta(hours=2))
    pending = dated(
        make_order(seller, (listing, 1), payment_authorized=False),
        T0 + datetime.timedelta(hours=3),
    )
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=shipped.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA1SE",
    )
    order_cancel(
        seller=seller, amazon_order_id=cancelled.amazon_order_id, actor=None, reason="PricingError"
    )

    def listed(**query: object) -> list[str]:
        return ids(
            sp.call(
                "GET",
                ORDERS,
                query={"MarketplaceIds": MARKETPLACE, "CreatedAfter": T0.isoformat()} | query,
            )
        )

    assert listed() == [
        unshipped.amazon_order_id,
        shipped.amazon_order_id,
        cancelled.amazon_order_id,
        pending.amazon_order_id,
    ]
    assert listed(OrderStatuses="Unshipped,Canceled") == [
        unshipped.amazon_order_id,
        cancelled.amazon_order_id,
    ]
    assert listed(OrderStatuses=["Shipped", "Pending"]) == [
        shipped.amazon_order_id,
        pending.amazon_order_id,
    ]
    assert listed(OrderStatuses="Unfulfillable,PendingAvailability") == []
    assert listed(AmazonOrderIds=f"{pending.amazon_order_id},{unshipped.amazon_order_id}") == [
        unshipped.amazon_order_id,
        pending.amazon_order_id,
    ]
    assert listed(AmazonOrderIds=MISSING) == []
    assert listed(MarketplaceIds=[MARKETPLACE, MARKETPLACE]) == listed()


def test_get_orders_pages_with_next_token(seller, sp):
    orders = [dated(make_order(seller), T0 + datetime.timedelta(hours=n)) for n in range(5)]
    # Two orders at the same instant are still paged apart, by id.
    dated(orders[2], orders[1].purchase_date)
    query = {"MarketplaceIds": MARKETPLACE, "CreatedAfter": T0.isoformat(), "MaxResultsPerPage": 2}

    first = sp.call("GET", ORDERS, query=query)
    # python-amazon-sp-api sends the first page's parameters again along with the token.
    second = sp.call(
        "GET", ORDERS, query=query | {"NextToken": first.json()["payload"]["NextToken"]}
    )
    third = sp.call(
        "GET",
        ORDERS,
        query={"MarketplaceIds": MARKETPLACE, "NextToken": second.json()["payload"]["NextToken"]},
    )

    assert [ids(first), ids(second), ids(third)] == [
        [orders[0].amazon_order_id, orders[1].amazon_order_id],
        [orders[2].amazon_order_id, orders[3].amazon_order_id],
        [orders[4].amazon_order_id],
    ]
    assert "NextToken" not in third.json()["payload"]
    bounds = {page.json()["payload"]["CreatedBefore"] for page in (first, second, third)}
    assert len(bounds) == 1


def test_next_token_keeps_the_filters_and_time_frame_of_the_first_page(seller, sp):
    listing = make_listing(seller, quantity=100)
    shipped = []
    for n in range(3):
        order = dated(make_order(seller, (listing, 1)), T0 + datetime.timedelta(hours=n))
        order_confirm_shipment(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            carrier="PostNord",
            tracking_number="UA1SE",
        )
        shipped.append(order.amazon_order_id)
    dated(make_order(seller, (listing, 1)), T0 + datetime.timedelta(minutes=90))

    first = sp.call(
        "GET",
        ORDERS,
        query={
            "MarketplaceIds": MARKETPLACE,
            "CreatedAfter": T0.isoformat(),
            "OrderStatuses": "Shipped",
            "MaxResultsPerPage": 2,
        },
    )
    # Placed after the first page: outside its time frame, so not on a later page either.
    late = make_order(seller, (listing, 1))
    order_confirm_shipment(
        seller=seller,
        amazon_order_id=late.amazon_order_id,
        actor=None,
        carrier="PostNord",
        tracking_number="UA2SE",
    )
    second = sp.call(
        "GET",
        ORDERS,
        query={
            "MarketplaceIds": MARKETPLACE,
            "NextToken": first.json()["payload"]["NextToken"],
            "OrderStatuses": "Unshipped",  # ignored: the token carries the filters
        },
    )

    assert ids(first) + ids(second) == shipped


def test_get_orders_errors(seller, other_seller, other_token, sp):
    for n in range(2):
        dated(make_order(seller), T0 + datetime.timedelta(hours=n))
    base = {"MarketplaceIds": MARKETPLACE, "CreatedAfter": T0.isoformat()}
    token = sp.call("GET", ORDERS, query=base | {"MaxResultsPerPage": 1}).json()["payload"][
        "NextToken"
    ]
    forged = signing.dumps({"seller": seller.pk}, salt=PAGE_TOKEN_SALT)

    def get(query: dict[str, Any], client: SpApi = sp) -> Any:
        return client.call("GET", ORDERS, query=query)

    cases = {
        "no_marketplace": get({"CreatedAfter": T0.isoformat()}),
        "empty_marketplace": get(base | {"MarketplaceIds": ","}),
        "other_marketplace": get(base | {"MarketplaceIds": f"{MARKETPLACE},ATVPDKIKX0DER"}),
        "too_many_marketplaces": get(base | {"MarketplaceIds": ",".join([MARKETPLACE] * 51)}),
        "no_date": get({"MarketplaceIds": MARKETPLACE}),
        "only_created_before": get({"MarketplaceIds": MARKETPLACE, "CreatedBefore": "2026-04-01"}),
        "created_and_updated": get(base | {"LastUpdatedAfter": T0.isoformat()}),
        "created_after_and_updated_before": get(base | {"LastUpdatedBefore": "2026-04-01"}),
        "reversed": get(base | {"CreatedBefore": (T0 - datetime.timedelta(days=1)).isoformat()}),
        "future": get({"MarketplaceIds": MARKETPLACE, "LastUpdatedAfter": "2099-01-01T00:00:00Z"}),
        "bad_date": get({"MarketplaceIds": MARKETPLACE, "CreatedAfter": "yesterday"}),
        "unknown_status": get(base | {"OrderStatuses": "Unshipped,Delivered"}),
        "too_many_order_ids": get(base | {"AmazonOrderIds": ",".join([MISSING] * 51)}),
        "malformed_order_id": get(base | {"AmazonOrderIds": f"{MISSING},12-34"}),
        "page_zero": get(base | {"MaxResultsPerPage": 0}),
        "page_too_large": get(base | {"MaxResultsPerPage": 101}),
        "page_not_a_number": get(base | {"MaxResultsPerPage": "many"}),
        "tampered_token": get({"MarketplaceIds": MARKETPLACE, "NextToken": token[:-2] + "xx"}),
        "garbage_token": get({"MarketplaceIds": MARKETPLACE, "NextToken": "nope"}),
        "incomplete_token": get({"MarketplaceIds": MARKETPLACE, "NextToken": forged}),
        "another_sellers_token": get(
            {"MarketplaceIds": MARKETPLACE, "NextToken": token}, SpApi(other_token, ordersapi)
        ),
        "token_without_marketplace": get({"NextToken": token}),
    }

    assert {name: error(response) for name, response in cases.items()} == {
        "no_marketplace": (400, "InvalidInput"),
        "empty_marketplace": (400, "marketplace_ids_required"),
        "other_marketplace": (400, "invalid_marketplace"),
        "too_many_marketplaces": (400, "too_many_values"),
        "no_date": (400, "date_filter_required"),
        "only_created_before": (400, "date_filter_required"),
        "created_and_updated": (400, "conflicting_date_filters"),
        "created_after_and_updated_before": (400, "conflicting_date_filters"),
        "reversed": (400, "invalid_date_range"),
        "future": (400, "invalid_date_range"),
        "bad_date": (400, "InvalidInput"),
        "unknown_status": (400, "invalid_order_status"),
        "too_many_order_ids": (400, "too_many_values"),
        "malformed_order_id": (400, "invalid_order_id"),
        "page_zero": (400, "InvalidInput"),
        "page_too_large": (400, "InvalidInput"),
        "page_not_a_number": (400, "InvalidInput"),
        "tampered_token": (400, "invalid_next_token"),
        "garbage_token": (400, "invalid_next_token"),
        "incomplete_token": (400, "invalid_next_token"),
        "another_sellers_token": (400, "invalid_next_token"),
        "token_without_marketplace": (400, "InvalidInput"),
    }
    assert cases["other_marketplace"].json()["errors"][0]["message"] == (
        "Marketplace ATVPDKIKX0DER is not the seller's."
    )
    assert cases["unknown_status"].json()["errors"][0]["message"] == (
        "Unknown OrderStatuses: Delivered."
    )


@pytest.mark.parametrize(
    "times",
    [
        {"CreatedAfter": "0001-01-01T00:00:00Z"},
        {"CreatedAfter": "0001-01-01T00:30:00+01:00"},
        {"CreatedAfter": "2026-01-01T00:00:00Z", "CreatedBefore": "9999-12-31T23:59:59Z"},
        {"CreatedAfter": "2026-01-01T00:00:00Z", "CreatedBefore": "9999-12-31T23:00:00-01:00"},
        {"LastUpdatedAfter": "0001-06-01T00:00:00"},
    ],
)
def test_get_orders_refuses_times_at_the_ends_of_the_calendar(seller, sp, times):
    make_order(seller)

    response = sp.call("GET", ORDERS, query={"MarketplaceIds": MARKETPLACE} | times)

    assert error(response) == (400, "InvalidInput")
    assert response.json()["errors"][0]["details"].endswith(
        "must be from 0002-01-01 to 9998-12-31 (UTC)"
    )


def test_get_orders_takes_the_first_and_last_times_it_can_page_through(seller, sp):
    orders = [dated(make_order(seller), T0 + datetime.timedelta(hours=n)) for n in range(3)]
    query = {
        "MarketplaceIds": MARKETPLACE,
        "CreatedAfter": "0002-01-01T00:00:00Z",
        "CreatedBefore": "9998-12-31T23:59:59Z",
        "MaxResultsPerPage": 2,
    }

    first = sp.call("GET", ORDERS, query=query)
    second = sp.call(
        "GET",
        ORDERS,
        query={"MarketplaceIds": MARKETPLACE, "NextToken": first.json()["payload"]["NextToken"]},
    )

    assert ids(first) + ids(second) == [order.amazon_order_id for order in orders]
    assert second.json()["payload"]["CreatedBefore"] == "9998-12-31T23:59:59Z"


@pytest.mark.parametrize("count", [1, 6])
def test_get_orders_takes_five_queries_whatever_the_number_of_orders(
    seller, sp, django_assert_num_queries, count
):
    for _ in range(count):
        make_order(seller, (make_listing(seller), 1), (make_listing(seller), 2))

    # The token with its application, its creator and the seller, the creator's permissions,
    # the usage plan's bucket, the page of orders, then all their items.
    with django_assert_num_queries(5):
        response = sp.call(
            "GET",
            ORDERS,
            query={"MarketplaceIds": MARKETPLACE, "CreatedAfter": "2026-01-01T00:00:00Z"},
        )

    assert len(ids(response)) == count
    assert {o["NumberOfItemsUnshipped"] for o in response.json()["payload"]["Orders"]} == {3}


# confirmShipment


def test_confirm_shipment_ships_the_package_and_charges_the_buyer(seller, sp):
    order = make_order(seller, (make_listing(seller, quantity=10), 3))

    response = sp.call("POST", SHIPMENT, body=shipment(order), orderId=order.amazon_order_id)

    assert response.status_code == 204
    assert response.content == b""
    order.refresh_from_db()
    item = order.items.get()
    event = order.events.get(kind=OrderEvent.Kind.SHIPMENT_CONFIRMED)
    assert (order.status, item.quantity_shipped) == ("PartiallyShipped", 1)
    assert (event.source, event.actor, event.data) == (
        "api",
        None,
        {
            "carrier": "PostNord",
            "tracking_number": "UA123456789SE",
            "ship_date": "2026-03-03",
            "items": [{"order_item_id": item.order_item_id, "sku": item.seller_sku, "quantity": 1}],
        },
    )
    assert Charge.objects.filter(order=order).count() == 1


def test_confirm_shipment_with_a_carrier_named_in_carrier_name(seller, sp):
    order = make_order(seller)
    body = shipment(
        order,
        package={
            "carrierCode": "Other",
            "carrierName": "Bring",
            "shipDate": "2026-03-03T23:30:00Z",  # 00:30 on the 4th in Stockholm
        },
    )

    response = sp.call("POST", SHIPMENT, body=body, orderId=order.amazon_order_id)

    assert response.status_code == 204
    event = order.events.get(kind=OrderEvent.Kind.SHIPMENT_CONFIRMED)
    assert (event.data["carrier"], event.data["ship_date"]) == ("Bring", "2026-03-04")
    order.refresh_from_db()
    assert order.status == "Shipped"


def test_confirm_shipment_errors_change_nothing(seller, sp):
    listing = make_listing(seller, quantity=50)
    order = make_order(seller, (listing, 2))
    item_id = order.items.get().order_item_id
    cancelled = make_order(seller, (listing, 1))
    order_cancel(
        seller=seller, amazon_order_id=cancelled.amazon_order_id, actor=None, reason="PricingError"
    )
    pending = make_order(seller, (listing, 1), payment_authorized=False)
    before = {o.pk: snapshot(o) for o in (order, cancelled, pending)}

    def confirm(target: Order = order, **changes: Any) -> Any:
        return sp.call(
            "POST", SHIPMENT, body=shipment(target, **changes), orderId=target.amazon_order_id
        )

    def items(*pairs: tuple[str, int]) -> dict[str, Any]:
        return {"orderItems": [{"orderItemId": i, "quantity": q} for i, q in pairs]}

    cases = {
        "over_quantity": confirm(package=items((item_id, 3))),
        "over_quantity_twice_listed": confirm(package=items((item_id, 2), (item_id, 1))),
        "unknown_item": confirm(package=items(("12345678901234", 1))),
        "zero": confirm(package=items((item_id, 0))),
        "no_items": confirm(package={"orderItems": []}),
        "no_tracking": confirm(package={"trackingNumber": ""}),
        "blank_tracking": confirm(package={"trackingNumber": "   "}),
        "control_character": confirm(package={"trackingNumber": "UA1\u0000SE"}),
        "bad_ship_date": confirm(package={"shipDate": "soon"}),
        "other_marketplace": confirm(marketplaceId="ATVPDKIKX0DER"),
        "bad_cod": confirm(codCollectionMethod="Cash"),
        "cancelled": confirm(cancelled),
        "pending": confirm(pending),
    }

    assert {name: error(response) for name, response in cases.items()} == {
        "over_quantity": (400, "quantity_above_unshipped"),
        "over_quantity_twice_listed": (400, "duplicate_order_item"),
        "unknown_item": (400, "unknown_item"),
        "zero": (400, "InvalidInput"),
        "no_items": (400, "InvalidInput"),
        "no_tracking": (400, "InvalidInput"),
        "blank_tracking": (400, "shipment_incomplete"),
        "control_character": (400, "InvalidInput"),
        "bad_ship_date": (400, "InvalidInput"),
        "other_marketplace": (400, "invalid_marketplace"),
        "bad_cod": (400, "InvalidInput"),
        "cancelled": (409, "cannot_ship_canceled"),
        "pending": (409, "cannot_ship_pending"),
    }
    assert cases["over_quantity"].json()["errors"][0]["message"] == (
        f"Item {item_id}: 3 to ship but only 2 unshipped."
    )
    assert {o.pk: snapshot(o) for o in (order, cancelled, pending)} == before


@pytest.mark.parametrize("ship_date", ["9999-12-31T23:00:00Z", "0001-01-01T00:00:00+01:00"])
def test_confirm_shipment_refuses_a_ship_date_at_the_ends_of_the_calendar(seller, sp, ship_date):
    order = make_order(seller)
    before = snapshot(order)

    response = sp.call(
        "POST",
        SHIPMENT,
        body=shipment(order, package={"shipDate": ship_date}),
        orderId=order.amazon_order_id,
    )

    assert error(response) == (400, "InvalidInput")
    assert snapshot(order) == before


def test_confirm_shipment_accepts_cash_on_delivery_collection(seller, sp):
    order = make_order(seller)

    response = sp.call(
        "POST",
        SHIPMENT,
        body=shipment(order, codCollectionMethod="DirectPayment"),
        orderId=order.amazon_order_id,
    )

    assert response.status_code == 204


def test_malformed_json_is_invalid_input(seller, token):
    order = make_order(seller)
    before = snapshot(order)

    response = SpApi(token, ordersapi).client.post(
        SHIPMENT.format(orderId=order.amazon_order_id),
        "{nope",
        content_type="application/json",
        headers={"x-amz-access-token": token},
    )

    assert error(response) == (400, "InvalidInput")
    assert snapshot(order) == before


# cancelOrder


@pytest.mark.parametrize(
    ("code", "reason", "stock_after"),
    [
        ("NO_INVENTORY", "NoInventory", 0),
        ("BUYER_CANCELLED", "BuyerCanceled", 10),
        ("SHIPPING_ADDRESS_UNDELIVERABLE", "ShippingAddressUndeliverable", 10),
        ("CUSTOMER_EXCHANGE", "CustomerExchange", 10),
        ("PRICING_ERROR", "PricingError", 10),
    ],
)
def test_cancel_order_cancels_the_whole_order(seller, sp, code, reason, stock_after):
    listing = make_listing(seller, quantity=10)
    order = make_order(seller, (listing, 2))

    response = sp.call(
        "PUT", CANCELLATION, body={"cancelReasonCode": code}, orderId=order.amazon_order_id
    )

    assert response.status_code == 200
    assert response.json() == sp.call("GET", ORDER, orderId=order.amazon_order_id).json()
    payload = response.json()["payload"]
    assert (payload["OrderStatus"], payload["NumberOfItemsUnshipped"]) == ("Canceled", 0)
    event = order.events.get(kind=OrderEvent.Kind.CANCELLED)
    assert (event.source, event.actor, event.reason, event.memo, event.data["whole_order"]) == (
        "api",
        None,
        reason,
        "",
        True,
    )
    assert OutboundEmail.objects.filter(order=order).count() == 1
    listing.refresh_from_db()
    assert listing.quantity == stock_after
    assert order.items.get().quantity_cancelled == 2


def test_cancelling_an_order_past_unshipped_is_refused_and_changes_nothing(seller, sp):
    listing = make_listing(seller, quantity=50)
    shipped, partial, pending, cancelled = (
        make_order(seller, (listing, 2)),
        make_order(seller, (listing, 2)),
        make_order(seller, (listing, 2), payment_authorized=False),
        make_order(seller, (listing, 2)),
    )
    for order, quantities in ((shipped, None), (partial, 1)):
        order_confirm_shipment(
            seller=seller,
            amazon_order_id=order.amazon_order_id,
            actor=None,
            carrier="PostNord",
            tracking_number="UA1SE",
            quantities=(
                {order.items.get().order_item_id: quantities} if quantities is not None else None
            ),
        )
    order_cancel(
        seller=seller, amazon_order_id=cancelled.amazon_order_id, actor=None, reason="PricingError"
    )
    orders = {"shipped": shipped, "partial": partial, "pending": pending, "cancelled": cancelled}
    before = {name: snapshot(order) for name, order in orders.items()}
    stock = listing.ledger.count()

    responses = {
        name: sp.call(
            "PUT",
            CANCELLATION,
            body={"cancelReasonCode": "BUYER_CANCELLED"},
            orderId=order.amazon_order_id,
            # The messages are in English whatever the client asks for.
            headers={"Accept-Language": "sv"},
        )
        for name, order in orders.items()
    }

    assert {
        name: (*error(response), response.json()["errors"][0]["message"])
        for name, response in responses.items()
    } == {
        "shipped": (
            409,
            "cannot_cancel_shipped",
            f"Order {shipped.amazon_order_id} has shipped and can no longer be cancelled.",
        ),
        "partial": (
            409,
            "cannot_cancel_partiallyshipped",
            f"Order {partial.amazon_order_id} is partially shipped; only a whole unshipped"
            " order can be cancelled.",
        ),
        "pending": (
            409,
            "cannot_cancel_pending",
            f"Order {pending.amazon_order_id} is Pending: its payment is not authorized yet,"
            " so it cannot be cancelled.",
        ),
        "cancelled": (
            409,
            "already_cancelled",
            f"Order {cancelled.amazon_order_id} is already cancelled; nothing was changed.",
        ),
    }
    assert {name: snapshot(order) for name, order in orders.items()} == before
    assert listing.ledger.count() == stock


@pytest.mark.parametrize(
    "body",
    [
        {"cancelReasonCode": "NoInventory"},  # the domain's spelling is not the API's
        {"cancelReasonCode": "GENERAL_ADJUSTMENT"},
        {"cancelReasonCode": ""},
        {"cancelReasonCode": None},
        {},
        [],
    ],
)
def test_cancel_order_needs_a_known_reason_code(seller, sp, body):
    order = make_order(seller)
    before = snapshot(order)

    response = sp.call("PUT", CANCELLATION, body=body, orderId=order.amazon_order_id)

    assert error(response) == (400, "InvalidInput")
    assert snapshot(order) == before


def test_an_unknown_reason_code_names_the_field(seller, sp):
    order = make_order(seller)

    response = sp.call(
        "PUT", CANCELLATION, body={"cancelReasonCode": "OOPS"}, orderId=order.amazon_order_id
    )

    assert response.json()["errors"][0]["details"].endswith(
        "cancelReasonCode: Input should be 'NO_INVENTORY', 'BUYER_CANCELLED',"
        " 'SHIPPING_ADDRESS_UNDELIVERABLE', 'CUSTOMER_EXCHANGE' or 'PRICING_ERROR'"
    )


# The schema and the mount


def test_openapi_schema_matches_the_committed_snapshot():
    schema = json.loads(json.dumps(ordersapi.get_openapi_schema()))

    assert json.loads(SCHEMA_SNAPSHOT.read_text()) == schema, (
        "Refresh docs/openapi-orders.json after an intended change: .venv/bin/python manage.py"
        " shell -v 0 -c 'import json; from sellerdesk.api.urls import ordersapi;"
        " print(json.dumps(ordersapi.get_openapi_schema(), indent=2, sort_keys=True))'"
        " > docs/openapi-orders.json"
    )


def test_the_schema_is_served_next_to_the_operations(client):
    response = client.get("/orders/v0/openapi.json")

    assert response.json() == json.loads(json.dumps(ordersapi.get_openapi_schema()))
    assert {
        operation["operationId"]
        for path in response.json()["paths"].values()
        for operation in path.values()
    } == {"getOrders", "getOrder", "getOrderItems", "confirmShipment", "cancelOrder"}


def test_the_order_pages_stay_with_the_web(seller: Seller, seller_client):
    order = make_order(seller)

    listing = seller_client.get("/orders/")
    detail = seller_client.get(f"/orders/{order.amazon_order_id}/")

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert listing["Content-Type"].startswith("text/html")
