"""Cancel a selection of orders, or every order matching a filter: a confirmation page that
says what will happen, then a background feed that ends in a processing report."""

from collections.abc import Iterator

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sellerdesk.accounts.models import Seller
from sellerdesk.core.errors import ApplicationError
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.services import feed_submit
from sellerdesk.metrics.rates import cancellation_rate
from sellerdesk.orders.models import OrderStatus
from sellerdesk.orders.selection import (
    MAX_EXPLICIT,
    Selection,
    selection_order_ids,
    selection_summarize,
)
from sellerdesk.web.forms import CancelOrderForm, OrderFilterForm
from sellerdesk.web.views import current_seller, seller_required

FILE_HEADER = "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
# What "All orders matching this filter" carries from Manage Orders to the confirmation.
FILTER_FIELDS = ("status", "q", "date_from", "date_to", "buyer_requested", "late")


@seller_required
@require_POST
def cancel_selected(request: HttpRequest) -> HttpResponse:
    if request.POST.get("all") == "1" and not OrderFilterForm(request.POST).is_valid():
        # Never "all orders" in place of a filter that cannot be read.
        messages.error(
            request,
            _("The filter could not be read, so no orders were selected. Filter again and retry."),
        )
        return redirect("orders:manage")
    selection = _selection(request.POST)
    if selection is None:
        messages.error(
            request,
            _("Select between 1 and %(limit)d orders, or all orders matching the filter.")
            % {"limit": MAX_EXPLICIT},
        )
        return redirect("orders:manage")
    seller = current_seller(request)
    form = CancelOrderForm(request.POST if "confirm" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason, memo = form.cleaned_data["reason"], form.cleaned_data["memo"]
        try:
            feed = feed_submit(
                seller=seller,
                feed_type=FeedType.ORDER_CANCELLATION_FILE,
                chunks=_cancellation_file(seller=seller, selection=selection, reason=reason),
                content_type="text/tab-separated-values",
                filename="",
                source=Feed.Source.SELECTION,
                options={"reason": reason, "memo": memo},
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The cancellation of the selected orders has started."))
            return redirect("feeds:detail", feed_id=feed.feed_id)
    summary = selection_summarize(seller=seller, selection=selection)
    eligible = selection.orders(seller=seller).filter(status=OrderStatus.UNSHIPPED)
    return render(
        request,
        "web/cancel_selected.html",
        {
            "form": form,
            "summary": summary,
            "skipped": [
                (OrderStatus(status).label, count) for status, count in summary.skipped.items()
            ],
            "selection": selection,
            "selection_fields": _selection_fields(request.POST),
            "rate_now": cancellation_rate(seller=seller),
            "rate_after": cancellation_rate(seller=seller, also_cancelling=eligible),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _selection(data: QueryDict) -> Selection | None:
    if data.get("all") == "1":
        return Selection(all_matching=OrderFilterForm(data).order_filter())
    order_ids = tuple(dict.fromkeys(value.strip() for value in data.getlist("order") if value))
    if not order_ids or len(order_ids) > MAX_EXPLICIT:
        return None
    return Selection(order_ids=order_ids)


def _selection_fields(data: QueryDict) -> list[tuple[str, str]]:
    """The hidden fields that carry the selection from the confirmation to the submit."""
    names = ("all", *FILTER_FIELDS) if data.get("all") == "1" else ("order",)
    return [(name, value) for name in names for value in data.getlist(name)]


def _cancellation_file(*, seller: Seller, selection: Selection, reason: str) -> Iterator[bytes]:
    """The selection as an Order Cancellation file: one whole-order row per selected order."""
    yield FILE_HEADER.encode()
    rows: list[str] = []
    for order_id in selection_order_ids(seller=seller, selection=selection):
        rows.append(f"{order_id}\t{reason}\t\n")
        if len(rows) == 1000:
            yield "".join(rows).encode()
            rows = []
    if rows:
        yield "".join(rows).encode()
