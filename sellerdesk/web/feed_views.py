"""Upload order-related files, and read every feed's status, history and processing report."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.core.errors import ApplicationError
from sellerdesk.feeds.kinds import CANCELLATION, MessageKey, feed_kind, upload_kind, upload_template
from sellerdesk.feeds.models import Feed
from sellerdesk.feeds.parsers.sniff import HEAD_BYTES, is_xml
from sellerdesk.feeds.selections import selection_outcome
from sellerdesk.feeds.selectors import feed_get, feeds_recent
from sellerdesk.feeds.services import feed_submit
from sellerdesk.metrics.rates import cancellation_rate, cancellation_rate_after
from sellerdesk.orders.selectors import orders_existing
from sellerdesk.web.forms import UploadForm
from sellerdesk.web.views import current_seller

RESULTS_PER_PAGE = 100


@permission_required(Area.FILES, Level.EDIT)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        head = uploaded.read(HEAD_BYTES)
        uploaded.seek(0)
        kind = upload_kind(
            choice=form.cleaned_data["file_type"] or CANCELLATION.value, xml=is_xml(head)
        )
        if kind is None:  # the inventory file has no XML form
            form.add_error(
                "file",
                _("This is an XML file; a price and quantity file is tab-delimited text or .xlsx."),
            )
        else:
            try:
                feed = feed_submit(
                    seller=current_seller(request),
                    feed_type=kind.feed_type,
                    chunks=uploaded.chunks(),
                    content_type=uploaded.content_type or "application/octet-stream",
                    filename=uploaded.name or "",
                    source=Feed.Source.UPLOAD,
                    dry_run=form.cleaned_data["validate_only"],
                    created_by=request.user,  # type: ignore[arg-type]
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
            else:
                messages.success(
                    request,
                    _("File %(name)s was received and is being processed.")
                    % {"name": uploaded.name},
                )
                return redirect("feeds:detail", feed_id=feed.feed_id)
    return render(
        request,
        "web/feeds/upload.html",
        {"form": form, "limit_mb": settings.FEED_MAX_BYTES // (1024 * 1024)},
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.FILES, Level.VIEW)
def file_template(request: HttpRequest, kind: str) -> HttpResponse:
    template = upload_template(kind)
    if template is None:
        raise Http404
    response = HttpResponse(
        template.content, content_type="text/tab-separated-values; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{template.filename}"'
    return response


@permission_required(Area.FILES, Level.VIEW)
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(feeds_recent(seller=current_seller(request)), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "web/feeds/history.html", {"page": page})


@permission_required(Area.FILES, Level.VIEW)
def detail(request: HttpRequest, feed_id: str) -> HttpResponse:
    feed = feed_get(seller=current_seller(request), feed_id=feed_id)
    results = Paginator(
        feed.results.order_by("position", "message_code"), RESULTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    rate = cancellation_rate(seller=feed.seller)
    context = {
        "feed": feed,
        "rate_now": rate,
        "rate_after": cancellation_rate_after(
            rate=rate, more_cancelled=feed.projected_cancellations
        ),
        "results": results,
        # The report's orders that exist link to their pages; an unknown order id cannot.
        "linked_orders": orders_existing(
            seller=feed.seller, amazon_order_ids=(result.amazon_order_id for result in results)
        ),
        "running": feed.processing_status in {Feed.Status.IN_QUEUE, Feed.Status.IN_PROGRESS},
        "by_sku": feed_kind(feed.feed_type).keyed_by is MessageKey.SKU,
        "selection": selection_outcome(feed),
    }
    # The page polls for its progress while the feed runs; the reply carries the results so far,
    # so the last one brings the finished counts and every error and warning at once.
    if request.headers.get("HX-Request") == "true":
        return render(request, "web/feeds/_progress.html", context)
    return render(request, "web/feeds/detail.html", context)


@permission_required(Area.FILES, Level.VIEW)
def report(request: HttpRequest, feed_id: str) -> HttpResponseBase:
    feed = feed_get(seller=current_seller(request), feed_id=feed_id)
    if feed.result_document is None:
        return HttpResponse(_("The report is not ready yet."), status=404)
    extension = "xml" if "xml" in feed.result_document.content_type else "txt"
    return FileResponse(
        feed.result_document.file.open("rb"),
        as_attachment=True,
        filename=f"processing-report-{feed.feed_id}.{extension}",
        content_type=feed.result_document.content_type,
    )
