"""What every request goes through before and after its view, web pages and APIs alike.

`RefuseUnstorableText` answers 400, before any view or database query, to text that PostgreSQL
cannot store (NUL, and surrogates that are not characters) anywhere a view may read it, and to
JSON nested too deep to read; one place for every route and body, so that a new route is covered
without a word. `ApiErrors` gives the APIs their JSON error shape for whatever a view raises."""

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.api.errors import error_body

logger = logging.getLogger(__name__)

# The routes that answer in the SP-API JSON error shape (config/urls.py).
API_PREFIXES = (
    "/api/",
    "/auth/o2/",
    "/feeds/",
    "/orders/v0/",
    "/reports/2021-06-30/",
    "/notifications/v1/",
)
# Bodies that are documents, stored as bytes: their content is the feed's to judge.
DOCUMENT_PREFIX = "/feeds/documents/"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


# What Django answers for these with a page, an API answers in its own shape.
EXPECTED: dict[type[Exception], tuple[int, str, str]] = {
    Http404: (404, "NotFound", "The resource was not found."),
    PermissionDenied: (403, "Unauthorized", "Access to requested resource is denied."),
    BadRequest: (400, "InvalidInput", "The request is not valid."),
    SuspiciousOperation: (400, "InvalidInput", "The request is not valid."),
}


# What a request is told when a part of it holds text that cannot be stored.
UNSTORABLE_IN = {
    "path": gettext_lazy(
        "The path contains a character that cannot be stored (NUL or a surrogate)."
    ),
    "query string": gettext_lazy(
        "The query string contains a character that cannot be stored (NUL or a surrogate)."
    ),
    "cookie": gettext_lazy(
        "A cookie contains a character that cannot be stored (NUL or a surrogate)."
    ),
    "header": gettext_lazy(
        "A header contains a character that cannot be stored (NUL or a surrogate)."
    ),
    "form": gettext_lazy(
        "The form contains a character that cannot be stored (NUL or a surrogate)."
    ),
    "JSON body": gettext_lazy(
        "The JSON body contains a character that cannot be stored (NUL or a surrogate)."
    ),
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


class RefuseUnstorableText:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            with translation.override("en"):  # the APIs answer in English
                problem = _problem(request)
            if problem is not None:
                return JsonResponse(error_body("InvalidInput", problem), status=400)
        elif (problem := _problem(request)) is not None:
            raise BadRequest(problem)  # the 400 page says what was wrong
        return self.get_response(request)


class ApiErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None  # the pages' own 400, 403, 404 and 500
        for kind, (status, code, message) in EXPECTED.items():
            if isinstance(exception, kind):
                return JsonResponse(error_body(code, message), status=status)
        logger.exception("Unexpected error on %s %s", request.method, request.path)
        return JsonResponse(
            error_body("InternalFailure", "An unexpected error occurred; nothing was changed."),
            status=500,
        )


def _problem(request: HttpRequest) -> str | None:
    for where, text in _texts(request):
        if UNSTORABLE.search(text):
            return str(UNSTORABLE_IN[where])
    if request.content_type == "application/json" and not request.path.startswith(DOCUMENT_PREFIX):
        try:
            body = json.loads(request.body or b"null")
        except RecursionError:
            return _("The JSON body is nested too deeply.")
        except ValueError:
            return None  # not JSON: the view says so in its own words
        if any(UNSTORABLE.search(text) for text in _json_texts(body)):
            return str(UNSTORABLE_IN["JSON body"])
    return None


def _texts(request: HttpRequest) -> Iterator[tuple[str, str]]:
    yield "path", request.path
    for name, values in request.GET.lists():
        yield "query string", name
        for value in values:
            yield "query string", value
    for name, value in request.COOKIES.items():
        yield "cookie", f"{name}={value}"
    for name, value in request.META.items():
        if name.startswith("HTTP_") and isinstance(value, str):
            yield "header", value
    # A multipart body is read as a stream: reading its form here would leave an API view, which
    # reads the raw body, nothing to read. The pages read forms of both kinds; the APIs (the
    # token exchange) only urlencoded ones.
    forms = {"application/x-www-form-urlencoded"}
    if not is_api(request):
        forms.add("multipart/form-data")
    if request.method == "POST" and request.content_type in forms:
        for name, values in request.POST.lists():
            yield "form", name
            for value in values:
                yield "form", value
        for name, uploads in request.FILES.lists():
            yield "form", name
            for upload in uploads:
                yield "form", upload.name or ""


def _json_texts(body: Any) -> Iterator[str]:
    """Every key and string of a parsed JSON value, without recursion."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from value.keys()
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
