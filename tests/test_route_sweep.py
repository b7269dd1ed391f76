"""Every URL pattern, enumerated from the resolver (a new route is covered without a new test),
with hostile values in its path parameters, in every query parameter and form field the
application reads, as a signed-in seller (with API credentials) and without a session: no
response is a server error."""

import inspect
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sellerdesk.accounts.models import Seller
from sellerdesk.api.urls import api, notificationsapi, ordersapi, reportsapi, spapi
from sellerdesk.cancellations.buyer import order_buyer_cancel_request
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.feeds.models import Feed
from sellerdesk.notifications.models import OutboundEmail
from sellerdesk.reports.generation import report_generate
from sellerdesk.reports.models import Report, ReportType
from sellerdesk.reports.services import report_create
from sellerdesk.webhooks.models import Delivery
from sellerdesk.webhooks.services import destination_create, subscription_create
from tests.api.conftest import access_token, make_feed, register
from tests.factories import make_listing, make_order

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = [
    "\x00",
    "a\x07b",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "9223372036854775808",
    "-1",
    "x" * 300,
]
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Query and form names read in code, as request.GET.get("name") and the like.
READ = re.compile(r"request\.(?:GET|POST)\.(?:get|getlist)\(\s*\"(\w+)\"")


def routes(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif not route.startswith("admin/") or "<" not in route:  # Django's own admin views
            yield route, pattern


def api_parameter_names() -> set[str]:
    names = set()
    for schema in (api, spapi, ordersapi, reportsapi, notificationsapi):
        for path in schema.get_openapi_schema()["paths"].values():
            for operation in path.values():
                names |= {parameter["name"] for parameter in operation.get("parameters", [])}
    return names


def names_read_by(pattern: URLPattern, api_names: set[str]) -> set[str]:
    """The query and form names the view's module reads, directly or through its forms."""
    view = inspect.unwrap(pattern.callback)
    module = inspect.getmodule(view)
    if module is None or module.__name__.startswith("ninja"):
        return api_names
    names = set(READ.findall(inspect.getsource(module)))
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, forms.Form):
            names |= set(value.base_fields)
    return names


def fill(route: str, values: dict[str, str], hostile: str | None, target: str | None) -> str:
    """The route with each parameter's valid value, but `hostile` in the one named `target`."""

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        return hostile if name == target and hostile is not None else values.get(name, "1")

    path = PARAMETER.sub(value, route)
    return "/" + path.replace("^", "").replace("$", "").replace("\x00", "%00")


@pytest.fixture
def valid(seller: Seller, seller_user, settings) -> dict[str, str]:
    """A real value for every path parameter, so that hostile query values reach the views."""
    listing = make_listing(seller)
    order = make_order(seller, (listing, 1))
    cancelled = make_order(seller, (listing, 1))
    order_cancel(
        seller=seller,
        amazon_order_id=cancelled.amazon_order_id,
        actor=seller_user,
        reason="PricingError",
    )
    feed: Feed = make_feed(seller)
    email = OutboundEmail.objects.get(order=cancelled)
    report = report_create(seller=seller, report_type=ReportType.UNSHIPPED_ORDERS)
    report_generate(report_pk=report.pk, task_id="route-sweep")
    report = Report.objects.select_related("document").get(pk=report.pk)
    assert report.document is not None
    credentials = register(seller)
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    destination = destination_create(
        seller=seller, application=credentials.application, name="Lagret", url="http://127.0.0.1:9/"
    )
    subscription = subscription_create(
        seller=seller,
        application=credentials.application,
        notification_type="ORDER_CHANGE",
        destination_id=destination.destination_id,
        payload_version="1.0",
    )
    order_buyer_cancel_request(amazon_order_id=order.amazon_order_id, reason="Ångrade mig")
    delivery = Delivery.objects.get()
    return {
        "order_id": order.amazon_order_id,
        "orderId": order.amazon_order_id,
        "AmazonOrderId": order.amazon_order_id,
        "email_id": str(email.pk),
        "feed_id": feed.feed_id,
        "feedId": feed.feed_id,
        "feedDocumentId": feed.input_document.document_id,
        "report_id": report.report_id,
        "reportId": report.report_id,
        "reportDocumentId": report.document.document_id,
        "sku": listing.sku,
        "kind": "cancellation",
        "application_id": str(credentials.application.pk),
        "signed": "x",
        "token": access_token(credentials),
        "destination_id": destination.destination_id,
        "destinationId": destination.destination_id,
        "notification_id": delivery.notification_id,
        "notificationType": "ORDER_CHANGE",
        "subscriptionId": subscription.subscription_id,
    }


def clients(seller_user, token: str) -> dict[str, Client]:
    signed_in = Client(headers={"x-amz-access-token": token})
    signed_in.force_login(seller_user)
    marketplace = {"Authorization": "Bearer demo-marketplace-token"}
    return {"no session": Client(headers=marketplace), "seller": signed_in}


def requests(route: str, names: set[str], valid: dict[str, str]) -> Iterator[tuple[str, dict]]:
    """(path, parameters) to send: each hostile value in each path parameter, then in every
    name at once and in each name alone (one invalid filter can hide what another does)."""
    for hostile in HOSTILE:
        for target in [match["name"] for match in PARAMETER.finditer(route)]:
            yield fill(route, valid, hostile, target), {}
        path = fill(route, valid, None, None)
        yield path, dict.fromkeys(names, hostile)
        if hostile != "\x00":  # refused before any view, whatever the name
            for name in sorted(names):
                yield path, {name: hostile}


@pytest.mark.django_db(transaction=True)
def test_no_route_answers_a_hostile_value_with_a_server_error(valid, seller_user, caplog):
    caplog.set_level(logging.CRITICAL, logger="django.request")  # thousands of 4xx warnings
    api_names = api_parameter_names()
    failures = []
    for who, client in clients(seller_user, valid["token"]).items():
        for route, pattern in sorted(dict(routes(get_resolver().url_patterns)).items()):
            if who == "seller":
                client.force_login(seller_user)  # again: logout/ and the language switch act
            names = names_read_by(pattern, api_names)
            for path, values in requests(route, names, valid):
                for method in ("get", "post", "put", "delete"):
                    if method in {"put", "delete"} and values:
                        continue  # no route reads parameters of these
                    try:
                        status = getattr(client, method)(path, values).status_code
                    except Exception as error:  # the test client re-raises what a view raised
                        status = 500
                        values = {**values, "raised": repr(error)[:120]}
                    if status >= 500:
                        failures.append(f"{who} {method.upper()} {path[:100]} {values}"[:300])
    assert failures == [], "\n".join(failures)
