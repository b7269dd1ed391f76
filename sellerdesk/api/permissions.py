"""The permission each Selling Partner API operation needs, by its operationId: the area and
level of *User permissions* that the user who created the developer application must hold. An
application acts with its creator's levels as they are at each request, so it loses what its
creator loses, and everything when its creator is removed.

`with_permissions` gives every operation of a section its check, as `with_usage_plans` gives
its usage plan; an operation without an entry here stops the start. The check runs after
authentication (it needs the application) and before the usage plan, as one of the
operation's throttles: ninja has no other hook between the two. A refusal is SP-API's 403."""

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.throttling import BaseThrottle

from sellerdesk.accounts.models import DeveloperApplication
from sellerdesk.accounts.permissions import Area, Level, PermissionRefused, permission_check
from sellerdesk.api.errors import error_body

OPERATION_PERMISSIONS: dict[str, tuple[Area, Level]] = {
    # Orders v0
    "getOrders": (Area.ORDERS, Level.VIEW),
    "getOrder": (Area.ORDERS, Level.VIEW),
    "getOrderItems": (Area.ORDERS, Level.VIEW),
    "confirmShipment": (Area.ORDERS, Level.EDIT),
    "cancelOrder": (Area.CANCELLATIONS, Level.EDIT),
    # Feeds 2021-06-30: createFeed also needs the feed type's own area (feeds/services.py).
    "createFeedDocument": (Area.FILES, Level.EDIT),
    "createFeed": (Area.FILES, Level.EDIT),
    "getFeeds": (Area.FILES, Level.VIEW),
    "getFeed": (Area.FILES, Level.VIEW),
    "cancelFeed": (Area.FILES, Level.EDIT),
    "getFeedDocument": (Area.FILES, Level.VIEW),
    # Reports 2021-06-30: order reports, as on the Reports page.
    "createReport": (Area.ORDERS, Level.VIEW),
    "getReports": (Area.ORDERS, Level.VIEW),
    "getReport": (Area.ORDERS, Level.VIEW),
    "cancelReport": (Area.ORDERS, Level.VIEW),
    "getReportDocument": (Area.ORDERS, Level.VIEW),
    # Notifications v1: where the seller's notifications go is the developer's setting.
    "getDestinations": (Area.DEVELOPER, Level.VIEW),
    "createDestination": (Area.DEVELOPER, Level.EDIT),
    "getDestination": (Area.DEVELOPER, Level.VIEW),
    "deleteDestination": (Area.DEVELOPER, Level.EDIT),
    "getSubscription": (Area.DEVELOPER, Level.VIEW),
    "createSubscription": (Area.DEVELOPER, Level.EDIT),
    "getSubscriptionById": (Area.DEVELOPER, Level.VIEW),
    "deleteSubscriptionById": (Area.DEVELOPER, Level.EDIT),
}


class PermissionCheck(BaseThrottle):
    def __init__(self, area: Area, level: Level):
        self.area = area
        self.level = level

    def allow_request(self, request: HttpRequest) -> bool:
        application: DeveloperApplication = request.developer_application  # type: ignore[attr-defined]
        permission_check(user=application.created_by, area=self.area, level=self.level)
        return True


def _with_permission(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    operation = inspect.unwrap(run).__self__
    assert isinstance(operation, Operation)
    if operation.operation_id not in OPERATION_PERMISSIONS:
        raise ImproperlyConfigured(
            f"The operation {operation.operation_id!r} needs no permission: add its area and"
            " level to OPERATION_PERMISSIONS in sellerdesk/api/permissions.py."
        )
    area, level = OPERATION_PERMISSIONS[operation.operation_id]
    operation.throttle_objects = [PermissionCheck(area, level), *operation.throttle_objects]

    @wraps(run)
    def run_permitted(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return run(request, *args, **kwargs)
        except PermissionRefused as refused:
            return operation.api.create_response(
                request,
                error_body(
                    "Unauthorized", "Access to requested resource is denied.", refused.message
                ),
                status=403,
            )

    return run_permitted


def with_permissions(section: NinjaAPI) -> None:
    section.add_decorator(_with_permission, mode="view")
