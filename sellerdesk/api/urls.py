"""Five ninja APIs.

`api` is Seller Desk's own API under /api/. `spapi` speaks the Selling Partner API's Feeds
2021-06-30: mounted at /feeds/2021-06-30/, its paths are SP-API's, it takes the access token of
the token exchange in x-amz-access-token, and it answers in English, as SP-API does. `ordersapi`
does the same for the Orders API v0, mounted at /orders/v0/, and `reportsapi` for the Reports
API 2021-06-30, mounted at /reports/2021-06-30/, and `notificationsapi` for Notifications v1,
mounted at /notifications/v1/. Like SP-API, which publishes one OpenAPI model
per API section, each has its own schema (/feeds/2021-06-30/openapi.json,
/orders/v0/openapi.json, /reports/2021-06-30/openapi.json, /notifications/v1/openapi.json).
/api/docs shows one document with the operations of all five."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from sellerdesk.api.errors import error_body, register_error_handlers
from sellerdesk.api.feeds import router as feeds_router
from sellerdesk.api.lwa import SellingPartnerAccessToken
from sellerdesk.api.marketplace import router as marketplace_router
from sellerdesk.api.notifications import router as notifications_router
from sellerdesk.api.orders import router as orders_router
from sellerdesk.api.permissions import with_permissions
from sellerdesk.api.reports import router as reports_router
from sellerdesk.api.throttling import with_usage_plans


class CombinedDocs(Swagger):
    """The documentation page reads the combined schema rather than `api`'s own."""

    def get_openapi_url(self, api: NinjaAPI, path_params: dict[str, Any]) -> str:
        return reverse("api:openapi-combined")


api = NinjaAPI(
    title="Seller Desk API",
    version="0",
    docs_url="/docs",
    urls_namespace="api",
    docs=CombinedDocs(),
)
register_error_handlers(api)
api.add_router("/marketplace/", marketplace_router)


def _in_english(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with translation.override("en"):
            return run(request, *args, **kwargs)

    return wrapper


def selling_partner_api(*, title: str, version: str, description: str, namespace: str) -> NinjaAPI:
    """A NinjaAPI that behaves as a section of the Selling Partner API: the access token in
    x-amz-access-token, SP-API's error list (403 for a refused token), English answers, the
    usage plans of its operations (throttling.py), the permission each needs
    (permissions.py), and an OpenAPI document of its own at
    <mount>/openapi.json."""
    section = NinjaAPI(
        title=title,
        version=version,
        description=description,
        urls_namespace=namespace,
        auth=SellingPartnerAccessToken(),
        openapi_url="/openapi.json",
        docs_url=None,
    )
    register_error_handlers(section)

    @section.exception_handler(AuthenticationError)
    def access_denied(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        # SP-API answers a missing, expired or revoked token with 403, not 401.
        return section.create_response(
            request,
            error_body("Unauthorized", "Access to requested resource is denied."),
            status=403,
        )

    section.add_decorator(_in_english, mode="view")
    with_usage_plans(section)
    with_permissions(section)
    return section


spapi = selling_partner_api(
    title="Seller Desk: Selling Partner API",
    version="2021-06-30",
    description=(
        "Wire-compatible with the Selling Partner API's Feeds 2021-06-30. Get an access token"
        " from POST /auth/o2/token (as Login with Amazon) and send it in x-amz-access-token."
    ),
    namespace="spapi",
)
spapi.add_router("", feeds_router)


ordersapi = selling_partner_api(
    title="Seller Desk: Selling Partner API for Orders",
    version="v0",
    description=(
        "Wire-compatible with the Selling Partner API's Orders v0, plus cancelOrder (PUT"
        " /orders/v0/orders/{orderId}/cancellation), which honours an Idempotency-Key header."
        " Get an access token from POST /auth/o2/token (as Login with Amazon) and send it in"
        " x-amz-access-token."
    ),
    namespace="ordersapi",
)
ordersapi.add_router("", orders_router)


reportsapi = selling_partner_api(
    title="Seller Desk: Selling Partner API for Reports",
    version="2021-06-30",
    description=(
        "Wire-compatible with the Selling Partner API's Reports 2021-06-30, for the order"
        " reports GET_FLAT_FILE_ACTIONABLE_ORDER_DATA_SHIPPING,"
        " GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL and"
        " GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL. Get an access token from POST"
        " /auth/o2/token (as Login with Amazon) and send it in x-amz-access-token."
    ),
    namespace="reportsapi",
)
reportsapi.add_router("", reports_router)


notificationsapi = selling_partner_api(
    title="Seller Desk: Selling Partner API for Notifications",
    version="v1",
    description=(
        "Wire-compatible with the Selling Partner API's Notifications v1, for ORDER_CHANGE,"
        " FEED_PROCESSING_FINISHED and REPORT_PROCESSING_FINISHED, delivered to an HTTPS"
        " webhook (resourceSpecification.webhook), signed with HMAC-SHA256"
        " (docs/notifications.md). Get an access token from POST /auth/o2/token (as Login with"
        " Amazon: a refresh token, or client_credentials with the scope"
        " sellingpartnerapi::notifications) and send it in x-amz-access-token."
    ),
    namespace="notificationsapi",
)
notificationsapi.add_router("", notifications_router)
SELLING_PARTNER_SECTIONS = (spapi, ordersapi, reportsapi, notificationsapi)


def combined_openapi_schema() -> dict[str, Any]:
    """The five APIs in one OpenAPI document: `api`'s, with the paths and components of the
    Selling Partner API's sections. A component that two of them share (the SP-API error list,
    the access token) is one model, so it is the same under its one name."""
    own = api.get_openapi_schema()
    sections = [own, *(section.get_openapi_schema() for section in SELLING_PARTNER_SECTIONS)]
    kinds = sorted({kind for section in sections for kind in section.get("components", {})})
    return {
        **own,
        "paths": {path: item for section in sections for path, item in section["paths"].items()},
        "components": {
            kind: {
                name: component
                for section in sections
                for name, component in section.get("components", {}).get(kind, {}).items()
            }
            for kind in kinds
        },
    }


@api.get("/openapi-combined.json", include_in_schema=False, url_name="openapi-combined")
def openapi_combined(request: HttpRequest) -> dict[str, Any]:
    return combined_openapi_schema()
