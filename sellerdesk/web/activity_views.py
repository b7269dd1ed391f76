"""Activity, for the seller's administrators: who did what for the seller, filtered by user,
kind and dates, each row linked to its order, file or report; the same rows as CSV."""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.activity import Activity, seller_activity, seller_activity_all
from sellerdesk.accounts.models import AccountEvent
from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.cancellations.reasons import reason_name
from sellerdesk.feeds.models import Feed
from sellerdesk.orders.models import OrderEvent
from sellerdesk.refunds.reasons import adjustment_reason_name
from sellerdesk.web.activity_forms import ActivityFilterForm, activity_token
from sellerdesk.web.views import current_seller

ROWS_PER_PAGE = 100


@dataclass(frozen=True)
class Line:
    """A row as the page and the export show it."""

    activity: Activity
    what: str
    subject: str
    url: str
    reason: str


@permission_required(Area.USERS, Level.EDIT)
def activity(request: HttpRequest) -> HttpResponse:
    seller = current_seller(request)
    form = ActivityFilterForm(request.GET, seller=seller)
    if not form.is_valid():
        return render(request, "web/activity/list.html", {"form": form}, status=400)
    page = seller_activity(
        seller=seller,
        filters=form.activity_filter(),
        after=form.cleaned_data["after"],
        size=ROWS_PER_PAGE,
    )
    params = request.GET.copy()
    params.pop("after", None)
    next_params = params.copy()
    if page.next_after is not None:
        next_params["after"] = activity_token(page.next_after)
    return render(
        request,
        "web/activity/list.html",
        {
            "form": form,
            "lines": [_line(row) for row in page.rows],
            "continued": form.cleaned_data["after"] is not None,
            "first_query": params.urlencode(),
            "next_query": next_params.urlencode() if page.next_after is not None else None,
        },
    )


@permission_required(Area.USERS, Level.EDIT)
def activity_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    seller = current_seller(request)
    form = ActivityFilterForm(request.GET, seller=seller)
    if not form.is_valid():
        return render(request, "web/activity/list.html", {"form": form}, status=400)
    rows = seller_activity_all(seller=seller, filters=form.activity_filter())
    response = StreamingHttpResponse(
        _csv_lines(_line(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="activity-{stamp}.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(lines: Iterable[Line]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [_("Time"), _("Who"), _("Source"), _("What"), _("Order, file or report"), _("Reason")]
    )
    for line in lines:
        activity = line.activity
        yield writer.writerow(
            [
                timezone.localtime(activity.at).isoformat(timespec="seconds"),
                activity.who,
                activity.source,
                line.what,
                line.subject,
                line.reason,
            ]
        )


def _line(activity: Activity) -> Line:
    row = activity.row
    if isinstance(row, OrderEvent):
        order_id = row.order.amazon_order_id
        return Line(
            activity=activity,
            what=row.kind_name,
            subject=order_id,
            url=reverse("orders:detail", args=[order_id]),
            reason=_event_reason(row),
        )
    if isinstance(row, Feed):
        return Line(
            activity=activity,
            what=_("%(kind)s submitted") % {"kind": row.get_feed_type_display()},
            subject=row.feed_id,
            url=reverse("feeds:detail", args=[row.feed_id]),
            reason="",
        )
    if isinstance(row, AccountEvent):
        return Line(
            activity=activity,
            what=row.get_kind_display(),
            subject=_account_subject(row),
            url=reverse("users:list"),
            reason="",
        )
    return Line(
        activity=activity,
        what=_("%(kind)s requested") % {"kind": row.get_report_type_display()},
        subject=row.report_id,
        url=reverse("reports:list"),
        reason="",
    )


def _event_reason(event: OrderEvent) -> str:
    if not event.reason:
        return ""
    if event.kind == OrderEvent.Kind.REFUNDED:
        return adjustment_reason_name(event.reason)
    return reason_name(event.reason)


def _account_subject(event: AccountEvent) -> str:
    """Whose permissions changed: the user, or the address invited."""
    if event.user is not None:
        return event.user.get_username()
    return str(event.data.get("email", ""))
