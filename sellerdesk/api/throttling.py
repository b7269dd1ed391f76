"""Usage plans on the operations of a Selling Partner API section: every answer of an operation
carries x-amzn-RateLimit-Limit, its plan's rate, and a call over the plan of its seller and
application is answered 429 QuotaExceeded, as SP-API answers it.

ninja runs an operation's throttles after authentication and before it reads the parameters:
a refused token spends nothing, a request with parameters that are not valid spends a request.
A section-wide decorator is ninja's one hook that sees each operation as it is bound, so
`with_usage_plans` uses it to give every operation of the section, in any router added now or
later, its throttle and its documented 429; an operation without a plan stops the start."""

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.operation import Operation
from ninja.throttling import BaseThrottle

from sellerdesk.accounts.models import DeveloperApplication
from sellerdesk.api.errors import ErrorList, error_body
from sellerdesk.api.quota import quota_take
from sellerdesk.api.usage_plans import DEFAULT_PLANS, usage_plans

HEADER = "x-amzn-RateLimit-Limit"


class UsagePlanThrottle(BaseThrottle):
    def __init__(self, operation_id: str):
        self.operation_id = operation_id

    def allow_request(self, request: HttpRequest) -> bool:
        application: DeveloperApplication = request.developer_application  # type: ignore[attr-defined]
        return quota_take(
            operation=self.operation_id,
            seller_id=application.seller_id,
            application_id=application.pk,
            plan=usage_plans()[self.operation_id],
        )


def _with_usage_plan(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    operation = inspect.unwrap(run).__self__
    assert isinstance(operation, Operation)
    operation_id = operation.operation_id
    if operation_id not in DEFAULT_PLANS:
        raise ImproperlyConfigured(
            f"The operation {operation_id!r} has no usage plan: add SP-API's published one to"
            " DEFAULT_PLANS in sellerdesk/api/usage_plans.py."
        )
    operation.throttle_objects = [*operation.throttle_objects, UsagePlanThrottle(operation_id)]
    operation.response_models[429] = operation._create_response_model(ErrorList)

    @wraps(run)
    def run_with_header(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = run(request, *args, **kwargs)
        response[HEADER] = usage_plans()[operation_id].header
        return response

    return run_with_header


def with_usage_plans(section: NinjaAPI) -> None:
    section.add_decorator(_with_usage_plan, mode="view")

    @section.exception_handler(Throttled)
    def quota_exceeded(request: HttpRequest, error: Throttled) -> HttpResponse:
        return section.create_response(
            request,
            error_body("QuotaExceeded", "You exceeded your quota for the requested resource."),
            status=429,
        )
