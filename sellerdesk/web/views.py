"""Seller pages. Thin: parse the request, call a selector or a service, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sellerdesk.accounts.permissions import Area, Level, permission_required, request_levels
from sellerdesk.accounts.services import user_set_language
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.cancellations.services import order_cancel
from sellerdesk.core.errors import ApplicationError
from sellerdesk.notifications.services import outbound_email_bodies
from sellerdesk.orders.counts import OrderCounts, TabCount, order_counts
from sellerdesk.orders.models import OrderStatus
from sellerdesk.orders.selectors import (
    PAGE_SIZES,
    SORTS,
    order_get,
    order_list,
    order_timeline,
    outbound_email_get,
)
from sellerdesk.orders.services import order_confirm_shipment
from sellerdesk.orders.status import can_cancel, can_ship
from sellerdesk.refunds.adjustments import order_adjust
from sellerdesk.refunds.selectors import (
    left_to_refund,
    order_balance,
    order_is_charged,
    order_refunds,
)
from sellerdesk.web.cancel_previews import order_cancel_previews
from sellerdesk.web.forms import CancelItemsForm, ConfirmShipmentForm, OrderFilterForm
from sellerdesk.web.order_rows import order_rows
from sellerdesk.web.refund_forms import RefundForm


def current_seller(request: HttpRequest) -> Any:
    return request.user.seller  # type: ignore[union-attr]


def may_edit(request: HttpRequest, area: Area) -> bool:
    """Whether the signed-in user may change things in `area`: the pages offer only what the
    user may do (the guard of each page refuses the rest)."""
    return request_levels(request)[area] >= Level.EDIT


@permission_required(Area.ORDERS, Level.VIEW)
def manage_orders(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = form.order_filter()
    seller = current_seller(request)
    page = order_list(
        seller=seller,
        filters=filters,
        cursor=data.get("cursor") or None,
        back_cursor=data.get("before") or None,
        page_size=data.get("per_page") or PAGE_SIZES[0],
    )
    params = request.GET.copy()
    params.pop("cursor", None)
    params.pop("before", None)
    counts = order_counts(seller=seller)
    may_cancel, may_ship = may_edit(request, Area.CANCELLATIONS), may_edit(request, Area.ORDERS)
    return render(
        request,
        "web/manage_orders.html",
        {
            "form": form,
            "page": page,
            "rows": order_rows(
                page.orders, now=timezone.now(), may_cancel=may_cancel, may_ship=may_ship
            ),
            "filters": filters,
            "tabs": _status_tabs(counts),
            "late_count": counts.late,
            "tab_query": _query(params, status=None, late=None),
            "late_query": _query(params, status=None, late="1"),
            "sort_headers": _sort_headers(params, filters.sort),
            "next_query": _query(params, cursor=page.next_cursor) if page.next_cursor else "",
            "previous_query": (
                _query(params, before=page.previous_cursor) if page.previous_cursor else ""
            ),
            "first_query": params.urlencode(),
            "page_sizes": PAGE_SIZES,
            "per_page": data.get("per_page") or PAGE_SIZES[0],
        },
    )


# A tab names the orders it holds: in the plural, where a row's badge names one order's status.
_TAB_LABELS = {
    OrderStatus.PENDING: pgettext_lazy("orders tab", "Pending"),
    OrderStatus.UNSHIPPED: pgettext_lazy("orders tab", "Unshipped"),
    OrderStatus.PARTIALLY_SHIPPED: pgettext_lazy("orders tab", "Partially shipped"),
    OrderStatus.SHIPPED: pgettext_lazy("orders tab", "Shipped"),
    OrderStatus.CANCELED: pgettext_lazy("orders tab", "Canceled"),
}


def _status_tabs(counts: OrderCounts) -> list[tuple[str, str, TabCount]]:
    return [("", _("All"), counts.all)] + [
        (status.value, str(_TAB_LABELS[status]), counts.by_status[status.value])
        for status in OrderStatus
    ]


# The two sortable columns of Manage Orders: the sort a click gives first, then the reverse.
_SORT_COLUMNS = {"purchase": ("newest", "oldest"), "ship_by": ("ship_by_soonest", "ship_by_latest")}


def _sort_headers(params: QueryDict, sort: str) -> dict[str, tuple[str, str]]:
    """Per sortable column, the query of its header's link (this column's sort, reversed when
    it is the current one) and its aria-sort ("ascending", "descending" or "" if not sorted)."""
    headers = {}
    for column, (first, reverse) in _SORT_COLUMNS.items():
        current = sort in (first, reverse)
        direction = ("descending" if SORTS[sort][1] else "ascending") if current else ""
        headers[column] = (_query(params, sort=reverse if sort == first else first), direction)
    return headers


def _query(params: QueryDict, **changes: str | None) -> str:
    """`params` as a query string, with each of `changes` set, or removed where None."""
    changed = params.copy()
    for name, value in changes.items():
        if value is None:
            changed.pop(name, None)
        else:
            changed[name] = value
    return changed.urlencode()


@permission_required(Area.ORDERS, Level.VIEW)
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    order = order_get(seller=current_seller(request), amazon_order_id=order_id)
    return render(
        request,
        "web/order_detail.html",
        {
            "order": order,
            "timeline": order_timeline(order=order),
            "can_cancel": may_edit(request, Area.CANCELLATIONS) and can_cancel(order.status),
            "can_ship": may_edit(request, Area.ORDERS) and can_ship(order.status),
            "can_refund": may_edit(request, Area.CANCELLATIONS) and order_is_charged(order=order),
            "refunds": order_refunds(order=order),
            "balance": order_balance(order=order),
        },
    )


@permission_required(Area.CANCELLATIONS, Level.EDIT)
@require_http_methods(["GET", "POST"])
def order_cancel_view(request: HttpRequest, order_id: str) -> HttpResponse:
    order = order_get(seller=current_seller(request), amazon_order_id=order_id)
    # The buyer asked the marketplace to cancel: "Buyer canceled" keeps it out of the rate.
    requested = order.buyer_cancel_requested_at is not None
    items = list(order.items.all())
    form = CancelItemsForm(
        request.POST or None,
        items=items,
        initial={"reason": CancelReason.BUYER_CANCELED} if requested else None,
    )
    if request.method == "POST" and form.is_valid():
        quantities = form.quantities()
        try:
            order_cancel(
                seller=current_seller(request),
                amazon_order_id=order_id,
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                memo=form.cleaned_data["memo"],
                quantities=quantities,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            done = (
                _("Order %(order_id)s was cancelled.")
                if quantities is None
                else _("The chosen items of order %(order_id)s were cancelled.")
            )
            messages.success(request, done % {"order_id": order_id})
            return redirect("orders:detail", order_id=order_id)
    context: dict[str, Any] = {"order": order, "form": form, "can_cancel": can_cancel(order.status)}
    if context["can_cancel"]:
        context |= order_cancel_previews(
            seller=current_seller(request), order=order, items=items, form=form
        )
    else:
        context["can_refund"] = order_is_charged(order=order)
    return render(
        request,
        "web/order_cancel.html",
        context,
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.CANCELLATIONS, Level.EDIT)
@require_GET
def order_cancel_stock(request: HttpRequest, order_id: str) -> HttpResponse:
    """The cancel page's stock preview for the scope and quantities being entered: the page
    asks for it (htmx) when they change."""
    order = order_get(seller=current_seller(request), amazon_order_id=order_id)
    items = list(order.items.all())
    form = CancelItemsForm(request.GET, items=items)
    form.is_valid()
    return render(
        request,
        "web/_stock_preview.html",
        order_cancel_previews(seller=current_seller(request), order=order, items=items, form=form),
    )


@permission_required(Area.ORDERS, Level.EDIT)
@require_http_methods(["GET", "POST"])
def order_confirm_shipment_view(request: HttpRequest, order_id: str) -> HttpResponse:
    order = order_get(seller=current_seller(request), amazon_order_id=order_id)
    form = ConfirmShipmentForm(request.POST or None, items=list(order.items.all()))
    if request.method == "POST" and form.is_valid():
        try:
            order_confirm_shipment(
                seller=current_seller(request),
                amazon_order_id=order_id,
                actor=request.user,  # type: ignore[arg-type]
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                ship_date=form.cleaned_data["ship_date"],
                quantities=form.quantities(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Shipment of order %(order_id)s was confirmed.") % {"order_id": order_id}
            )
            return redirect("orders:detail", order_id=order_id)
    return render(
        request,
        "web/order_ship.html",
        {"order": order, "form": form, "can_ship": can_ship(order.status)},
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.CANCELLATIONS, Level.EDIT)
@require_http_methods(["GET", "POST"])
def order_refund_view(request: HttpRequest, order_id: str) -> HttpResponse:
    order = order_get(seller=current_seller(request), amazon_order_id=order_id)
    items = list(order.items.all())
    form = RefundForm(request.POST or None, items=items, left=left_to_refund(order=order))
    charged = order_is_charged(order=order)
    if request.method == "POST" and form.is_valid():
        try:
            order_adjust(
                seller=current_seller(request),
                amazon_order_id=order_id,
                items=form.adjusted_items(),
                actor=request.user,  # type: ignore[arg-type]
                memo=form.cleaned_data["memo"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The refund for order %(order_id)s was issued.") % {"order_id": order_id}
            )
            return redirect("orders:detail", order_id=order_id)
    return render(
        request,
        "web/order_refund.html",
        {"order": order, "form": form, "charged": charged},
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.ORDERS, Level.VIEW)
def order_email(request: HttpRequest, order_id: str, email_id: int) -> HttpResponse:
    email = outbound_email_get(
        seller=current_seller(request), amazon_order_id=order_id, email_id=email_id
    )
    return render(
        request,
        "web/order_email.html",
        {"email": email, "order": email.order, "bodies": outbound_email_bodies(email)},
    )


@permission_required(Area.ORDERS, Level.VIEW)
def order_email_html(request: HttpRequest, order_id: str, email_id: int) -> HttpResponse:
    """The HTML part exactly as sent, for the sandboxed frame on the email page."""
    email = outbound_email_get(
        seller=current_seller(request), amazon_order_id=order_id, email_id=email_id
    )
    response = HttpResponse(
        outbound_email_bodies(email).html, content_type="text/html; charset=utf-8"
    )
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    try:
        user_set_language(user=request.user, language=request.POST.get("language", ""))  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    target = request.POST.get("next", "")
    # Only a path of this site: never another host, and never a bare word, which redirect()
    # would try to resolve as the name of a URL.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page: what was wrong with the request, in the site's frame."""
    message = str(exception) if isinstance(exception, BadRequest) else ""
    context = {"message": message or _("The request could not be understood.")}
    return render(request, "web/bad_request.html", context, status=400)


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on their own: the site's icon among the static files."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
