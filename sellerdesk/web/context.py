"""What every page's template knows of the signed-in user's permissions: the areas they may
view and those they may change, for the menu and the pages' buttons."""

from typing import Any

from django.http import HttpRequest

from sellerdesk.accounts.permissions import Level, request_levels


def permissions(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "user"):  # the 500 page renders without a request's user
        return {"may_view": set(), "may_edit": set()}
    levels = request_levels(request)
    return {
        "may_view": {area for area, level in levels.items() if level >= Level.VIEW},
        "may_edit": {area for area, level in levels.items() if level >= Level.EDIT},
    }
