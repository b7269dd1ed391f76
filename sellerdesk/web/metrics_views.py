"""Customer metrics: the cancellation rate with its status, its daily history as a chart (and a
table of the same numbers), the breakdowns by reason and SKU, and the orders behind each."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.cancellations.reasons import reason_name
from sellerdesk.metrics.rates import AT_RISK_FROM, TARGET, window_start
from sellerdesk.metrics.selectors import (
    DailyRate,
    OrdersBehind,
    customer_metrics,
    history_days,
    orders_behind,
    window_first_day,
)
from sellerdesk.orders.models import OrderItem
from sellerdesk.web.metrics_forms import OrdersBehindForm
from sellerdesk.web.views import current_seller

ORDERS_PER_PAGE = 100


@permission_required(Area.METRICS, Level.VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    metrics = customer_metrics(seller=current_seller(request), now=now)
    return render(
        request,
        "web/metrics/overview.html",
        {
            "metrics": metrics,
            "since": window_start(now),
            "target": TARGET,
            "at_risk_from": AT_RISK_FROM,
            "history_newest_first": metrics.history[::-1],
            "chart": _chart_data(metrics.history),
        },
    )


def _chart_data(history: list[DailyRate]) -> dict[str, Any]:
    """What metrics.js draws: plain numbers, and the words in the user's language."""
    return {
        "days": [point.day.isoformat() for point in history],
        "rates": [float(point.rate.percent) for point in history],
        "cancelled": [point.rate.cancelled for point in history],
        "orders": [point.rate.orders for point in history],
        "target": float(TARGET),
        "atRiskFrom": float(AT_RISK_FROM),
        "ordersUrl": reverse("metrics:orders") + "?kind=cancelled&day=",
        "text": {
            "rate": _("7-day cancellation rate"),
            "target": _("Target: under %(percent)s %%") % {"percent": _percent(TARGET)},
            "atRisk": _("At risk: from %(percent)s %%") % {"percent": _percent(AT_RISK_FROM)},
            "ofOrders": _("cancelled of"),
        },
    }


def _percent(value: Decimal) -> str:
    return formats.number_format(value, 1, use_l10n=True)


@permission_required(Area.METRICS, Level.VIEW)
def orders(request: HttpRequest) -> HttpResponse:
    """The orders behind a number of the metrics page."""
    now = timezone.now()
    form = OrdersBehindForm(request.GET, days=history_days(now=now))
    if not form.is_valid():
        return render(request, "web/metrics/orders.html", {"form": form}, status=400)
    behind = form.behind()
    found = orders_behind(seller=current_seller(request), behind=behind, now=now).prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("pk"))
    )
    page = Paginator(found, ORDERS_PER_PAGE).get_page(form.cleaned_data.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "web/metrics/orders.html",
        {
            "form": form,
            "behind": behind,
            "title": _describe(behind, since=window_start(now)),
            "page": page,
            "query": params.urlencode(),
        },
    )


def _describe(behind: OrdersBehind, *, since: datetime.datetime) -> str:
    if behind.day is not None:
        period = _("purchased from %(first)s to %(last)s") % {
            "first": window_first_day(behind.day).isoformat(),
            "last": behind.day.isoformat(),
        }
    else:
        period = _("purchased in the last 7 days (since %(since)s)") % {
            "since": timezone.localtime(since).strftime("%Y-%m-%d %H:%M")
        }
    if behind.reason:
        described = _(
            "Orders with a cancellation that counts, for the reason %(reason)s, %(period)s"
        )
        return described % {"reason": reason_name(behind.reason), "period": period}
    if behind.sku:
        return _("Orders with a cancellation of SKU %(sku)s that counts, %(period)s") % {
            "sku": behind.sku,
            "period": period,
        }
    if behind.cancelled_only:
        return _("Orders with a cancellation that counts, %(period)s") % {"period": period}
    return _("All orders %(period)s") % {"period": period}
