import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sellerdesk.api.urls import api
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.orders.models import Order
from tests.factories import make_listing

URL = "/api/marketplace/orders"
TOKEN = "demo-marketplace-token"
SCHEMA_SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def post(payload: object, token: str | None = TOKEN) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(URL, json.dumps(payload), content_type="application/json", headers=headers)


def checkout(seller, listing, **changes):
    return {
        "SellerId": seller.merchant_token,
        "BuyerName": "Saga Lindström",
        "BuyerEmail": "saga@example.se",
        "Items": [{"SellerSKU": listing.sku, "Quantity": 2}],
    } | changes


def test_checkout_creates_an_order(seller):
    listing = make_listing(seller, quantity=5, price="120.00")

    response = post(checkout(seller, listing, AmazonOrderId="171-1234567-7654321"))

    assert response.status_code == 201
    assert response.json() == {
        "AmazonOrderId": "171-1234567-7654321",
        "OrderStatus": "Unshipped",
        "OrderTotal": {"CurrencyCode": "SEK", "Amount": "240.00"},
    }
    listing.refresh_from_db()
    assert listing.quantity == 3


def test_checkout_without_or_with_a_wrong_token_is_refused(seller):
    listing = make_listing(seller)

    missing = post(checkout(seller, listing), token=None)
    wrong = post(checkout(seller, listing), token="nope")

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert not Order.objects.exists()


def test_checkout_errors_are_specific(seller, other_seller):
    listing = make_listing(seller, quantity=1)
    theirs = make_listing(other_seller)

    cases = {
        "too_many": post(
            checkout(seller, listing, Items=[{"SellerSKU": listing.sku, "Quantity": 5}])
        ),
        "unknown_sku": post(
            checkout(seller, listing, Items=[{"SellerSKU": theirs.sku, "Quantity": 1}])
        ),
        "unknown_seller": post(checkout(seller, listing, SellerId="NOPE")),
        "bad_email": post(checkout(seller, listing, BuyerEmail="nope")),
        "bad_id": post(checkout(seller, listing, AmazonOrderId="1-2-3")),
        "no_items": post(checkout(seller, listing, Items=[])),
    }

    codes = {name: (r.status_code, r.json()["errors"][0]["code"]) for name, r in cases.items()}
    assert codes == {
        "too_many": (409, "insufficient_inventory"),
        "unknown_sku": (404, "unknown_sku"),
        "unknown_seller": (404, "seller_not_found"),
        "bad_email": (400, "invalid_email"),
        "bad_id": (400, "InvalidInput"),
        "no_items": (400, "InvalidInput"),
    }
    assert not Order.objects.exists()


def test_duplicate_order_id_is_refused(seller):
    listing = make_listing(seller, quantity=5)
    payload = checkout(seller, listing, AmazonOrderId="171-1234567-7654321")
    post(payload)

    again = post(payload)

    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "duplicate_order"
    assert Order.objects.count() == 1
    listing.refresh_from_db()
    assert listing.quantity == 3


def test_malformed_json_is_a_400_not_a_500(seller):
    response = Client().post(
        URL,
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )

    assert response.status_code == 400


def test_openapi_schema_matches_the_committed_snapshot():
    schema = api.get_openapi_schema()

    assert json.loads(SCHEMA_SNAPSHOT.read_text()) == json.loads(json.dumps(schema))


@pytest.mark.parametrize(
    "changes",
    [
        {"BuyerName": "Saga\r\nLindström"},
        {"BuyerName": "Saga\nBcc: x@example.se"},
        {"BuyerName": "Saga\x1b[31m"},
        {"BuyerName": "Saga\u2028Lindström"},
        {"ShipCity": "Kiruna\r\n"},
        {"ShipCity": "Kiruna\x07"},
        {"ShipCity": "Kiruna\x85"},
    ],
)
def test_checkout_refuses_line_breaks_and_control_characters_in_names(seller, changes):
    listing = make_listing(seller, quantity=5)

    response = post(checkout(seller, listing, **changes))

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert f"{next(iter(changes))}: Value error, must be on one line" in error["details"]
    assert not Order.objects.exists()
    assert not OutboundEmail.objects.exists()
    listing.refresh_from_db()
    assert listing.quantity == 5


def test_checkout_takes_a_tax_rate_of_any_precision(seller):
    listing = make_listing(seller, quantity=5, price="100.00")

    response = post(checkout(seller, listing, TaxRate=0.25000000000000006))

    assert response.status_code == 201
    assert response.json()["OrderTotal"] == {"CurrencyCode": "SEK", "Amount": "250.00"}
