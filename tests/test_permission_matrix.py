"""The permission matrix: every URL pattern (enumerated from the resolver, as the route sweep
enumerates them) and every Selling Partner API operation (from the sections' OpenAPI documents),
at each level of its area, answers 403 below the level it needs and something else at or above
it. A route or an operation that is in neither table below fails the test: a new one must be
given its area and level, here and where it is declared (`permission_required` on the view,
OPERATION_PERMISSIONS for the API)."""

import inspect
import json
import logging
import re

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from sellerdesk.accounts.models import Seller, User
from sellerdesk.accounts.permissions import EVERYTHING, Area, Level, Required
from sellerdesk.api.urls import SELLING_PARTNER_SECTIONS
from tests import test_route_sweep
from tests.api.conftest import access_token, register
from tests.factories import make_user
from tests.test_route_sweep import fill, routes

# The route sweep's fixture: a real value for every path parameter.
valid = test_route_sweep.valid

# Each seller page: its area and the level it needs, for reading (GET) and for changing (POST).
SELLER_PAGES: dict[str, tuple[Area, Level, Level]] = {
    "orders/": (Area.ORDERS, Level.VIEW, Level.VIEW),
    "orders/<str:order_id>/": (Area.ORDERS, Level.VIEW, Level.VIEW),
    "orders/<str:order_id>/emails/<int:email_id>/": (Area.ORDERS, Level.VIEW, Level.VIEW),
    "orders/<str:order_id>/emails/<int:email_id>/html/": (Area.ORDERS, Level.VIEW, Level.VIEW),
    "orders/<str:order_id>/confirm-shipment/": (Area.ORDERS, Level.EDIT, Level.EDIT),
    "reports/": (Area.ORDERS, Level.VIEW, Level.VIEW),
    "reports/<str:report_id>/download/": (Area.ORDERS, Level.VIEW, Level.VIEW),
    "orders/<str:order_id>/cancel/": (Area.CANCELLATIONS, Level.EDIT, Level.EDIT),
    "orders/<str:order_id>/cancel/stock/": (Area.CANCELLATIONS, Level.EDIT, Level.EDIT),
    "orders/<str:order_id>/refund/": (Area.CANCELLATIONS, Level.EDIT, Level.EDIT),
    "orders/cancel-selected/": (Area.CANCELLATIONS, Level.EDIT, Level.EDIT),
    "files/upload/": (Area.FILES, Level.EDIT, Level.EDIT),
    "files/upload/template/<str:kind>/": (Area.FILES, Level.VIEW, Level.VIEW),
    "files/history/": (Area.FILES, Level.VIEW, Level.VIEW),
    "files/<str:feed_id>/": (Area.FILES, Level.VIEW, Level.VIEW),
    "files/<str:feed_id>/report/": (Area.FILES, Level.VIEW, Level.VIEW),
    "inventory/": (Area.INVENTORY, Level.VIEW, Level.VIEW),
    "inventory/<path:sku>/": (Area.INVENTORY, Level.VIEW, Level.VIEW),
    "metrics/": (Area.METRICS, Level.VIEW, Level.VIEW),
    "metrics/orders/": (Area.METRICS, Level.VIEW, Level.VIEW),
    "developer/": (Area.DEVELOPER, Level.VIEW, Level.VIEW),
    "developer/register/": (Area.DEVELOPER, Level.EDIT, Level.EDIT),
    "developer/<int:application_id>/rotate-secret/": (Area.DEVELOPER, Level.EDIT, Level.EDIT),
    "developer/<int:application_id>/revoke/": (Area.DEVELOPER, Level.EDIT, Level.EDIT),
    "developer/notifications/": (Area.DEVELOPER, Level.VIEW, Level.VIEW),
    "developer/notifications/<str:notification_id>/send-again/": (
        Area.DEVELOPER,
        Level.EDIT,
        Level.EDIT,
    ),
    "developer/notifications/destinations/<str:destination_id>/enable/": (
        Area.DEVELOPER,
        Level.EDIT,
        Level.EDIT,
    ),
    "activity/": (Area.USERS, Level.EDIT, Level.EDIT),
    "activity/export.csv": (Area.USERS, Level.EDIT, Level.EDIT),
    "users/": (Area.USERS, Level.VIEW, Level.VIEW),
    "users/invite/": (Area.USERS, Level.EDIT, Level.EDIT),
    "users/two-step/": (Area.USERS, Level.EDIT, Level.EDIT),
    "users/<int:user_id>/": (Area.USERS, Level.EDIT, Level.EDIT),
    "users/<int:user_id>/remove/": (Area.USERS, Level.EDIT, Level.EDIT),
    "users/invitations/<int:invitation_id>/withdraw/": (Area.USERS, Level.EDIT, Level.EDIT),
}
# Routes that are no seller's page: open to anyone (signing in, an invitation's or a password
# reset's link, signed document URLs, the token exchange), the signed-in user's own security
# settings, or the operator's admin.
NOT_SELLER_PAGES = {
    "",
    "favicon.ico",
    "login/",
    "login/code/",
    "account/security/",
    "account/security/two-step/",
    "account/security/two-step/off/",
    "account/security/recovery-codes/",
    "account/security/sessions/<int:session_id>/sign-out/",
    "account/security/sessions/sign-out-others/",
    "logout/",
    "language/",
    "invitation/<str:token>/",
    "password-reset/",
    "password-reset/sent/",
    "password-reset/<uidb64>/<token>/",
    "password-reset/done/",
    "auth/o2/token",
    "feeds/documents/upload/<str:signed>",
    "feeds/documents/download/<str:signed>",
    # The APIs' roots and OpenAPI documents.
    "api/",
    "api/docs",
    "api/openapi.json",
    "feeds/2021-06-30/",
    "feeds/2021-06-30/openapi.json",
    "orders/v0/",
    "orders/v0/openapi.json",
    "reports/2021-06-30/",
    "reports/2021-06-30/openapi.json",
    "notifications/v1/",
    "notifications/v1/openapi.json",
}
# Each operation of the Selling Partner API sections: the area and level its application's
# creator needs. (The marketplace's own API takes the operator's token, not a seller's.)
OPERATIONS: dict[str, tuple[Area, Level]] = {
    "getOrders": (Area.ORDERS, Level.VIEW),
    "getOrder": (Area.ORDERS, Level.VIEW),
    "getOrderItems": (Area.ORDERS, Level.VIEW),
    "confirmShipment": (Area.ORDERS, Level.EDIT),
    "cancelOrder": (Area.CANCELLATIONS, Level.EDIT),
    "createFeedDocument": (Area.FILES, Level.EDIT),
    "createFeed": (Area.FILES, Level.EDIT),
    "getFeeds": (Area.FILES, Level.VIEW),
    "getFeed": (Area.FILES, Level.VIEW),
    "cancelFeed": (Area.FILES, Level.EDIT),
    "getFeedDocument": (Area.FILES, Level.VIEW),
    "createReport": (Area.ORDERS, Level.VIEW),
    "getReports": (Area.ORDERS, Level.VIEW),
    "getReport": (Area.ORDERS, Level.VIEW),
    "cancelReport": (Area.ORDERS, Level.VIEW),
    "getReportDocument": (Area.ORDERS, Level.VIEW),
    "getDestinations": (Area.DEVELOPER, Level.VIEW),
    "createDestination": (Area.DEVELOPER, Level.EDIT),
    "getDestination": (Area.DEVELOPER, Level.VIEW),
    "deleteDestination": (Area.DEVELOPER, Level.EDIT),
    "getSubscription": (Area.DEVELOPER, Level.VIEW),
    "createSubscription": (Area.DEVELOPER, Level.EDIT),
    "getSubscriptionById": (Area.DEVELOPER, Level.VIEW),
    "deleteSubscriptionById": (Area.DEVELOPER, Level.EDIT),
}
API_PARAMETER = re.compile(r"\{(?P<name>\w+)\}")


def is_api_route(pattern: URLPattern) -> bool:
    """The routes of the ninja APIs: their operations are checked by operationId below."""
    module = inspect.getmodule(inspect.unwrap(pattern.callback))
    return module is not None and module.__name__.startswith("ninja")


def all_routes() -> dict[str, URLPattern]:
    return {
        route: pattern
        for route, pattern in routes(get_resolver().url_patterns)
        if not route.startswith("admin/") and not is_api_route(pattern)
    }


def operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path) of every operation of the Selling Partner API sections."""
    return [
        (operation["operationId"], method, path)
        for section in SELLING_PARTNER_SECTIONS
        for path, item in section.get_openapi_schema()["paths"].items()
        for method, operation in item.items()
    ]


@pytest.fixture
def path_values(request: pytest.FixtureRequest) -> dict[str, str]:
    values: dict[str, str] = request.getfixturevalue("valid")
    return values


def levels_with(area: Area, level: Level) -> dict[str, int]:
    """`level` in `area`, View and edit everywhere else: only the area under test can refuse."""
    return {**EVERYTHING, area: level}


def test_every_route_is_a_seller_page_with_its_declared_permission_or_not_a_seller_page():
    # Given every route the resolver knows
    found = all_routes()

    # Then each is in one table, and a seller page declares what the table says
    assert sorted(set(found) - set(SELLER_PAGES) - NOT_SELLER_PAGES) == [], (
        "a new route: add it to SELLER_PAGES (with permission_required on its view) or to"
        " NOT_SELLER_PAGES"
    )
    assert sorted((set(SELLER_PAGES) | NOT_SELLER_PAGES) - set(found)) == []
    for route, (area, safe, level) in SELLER_PAGES.items():
        assert getattr(found[route].callback, "required", None) == Required(
            area=area, level=level, safe=safe
        ), route
    for route in NOT_SELLER_PAGES:
        assert not hasattr(found[route].callback, "required"), route


def test_every_api_operation_has_its_permission():
    assert sorted(operation_id for operation_id, _, _ in operations()) == sorted(OPERATIONS)


@pytest.mark.django_db
def test_every_seller_page_refuses_below_its_level_and_opens_at_it(
    seller: Seller, path_values, caplog
):
    caplog.set_level(logging.CRITICAL, logger="django.request")
    # Given a user of the seller at each level of each area (View and edit in the others)
    clients: dict[tuple[Area, Level], Client] = {}
    for area in Area:
        for level in Level:
            client = Client()
            client.force_login(make_user(seller, levels=levels_with(area, level)))
            clients[area, level] = client
    values = {**path_values, "user_id": str(make_user(seller).pk), "invitation_id": "1"}
    failures = []

    # When each asks for each seller page, to read it and to change it
    for route, (area, safe, needed) in sorted(SELLER_PAGES.items()):
        path = fill(route, values, None, None)
        for level in Level:
            for method, required in (("get", safe), ("post", needed)):
                status = getattr(clients[area, level], method)(path).status_code

                # Then only a level under the one the page needs is refused
                if (status == 403) != (level < required):
                    failures.append(f"{method.upper()} {path} at {area}={level.name}: {status}")
    assert failures == []


@pytest.mark.django_db
def test_every_api_operation_refuses_below_its_creators_level_and_answers_at_it(
    seller: Seller, path_values, caplog
):
    caplog.set_level(logging.CRITICAL, logger="django.request")
    # Given an application at each level of each area, created by a user with that level
    tokens: dict[tuple[Area, Level], str] = {}
    for area in Area:
        for level in Level:
            creator: User = make_user(seller, levels=levels_with(area, level))
            tokens[area, level] = access_token(register(seller, created_by=creator))
    failures = []

    # When each calls each operation
    for operation_id, method, path in operations():
        area, needed = OPERATIONS[operation_id]
        url = API_PARAMETER.sub(lambda match: path_values.get(match["name"], "1"), path)
        for level in Level:
            client = Client(headers={"x-amz-access-token": tokens[area, level]})
            if method in {"post", "put"}:
                response = getattr(client, method)(url, json.dumps({}), "application/json")
            else:
                response = getattr(client, method)(url)

            # Then only a creator under the level it needs is refused, with SP-API's 403
            refused = response.status_code == 403
            if refused != (level < needed):
                failures.append(f"{operation_id} at {area}={level.name}: {response.status_code}")
            elif refused and response.json()["errors"][0]["code"] != "Unauthorized":
                failures.append(f"{operation_id} at {area}={level.name}: {response.content!r}")
    assert failures == []
