"""Credit reports (信用报告) in the back office: the list of issued reports (read only), the
report page to print, and issuing a report from an enterprise's dossier (needs
`credit.add_creditreport`; the dossier's 信用报告 section offers the button)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.admin_workflows import WorkflowAdmin
from registry.models import Enterprise

from ..models import CreditReport
from ..report_views import report_print
from ..services.reports import credit_report_issue


@admin.register(CreditReport)
class CreditReportAdmin(WorkflowAdmin):
    list_display = [
        "number",
        "enterprise",
        "issued_at",
        "valid_until",
        "channel",
        "issued_by",
        "report_link",
    ]
    list_filter = ["channel", "issued_at"]
    list_select_related = ["enterprise", "issued_by"]
    search_fields = ["=number", "enterprise__name", "=enterprise__uscc"]
    date_hierarchy = "issued_at"
    readonly_fields = ["report_link"]
    fields = ["enterprise", "valid_until", "channel", "issued_by", "report_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_issue_permission(self, request) -> bool:
        return request.user.has_perm("credit.add_creditreport")

    def get_urls(self):
        return [
            path(
                "issue/<int:enterprise_id>/",
                self.admin_site.admin_view(self.issue_view),
                name="credit_creditreport_issue",
            ),
            path(
                "<int:object_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="credit_creditreport_report",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="报告")
    def report_link(self, obj):
        url = reverse("admin:credit_creditreport_report", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">查看/打印</a>', url)

    def report_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(CreditReport, pk=object_id)
        return report_print(
            request,
            report,
            back_url=reverse("admin:registry_enterprise_dossier", args=[report.enterprise_id]),
            back_label="返回企业档案",
        )

    def issue_view(self, request, enterprise_id: int):
        return require_POST(self._issue)(request, enterprise_id)

    def _issue(self, request, enterprise_id: int):
        if not self.has_issue_permission(request):
            raise PermissionDenied
        enterprise = get_object_or_404(Enterprise, pk=enterprise_id)
        report = credit_report_issue(
            actor=request.user, enterprise=enterprise, channel=CreditReport.Channel.ADMIN
        )
        self.message_user(request, f"已出具信用报告{report.number}。", messages.SUCCESS)
        return redirect("admin:credit_creditreport_report", report.pk)
