"""Usage plans on the Selling Partner API: the x-amzn-RateLimit-Limit header, 429 QuotaExceeded
over the plan, refill with time, one bucket per operation, seller and application, and the
operator's RATE_LIMITS.

The buckets' clock stands still unless a test moves it (tests/api/ratelimits.py). Every response
goes through SpApi.call, which checks it against the operation's OpenAPI schema, 429 included."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from ninja import NinjaAPI

from config.settings import env_mapping
from sellerdesk.api.models import QuotaBucket
from sellerdesk.api.throttling import HEADER
from sellerdesk.api.urls import ordersapi, spapi
from sellerdesk.api.usage_plans import DEFAULT_PLANS, usage_plan_parse, usage_plans
from sellerdesk.orders.models import Order, OrderEvent
from tests.api.conftest import SpApi, access_token, register, spapi_schema
from tests.api.ratelimits import QUOTA_EXCEEDED
from tests.factories import make_listing, make_order

ORDER = "/orders/v0/orders/{orderId}"
ORDERS = "/orders/v0/orders"
ITEMS = "/orders/v0/orders/{orderId}/orderItems"
SHIPMENT = "/orders/v0/orders/{orderId}/shipmentConfirmation"
MARKETPLACE = "A2NODRKZP88ZB9"
LISTING = {"MarketplaceIds": MARKETPLACE, "CreatedAfter": "2026-01-01T00:00:00Z"}
SECTIONS = [spapi, ordersapi]


@pytest.fixture
def orders(token: str) -> SpApi:
    return SpApi(token, ordersapi)


@pytest.fixture
def order(seller: Any) -> Order:
    return make_order(seller, (make_listing(seller, quantity=10), 2))


def plans(settings: Any, **plans: str) -> None:
    settings.RATE_LIMITS = plans


def statuses(sp: SpApi, times: int, order_id: str, template: str = ORDER) -> list[int]:
    return [sp.call("GET", template, orderId=order_id).status_code for _ in range(times)]


def operations(section: NinjaAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, methods in spapi_schema(section)["paths"].items():
        for method, operation in methods.items():
            yield template, method.upper(), operation


EVERY_OPERATION = [
    pytest.param(template, method, operation, id=operation["operationId"])
    for section in SECTIONS
    for template, method, operation in operations(section)
]


# The header


@pytest.mark.parametrize(("template", "method", "operation"), EVERY_OPERATION)
def test_every_operation_documents_429_and_answers_with_its_rate(
    settings, token, template, method, operation
):
    plans(settings)  # SP-API's defaults
    path = template.replace("{", "").replace("}", "")  # any id: a 404 or a 400 is an answer
    client = Client()

    refused = client.generic(method, path, "{}", content_type="application/json")
    answered = client.generic(
        method, path, "{}", content_type="application/json", headers={"x-amz-access-token": token}
    )

    assert "429" in operation["responses"]
    assert refused.status_code == 403
    assert answered.status_code < 500
    assert refused[HEADER] == answered[HEADER] == DEFAULT_PLANS[operation["operationId"]].header


def test_the_header_is_the_operations_rate_on_success_not_found_and_bad_input(
    settings, orders, order
):
    plans(settings)

    found = orders.call("GET", ORDER, orderId=order.amazon_order_id)
    missing = orders.call("GET", ORDER, orderId="999-9999999-9999999")
    invalid = orders.call("GET", ORDERS, query={"CreatedAfter": "yesterday"})
    items = orders.call("GET", ITEMS, orderId=order.amazon_order_id)
    listed = orders.call("GET", ORDERS, query=LISTING)

    assert [r.status_code for r in (found, missing, invalid, items, listed)] == [
        200,
        404,
        400,
        200,
        200,
    ]
    assert [r[HEADER] for r in (found, missing, invalid, items, listed)] == [
        "0.5",
        "0.5",
        "0.0167",
        "0.5",
        "0.0167",
    ]


def test_the_marketplace_api_has_no_usage_plan(settings, seller):
    plans(settings, getOrder="0.0001/1", getOrders="0.0001/1")
    client = Client()

    answers = [
        client.post(
            "/api/marketplace/orders",
            json.dumps({"SellerId": seller.merchant_token}),
            content_type="application/json",
            headers={"Authorization": "Bearer demo-marketplace-token"},
        )
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert not any(HEADER in a for a in answers)
    assert not QuotaBucket.objects.exists()


# Over the plan


def test_a_burst_over_the_plan_is_answered_429_quota_exceeded(settings, clock, orders, order):
    plans(settings, getOrder="0.5/3")

    answers = [orders.call("GET", ORDER, orderId=order.amazon_order_id) for _ in range(5)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[3].json() == QUOTA_EXCEEDED
    assert [a[HEADER] for a in answers] == ["0.5"] * 5


def test_a_call_over_the_plan_changes_nothing(settings, clock, orders, order):
    plans(settings, confirmShipment="2/1")
    item = order.items.get()
    shipment = {
        "marketplaceId": MARKETPLACE,
        "packageDetail": {
            "packageReferenceId": "1",
            "carrierCode": "PostNord",
            "trackingNumber": "UA123456789SE",
            "shipDate": "2026-03-03T08:00:00Z",
            "orderItems": [{"orderItemId": item.order_item_id, "quantity": 1}],
        },
    }
    orders.call("POST", SHIPMENT, body=shipment, orderId=order.amazon_order_id)
    events = OrderEvent.objects.count()

    over = orders.call("POST", SHIPMENT, body=shipment, orderId=order.amazon_order_id)

    assert (over.status_code, over.json()) == (429, QUOTA_EXCEEDED)
    item.refresh_from_db()
    assert item.quantity_shipped == 1
    assert OrderEvent.objects.count() == events


def test_the_bucket_refills_at_the_plans_rate(settings, clock, orders, order):
    plans(settings, getOrder="0.5/2")  # a request back every 2 s

    def get() -> int:
        return int(orders.call("GET", ORDER, orderId=order.amazon_order_id).status_code)

    burst = [get(), get(), get()]
    clock.advance(1.999)
    early = get()
    clock.advance(0.001)
    refilled = [get(), get()]
    clock.advance(60)  # a long rest fills the bucket to its burst, no further
    rested = [get(), get(), get()]

    assert burst == [200, 200, 429]
    assert early == 429
    assert refilled == [200, 429]
    assert rested == [200, 200, 429]


def test_a_refused_token_spends_nothing_and_bad_input_spends_a_request(
    settings, clock, orders, order
):
    plans(settings, getOrders="0.0167/2")
    stranger = SpApi("Atza|unknown", ordersapi)

    refused = [stranger.call("GET", ORDERS).status_code for _ in range(3)]
    bad = orders.call("GET", ORDERS, query={"CreatedAfter": "yesterday"}).status_code
    good = orders.call("GET", ORDERS, query=LISTING).status_code
    over = orders.call("GET", ORDERS, query=LISTING).status_code

    assert (refused, bad, good, over) == ([403, 403, 403], 400, 200, 429)


# One bucket per operation, seller and application


def test_each_application_and_each_operation_has_its_own_bucket(
    settings, clock, seller, other_seller, credentials, order
):
    plans(settings, getOrder="0.5/2", getOrderItems="0.5/2")
    first = SpApi(access_token(credentials), ordersapi)
    again = SpApi(access_token(credentials), ordersapi)  # the same application, a new token
    second = SpApi(access_token(register(seller, "Bokföringen")), ordersapi)
    theirs = make_order(other_seller, (make_listing(other_seller), 1))
    other = SpApi(access_token(register(other_seller, "Fjällsystemet")), ordersapi)
    mine = order.amazon_order_id

    used_up = statuses(first, 2, mine) + statuses(again, 1, mine)
    other_operation = statuses(first, 2, mine, ITEMS)
    other_application = statuses(second, 2, mine)
    other_seller_ = statuses(other, 2, theirs.amazon_order_id)

    assert used_up == [200, 200, 429]
    assert other_operation == [200, 200]
    assert other_application == [200, 200]
    assert other_seller_ == [200, 200]


# The operator's plans


def test_an_operator_plan_replaces_the_default_and_the_others_stay(settings):
    plans(settings, getFeed="4/30")

    assert usage_plans()["getFeed"] == usage_plan_parse("getFeed", "4/30")
    assert (usage_plans()["getFeed"].header, usage_plans()["getFeed"].burst) == ("4", 30)
    assert usage_plans()["getOrder"] == DEFAULT_PLANS["getOrder"]


@pytest.mark.parametrize(
    "text", ["", "2", "2/", "/15", "x/15", "2/x", "2/1.5", "0/15", "-1/15", "2/0", "NaN/15",
             "Infinity/15", "0.00001/15", "2000000/15", "2/100001"]
)  # fmt: skip
def test_a_plan_that_cannot_be_read_is_refused_with_what_to_write(text):
    with pytest.raises(ImproperlyConfigured) as refused:
        usage_plan_parse("getFeed", text)

    assert str(refused.value) == (
        f"RATE_LIMITS['getFeed'] = {text!r}: write rate/burst, a rate in requests per second"
        ' from 0.0001 to 1000000 and a whole burst from 1 to 100000 (e.g. "0.5/30").'
    )


def test_a_plan_for_an_unknown_operation_is_refused(settings):
    plans(settings, getOrdr="1/2")

    with pytest.raises(ImproperlyConfigured, match=r"no usage plan: getOrdr\. Known: getOrders,"):
        usage_plans()


def test_the_environment_variable_reads_as_operation_rate_burst(monkeypatch):
    monkeypatch.setenv("RATE_LIMITS", "getOrder=1/60, getFeed = 4/30,")
    parsed = env_mapping("RATE_LIMITS")
    monkeypatch.setenv("RATE_LIMITS", "getOrder=1/60,getFeed")

    assert parsed == {"getOrder": "1/60", "getFeed": "4/30"}
    with pytest.raises(ImproperlyConfigured, match=r"RATE_LIMITS: 'getFeed' is not key=value\."):
        env_mapping("RATE_LIMITS")
