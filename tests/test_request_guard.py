"""Text that PostgreSQL cannot store, and JSON too deep to read, are refused with a 400 before any
view runs, on every route; an API answers whatever goes wrong in its JSON error shape."""

import json

import pytest
from django.test import Client

from sellerdesk.api import lwa
from sellerdesk.api.documents import upload_url
from sellerdesk.feeds.models import FeedDocument
from sellerdesk.feeds.services import feed_document_create
from sellerdesk.orders.models import Order
from tests.factories import make_listing

MARKETPLACE = "/api/marketplace/orders"
TOKEN_URL = "/auth/o2/token"
BEARER = {"Authorization": "Bearer demo-marketplace-token"}


def api_error(response) -> tuple[int, str, str]:
    error = response.json()["errors"][0]
    return response.status_code, error["code"], error["message"]


@pytest.mark.parametrize(
    "path",
    ["/orders/%00/", "/files/%00/", "/files/%00/report/", "/inventory/%00/", "/language/%00"],
)
def test_a_nul_in_a_page_address_is_a_bad_request(seller_client: Client, path: str):
    response = seller_client.get(path)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/2021-06-30/feeds/%00",
        "/feeds/2021-06-30/documents/%00",
        "/orders/v0/orders/%00",
        "/orders/v0/orders/%00/orderItems",
    ],
)
def test_a_nul_in_an_api_address_is_an_api_error(client: Client, path: str):
    response = client.get(path)

    assert api_error(response) == (
        400,
        "InvalidInput",
        "The path contains a character that cannot be stored (NUL or a surrogate).",
    )


def test_a_nul_in_a_query_parameter_is_refused(seller_client: Client):
    assert seller_client.get("/orders/", {"q": "Åsa\x00"}).status_code == 400
    assert seller_client.post("/orders/cancel-selected/", {"order": "\x00"}).status_code == 400


def test_a_nul_in_the_token_form_is_refused_before_a_lookup(db, client: Client):
    response = client.post(
        TOKEN_URL,
        "grant_type=refresh_token&refresh_token=x&client_id=a%00b&client_secret=s",
        content_type="application/x-www-form-urlencoded",
    )

    assert api_error(response)[:2] == (400, "InvalidInput")
    assert "form" in api_error(response)[2]


@pytest.mark.parametrize("value", ["Saga\x00Lindström", "Saga \ud800"])
def test_a_json_body_with_unstorable_text_changes_nothing(seller, value: str):
    listing = make_listing(seller)
    body = json.dumps(
        {
            "SellerId": seller.merchant_token,
            "BuyerName": value,
            "BuyerEmail": "saga@example.se",
            "Items": [{"SellerSKU": listing.sku, "Quantity": 1}],
        }
    )

    response = Client().post(MARKETPLACE, body, content_type="application/json", headers=BEARER)

    assert api_error(response) == (
        400,
        "InvalidInput",
        "The JSON body contains a character that cannot be stored (NUL or a surrogate).",
    )
    assert not Order.objects.exists()


def test_json_nested_twenty_thousand_deep_is_refused(db, client: Client):
    deep = "[" * 20_000 + "]" * 20_000

    response = client.post(TOKEN_URL, deep, content_type="application/json")

    assert api_error(response) == (400, "InvalidInput", "The JSON body is nested too deeply.")


def test_a_nul_in_a_cookie_or_a_header_is_refused(seller_client: Client, client: Client):
    seller_client.cookies["sessionid"] = "abc\x00def"

    assert seller_client.get("/orders/").status_code == 400
    assert client.get("/orders/v0/orders", headers={"x-amz-access-token": "a\x00"}).status_code == (
        400
    )


def test_a_document_may_hold_any_bytes(seller, rf):
    document = feed_document_create(seller=seller, content_type="application/json")
    path = upload_url(rf.get("/"), document).removeprefix("http://testserver")

    response = Client().put(path, b'{"a": "\\u0000"}\x00', content_type="application/json")

    document = FeedDocument.objects.get(pk=document.pk)
    assert response.status_code == 200
    assert document.size == 16


def test_an_unexpected_error_in_an_api_answers_in_the_api_shape(db, monkeypatch, client: Client):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(lwa, "_parameters", broken)

    response = client.post(TOKEN_URL, {"grant_type": "refresh_token"})

    assert api_error(response) == (
        500,
        "InternalFailure",
        "An unexpected error occurred; nothing was changed.",
    )


def test_an_api_route_that_is_not_there_answers_in_the_api_shape(db, client: Client):
    response = client.get("/api/")

    assert api_error(response) == (404, "NotFound", "The resource was not found.")


def test_a_form_posted_to_an_api_that_reads_json_is_refused_not_a_server_error(seller):
    response = Client(headers=BEARER).post(MARKETPLACE, {"SellerId": "A1"})

    assert api_error(response) == (400, "InvalidInput", "Cannot parse request body")
