"""One mapping from domain errors to JSON, in the SP-API error shape."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sellerdesk.core.errors import ApplicationError

# SP-API's codes for what ninja itself refuses (an unparsable body, for one).
HTTP_ERROR_CODES = {400: "InvalidInput", 404: "NotFound", 415: "UnsupportedMediaType"}


# SP-API's model names, so that the OpenAPI documents read alike.


class Error(Schema):
    code: str
    message: str
    details: str | None = None


class ErrorList(Schema):
    errors: list[Error]


# What every SP-API operation may answer: a request that is not valid, a token that is refused.
ERRORS: dict[int, Any] = {400: ErrorList, 403: ErrorList}


def error_body(code: str, message: str, details: str = "") -> dict[str, list[dict[str, str]]]:
    return {"errors": [{"code": code, "message": message, "details": details}]}


def register_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
        return api.create_response(
            request, error_body(error.code, error.message), status=error.http_status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        details = "; ".join(
            f"{'.'.join(str(part) for part in item.get('loc', []))}: {item.get('msg', '')}"
            for item in error.errors
        )
        return api.create_response(
            request, error_body("InvalidInput", "The request is not valid.", details), status=400
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("Unauthorized", "Access to requested resource is denied."),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(HTTP_ERROR_CODES.get(error.status_code, "HttpError"), error.message),
            status=error.status_code,
        )
