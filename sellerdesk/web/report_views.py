"""Reports: request one of the order reports, follow them being made, and download them. The
same reports as the Reports API's, made by the same task; downloads go through the seller's
session, never a signed URL."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sellerdesk.accounts.permissions import Area, Level, permission_required
from sellerdesk.core.errors import ApplicationError
from sellerdesk.reports.models import Report
from sellerdesk.reports.selectors import report_get, reports_recent
from sellerdesk.reports.services import report_create
from sellerdesk.web.report_forms import ReportRequestForm
from sellerdesk.web.views import current_seller

REPORTS_PER_PAGE = 25
RUNNING = {Report.Status.IN_QUEUE, Report.Status.IN_PROGRESS}


@permission_required(Area.ORDERS, Level.VIEW)
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    seller = current_seller(request)
    form = ReportRequestForm(request.POST or None, initial=ReportRequestForm.initial_range())
    if request.method == "POST" and form.is_valid():
        start, end = form.data_range()
        try:
            report = report_create(
                seller=seller,
                report_type=form.cleaned_data["report_type"],
                data_start_time=start,
                data_end_time=end,
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Report %(report_id)s was requested and is being made.")
                % {"report_id": report.report_id},
            )
            return redirect("reports:list")
    page = Paginator(reports_recent(seller=seller), REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "running": any(report.processing_status in RUNNING for report in page),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "web/reports/_list.html", context)
    return render(
        request,
        "web/reports/reports.html",
        context,
        status=422 if form.is_bound and form.errors else 200,
    )


@permission_required(Area.ORDERS, Level.VIEW)
def download(request: HttpRequest, report_id: str) -> HttpResponseBase:
    report = report_get(seller=current_seller(request), report_id=report_id)
    if report.document is None:
        return HttpResponse(_("The report is not ready yet."), status=404)
    return FileResponse(
        report.document.file.open("rb"),
        as_attachment=True,
        filename=f"{report.report_type}-{report.report_id}.txt",
        content_type=report.document.content_type,
    )
