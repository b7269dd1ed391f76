"""Errors of the domain, each with a stable code.

The API maps them to JSON, the pages to form errors, the feed processor to report results.
"""

from django.utils.functional import Promise


class ApplicationError(Exception):
    code = "application_error"
    http_status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None, **details: object):
        super().__init__(str(message))
        self.message = str(message)
        if code is not None:
            self.code = code
        self.details = details


class NotFound(ApplicationError):
    """Missing and not-yours look the same."""

    code = "not_found"
    http_status = 404


class InvalidInput(ApplicationError):
    code = "invalid_input"
    http_status = 400


class InvalidTransition(ApplicationError):
    """The order's state does not allow the change."""

    code = "invalid_transition"
    http_status = 409


class NothingToDo(ApplicationError):
    """A repeat of a change that already happened: reported, never applied again."""

    code = "already_done"
    http_status = 409


class InsufficientInventory(ApplicationError):
    code = "insufficient_inventory"
    http_status = 409
