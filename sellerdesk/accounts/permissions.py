"""What a seller's user may do, by area, as Seller Central's *User permissions* give it: each area
None, View, or View and edit.

A level is a row per user and area (`Permission`), not a field per area on the user: the
seller's users who may view an area are one indexed query (the rate alert's recipients), a
new area needs no schema change, and a missing row is None, so nothing is allowed by default.

Every seller page declares its area and level with `permission_required`, the one guard of the
pages; the APIs check the same levels, those of the user who created the developer application
(`sellerdesk/api/permissions.py`); feeds check them when submitted and again when a worker
starts them (`sellerdesk/feeds/`). A removed user (`is_active` false) has no level anywhere."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.core.errors import ApplicationError, ErrorCode, NotFound

if TYPE_CHECKING:
    from sellerdesk.accounts.models import User


class Area(models.TextChoices):
    ORDERS = "orders", gettext_lazy("Manage Orders")
    CANCELLATIONS = "cancellations", gettext_lazy("Cancellations and refunds")
    FILES = "files", gettext_lazy("Upload files and feeds")
    INVENTORY = "inventory", gettext_lazy("Inventory")
    METRICS = "metrics", gettext_lazy("Customer metrics")
    DEVELOPER = "developer", gettext_lazy("Developer applications")
    USERS = "users", gettext_lazy("User permissions")


class Level(models.IntegerChoices):
    NONE = 0, gettext_lazy("None")
    VIEW = 1, gettext_lazy("View")
    EDIT = 2, gettext_lazy("View and edit")


Levels = Mapping[str, int]
EVERYTHING: dict[str, int] = dict.fromkeys(Area.values, Level.EDIT)


class Permission(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="permissions"
    )
    area = models.CharField(max_length=16, choices=Area.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.NONE)

    class Meta:
        app_label = "accounts"
        constraints = [
            models.UniqueConstraint(fields=["user", "area"], name="permission_one_per_area"),
            models.CheckConstraint(condition=models.Q(level__lte=2), name="permission_level"),
        ]
        indexes = [models.Index(fields=["area", "level"], name="permission_area_level")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.area}={self.level}"


class PermissionRefused(ApplicationError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


def user_levels(user: "User | None") -> dict[str, Level]:
    """Every area's level, None where the user has no row; None everywhere for a removed
    user, one of no seller, or no user at all."""
    levels = dict.fromkeys(Area.values, Level.NONE)
    if user is None or not user.is_active or user.seller_id is None:
        return levels
    for area, level in Permission.objects.filter(user=user).values_list("area", "level"):
        levels[area] = Level(level)
    return levels


def request_levels(request: HttpRequest) -> dict[str, Level]:
    """The signed-in user's levels, read once per request (the guard and the menu share them)."""
    levels: dict[str, Level] | None = getattr(request, "_levels", None)
    if levels is None:
        user = request.user if request.user.is_authenticated else None
        levels = user_levels(user)
        request._levels = levels  # type: ignore[attr-defined]
    return levels


def user_level(user: "User | None", area: str) -> Level:
    return user_levels(user)[area]


def user_may(user: "User | None", area: str, level: int) -> bool:
    return user_level(user, area) >= level


def permission_check(*, user: "User | None", area: str, level: int) -> None:
    """Raise PermissionRefused unless the user has at least `level` in `area`."""
    if not user_may(user, area, level):
        raise PermissionRefused(_refusal(area=area, level=level))


def _refusal(*, area: str, level: int) -> str:
    return _("You need the permission “%(level)s” for %(area)s.") % {
        "level": Level(level).label,
        "area": Area(area).label,
    }


@dataclass(frozen=True, slots=True)
class Required:
    """What a page needs: `level` in `area`, or `safe` for GET and HEAD where it is lower."""

    area: Area
    level: Level
    safe: Level

    def level_for(self, method: str | None) -> Level:
        return self.safe if method in {"GET", "HEAD"} else self.level


View = Callable[..., HttpResponseBase]


def permission_required(
    area: Area, level: Level, *, safe: Level | None = None
) -> Callable[[View], View]:
    """The guard of every seller page: signed in, a user of a seller, with `level` in `area`
    (or `safe` to read it with GET); else the 403 page. The page's lookups are then scoped to
    the user's seller, and a NotFound is the 404 page. The declaration is kept on the view as
    `required`, for the permission matrix test to read."""
    required = Required(area=area, level=level, safe=level if safe is None else safe)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if user.seller_id is None:  # type: ignore[union-attr]
                raise PermissionDenied(_("This account does not belong to a seller."))
            needed = required.level_for(request.method)
            if request_levels(request)[required.area] < needed:
                raise PermissionDenied(_refusal(area=required.area, level=needed))
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(error.message) from error
            except PermissionRefused as refused:
                raise PermissionDenied(refused.message) from refused

        wrapper.required = required  # type: ignore[attr-defined]
        return wrapper

    return decorator
