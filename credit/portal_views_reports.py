"""The portal's credit reports (信用报告): the enterprise issues a report of itself for a
policy application or a tender, lists the reports issued before and opens one to print.

Reports are fetched through `portal_scope`/`portal_object`, so another enterprise's report
answers 404 like one that does not exist."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.portal import portal_object, portal_scope, portal_view

from .models import CreditReport
from .portal_views import ANY_METHOD, read_only
from .report_views import report_print
from .services.reports import credit_report_issue

LISTED_REPORTS = 50


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def report_list(request):
    if request.method == "POST":
        report = credit_report_issue(
            actor=request.user, enterprise=request.enterprise, channel=CreditReport.Channel.PORTAL
        )
        messages.success(request, f"信用报告已出具，报告编号{report.number}。")
        return redirect("portal:credit_report", pk=report.pk)
    reports = portal_scope(request, CreditReport.objects.defer("content")).order_by(
        "-issued_at", "-id"
    )
    today = timezone.localdate()
    rows = [{"report": r, "expired": r.expired_on(today)} for r in reports[:LISTED_REPORTS]]
    return render(
        request,
        "credit/portal/reports.html",
        {"rows": rows, "valid_days": settings.CREDIT_REPORT_VALID_DAYS},
    )


@never_cache
@require_http_methods(ANY_METHOD)
@portal_view
def report_detail(request, pk: int):
    report = portal_object(request, CreditReport.objects.all(), pk)
    if refused := read_only(request):
        return refused
    return report_print(
        request, report, back_url=reverse("portal:credit_reports"), back_label="返回信用报告列表"
    )
