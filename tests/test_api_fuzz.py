"""Property-based fuzzing of the four APIs (Feeds, Orders v0, Reports, marketplace) from their
OpenAPI schemas, in-process through WSGI, authenticated: whatever a client sends, no answer is a
server error, every status is one the operation documents, and every body fits the documented
schema.

The examples are bounded and derandomized, so that a run is stable and takes well under two
minutes; schemathesis draws its strings from all of Unicode (NUL, control characters, lone
surrogates) and its date-times from year 1 to 9999. On top of what it draws, each operation gets
NUL, control characters, extreme dates and JSON nested 20,000 deep in every parameter and body."""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from ninja import NinjaAPI

from sellerdesk.accounts.models import Seller
from sellerdesk.api.urls import api, ordersapi, reportsapi, spapi
from sellerdesk.catalog.models import Listing
from tests.api.conftest import access_token, assert_documented, register
from tests.factories import make_listing, make_order

MARKETPLACE_TOKEN = "demo-marketplace-token"
EXAMPLES_PER_OPERATION = 40
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
HOSTILE = [
    "\x00",
    "a\x00b",
    "\r\n",
    "Saga\r\nBcc: x@example.se",
    "\x07\x1b[31m",
    "\ud800",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01",
    "9999-12-31",
    "-1",
    "9223372036854775808",
    "false",
    "x" * 10_000,
]
DEEP_JSON = "[" * 20_000 + "]" * 20_000
FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    # The database fixtures are the test's; each example's writes stay in its transaction.
    suppress_health_check=list(HealthCheck),
)


def openapi(section: NinjaAPI) -> Any:
    # Loaded from the API object, not over HTTP: collection needs no database and no server.
    return schemathesis.openapi.from_dict(json.loads(json.dumps(section.get_openapi_schema())))


feeds_schema = openapi(spapi)
orders_schema = openapi(ordersapi)
reports_schema = openapi(reportsapi)
marketplace_schema = openapi(api)


@pytest.fixture
def app(db: None) -> Iterator[WSGIHandler]:
    """The application as WSGI, on the test's database connection: as in Django's test client,
    the end of a request must not close the connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()  # made here, so that the test's settings are the ones it reads
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def listing(seller: Seller) -> Listing:
    """A listing to order from, and an order of it to find."""
    listing = make_listing(seller, sku="KOPP-1", quantity=50)
    make_order(seller, (listing, 1))
    return listing


@pytest.fixture
def sp_headers(seller: Seller, listing: Listing) -> dict[str, str]:
    """The access token of a developer application of the seller."""
    return {"x-amz-access-token": access_token(register(seller))}


@pytest.fixture
def marketplace_headers(listing: Listing) -> dict[str, str]:
    return {"Authorization": f"Bearer {MARKETPLACE_TOKEN}"}


@feeds_schema.parametrize()
@FUZZ
def test_feeds_api(case: Any, app: WSGIHandler, sp_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=sp_headers, app=app, checks=CHECKS)


@orders_schema.parametrize()
@FUZZ
def test_orders_api(case: Any, app: WSGIHandler, sp_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=sp_headers, app=app, checks=CHECKS)


@reports_schema.parametrize()
@FUZZ
def test_reports_api(case: Any, app: WSGIHandler, sp_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=sp_headers, app=app, checks=CHECKS)


@marketplace_schema.parametrize()
@FUZZ
def test_marketplace_api(case: Any, app: WSGIHandler, marketplace_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=marketplace_headers, app=app, checks=CHECKS)


def operations(section: NinjaAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for template, methods in section.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield template, method.upper(), operation


HOSTILE_CASES = [
    pytest.param(section, template, method, id=f"{method} {template}")
    for section in (spapi, ordersapi, reportsapi, api)
    for template, method, _ in operations(section)
]


@pytest.mark.parametrize(("section", "template", "method"), HOSTILE_CASES)
def test_hostile_values_in_every_parameter_and_body(
    section: NinjaAPI,
    template: str,
    method: str,
    sp_headers: dict[str, str],
    marketplace_headers: dict[str, str],
) -> None:
    """Each hostile value in each path and query parameter and each top-level body field, then
    JSON nested 20,000 deep as the body: documented answers only, never a server error."""
    operation = next(op for t, m, op in operations(section) if (t, m) == (template, method))
    headers = marketplace_headers if section is api else sp_headers
    client = Client()
    parameters = operation.get("parameters", [])
    body_fields = _body_fields(section, operation)

    def send(path: dict[str, str], query: dict[str, str], body: str) -> None:
        values = {p["name"]: "1" for p in parameters if p["in"] == "path"} | path
        url = template.format(**{name: _quoted(value) for name, value in values.items()})
        if query:
            url += "?" + "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in query.items())
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.generic(
                method, url, body, content_type="application/json", headers=headers
            )
        assert_documented(response, method=method, template=template, section=section)

    for value in HOSTILE:
        for parameter in parameters:
            where = parameter["in"]
            if where == "path":
                send({parameter["name"]: value}, {}, "{}")
            elif where == "query":
                send({}, {parameter["name"]: value}, "{}")
        for name in body_fields:
            send({}, {}, json.dumps({name: value}))
    if "requestBody" in operation:
        send({}, {}, DEEP_JSON)


def _body_fields(section: NinjaAPI, operation: dict[str, Any]) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {})
    reference = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    if not reference:
        return []
    name = reference.rsplit("/", 1)[-1]
    schemas = section.get_openapi_schema()["components"]["schemas"]
    return list(schemas[name].get("properties", {}))


def _quoted(value: str) -> str:
    # A lone surrogate goes as the bytes a careless client would send.
    return quote(value.encode("utf-8", "surrogatepass"), safe="")
