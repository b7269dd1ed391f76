"""The developer application on whose behalf a change is made, where one is: set for an API
request by its authentication, and for each batch of a feed that an application submitted;
read where order events and feeds are written, so that *Activity* names the application. Every
request starts with none (ActingApplicationMiddleware)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_application: ContextVar[int | None] = ContextVar("acting_application", default=None)


def acting_application_id() -> int | None:
    return _application.get()


def acting_application_set(application_id: int) -> None:
    """The rest of this request acts for the application (the API's authentication)."""
    _application.set(application_id)


@contextmanager
def acting_application(application_id: int | None) -> Iterator[None]:
    token = _application.set(application_id)
    try:
        yield
    finally:
        _application.reset(token)


class ActingApplicationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_application(None):
            return self.get_response(request)
