"""Cancel a selection of orders, or every order matching a filter: a confirmation page that
says what will happen, then a background feed that ends in a processing report."""

import contextlib
import functools
import tempfile
from collections.abc import Iterator
from typing import IO

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sellerdesk.accounts.models import Seller
from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.cancellations.reasons import CancelReason
from sellerdesk.core.errors import ApplicationError
from sellerdesk.feeds.models import Feed, FeedType
from sellerdesk.feeds.selections import SELECTED
from sellerdesk.feeds.services import feed_submit
from sellerdesk.orders.models import OrderStatus
from sellerdesk.orders.selection import (
    MAX_EXPLICIT,
    Selection,
    counts_text,
    selection_statuses,
    selection_summarize,
)
from sellerdesk.web.cancel_previews import selection_cancel_previews
from sellerdesk.web.forms import CancelOrderForm, OrderFilterForm
from sellerdesk.web.views import current_seller

SPOOL_BYTES = 1024 * 1024  # a selection's file beyond this is spooled to disk
FILE_HEADER = "order-id\tcancellation-reason-code\tamazon-order-item-code\n"
# What "All orders matching this filter" carries from Manage Orders to the confirmation.
FILTER_FIELDS = ("status", "q", "date_from", "date_to", "buyer_requested", "late")


@permission_required(Area.CANCELLATIONS, Level.EDIT)
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
        try:
            feed = _submit(
                request,
                selection=selection,
                reason=form.cleaned_data["reason"],
                memo=form.cleaned_data["memo"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if feed is None:
                form.add_error(
                    None,
                    _(
                        "The selected orders changed since this page was shown: nothing was "
                        "cancelled. Check the new numbers and confirm again."
                    ),
                )
            else:
                messages.success(request, _("The cancellation of the selected orders has started."))
                return redirect("feeds:detail", feed_id=feed.feed_id)
    summary = selection_summarize(seller=seller, selection=selection)
    if not form.is_bound and summary.eligible and summary.buyer_requested == summary.eligible:
        # Every order to cancel has the buyer's request: as on the cancel page of one such
        # order, "Buyer canceled" keeps them out of the rate.
        form = CancelOrderForm(initial={"reason": CancelReason.BUYER_CANCELED})
    eligible = selection.orders(seller=seller).filter(status=OrderStatus.UNSHIPPED)
    return render(
        request,
        "web/cancel_selected.html",
        {
            "form": form,
            "summary": summary,
            "selection": selection,
            "selection_fields": _selection_fields(request.POST),
            **selection_cancel_previews(
                seller=seller, orders=eligible, units_by_listing=summary.units_by_listing
            ),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _submit(request: HttpRequest, *, selection: Selection, reason: str, memo: str) -> Feed | None:
    """Start the selection's cancellation, with the counts that the confirmation announced;
    None, and nothing started, when the selection no longer has them."""
    seller = current_seller(request)
    with _cancellation_file(seller=seller, selection=selection, reason=reason) as (
        file,
        by_status,
    ):
        if counts_text(by_status) != request.POST.get("announced"):
            return None
        return feed_submit(
            seller=seller,
            feed_type=FeedType.ORDER_CANCELLATION_FILE,
            chunks=iter(functools.partial(file.read, SPOOL_BYTES), b""),
            content_type="text/tab-separated-values",
            filename="",
            source=Feed.Source.SELECTION,
            options={"reason": reason, "memo": memo, SELECTED: by_status},
            created_by=request.user,  # type: ignore[arg-type]
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


@contextlib.contextmanager
def _cancellation_file(
    *, seller: Seller, selection: Selection, reason: str
) -> Iterator[tuple[IO[bytes], dict[str, int]]]:
    """The selection as an Order Cancellation file, a whole-order row per unshipped order, and
    the selected orders by status, counted in the same read."""
    by_status: dict[str, int] = {}
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
        file.write(FILE_HEADER.encode())
        for order_id, status in selection_statuses(seller=seller, selection=selection):
            by_status[status] = by_status.get(status, 0) + 1
            if status == OrderStatus.UNSHIPPED:
                file.write(f"{order_id}\t{reason}\t\n".encode())
        file.seek(0)
        yield file, by_status
