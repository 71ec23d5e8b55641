"""Back-office pages of the enterprise portal's change requests: reviewing the changes
enterprises ask for (the portal accounts' pages are in portal.admin).

Change pages are read-only; every change is a small form page that calls one service
(registry.services.changes), so the rules live there and a refusal is shown on the form."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.cache import never_cache

from core.admin_workflows import WorkflowAdmin

from .models import ChangeRequest
from .services import changes

# --- Change requests -------------------------------------------------------------------------


class ChangeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="审核结果",
        choices=[("approve", "通过，更新档案"), ("reject", "不予通过")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="审核意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="不予通过时必须填写原因，企业将在平台上看到。",
    )


def diff_table(change_request: ChangeRequest):
    rows = changes.change_request_diff(change_request)
    body = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td><strong>{}</strong>{}</td></tr>",
        (
            (
                row.label,
                row.old,
                row.new,
                format_html(' <span style="color:#a61b1b">（{}）</span>', row.warning)
                if row.warning
                else "",
            )
            for row in rows
        ),
    )
    return format_html(
        '<table class="change-diff"><thead><tr><th>字段</th><th>原值</th><th>新值</th></tr>'
        "</thead><tbody>{}</tbody></table>",
        body,
    )


@admin.register(ChangeRequest)
class ChangeRequestAdmin(WorkflowAdmin):
    list_display = [
        "enterprise",
        "kind",
        "fast_track",
        "submitted_at",
        "review_due_on",
        "submitted_by",
        "status",
        "decided_by",
        "decided_at",
        "handle",
    ]
    list_filter = [
        "status",
        "fast_track",
        "kind",
        ("enterprise", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["enterprise", "submitted_by", "decided_by"]
    # 绿色通道 first, then the earliest due.
    ordering = ["-fast_track", "review_due_on", "-submitted_at"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    search_help_text = "可按企业名称或统一社会信用代码查找。"
    date_hierarchy = "submitted_at"
    fields = [
        "enterprise",
        "kind",
        "status",
        "submitted_by",
        "submitted_at",
        "fast_track",
        "review_due_on",
        "diff",
        "attachment_link",
        "decided_by",
        "decided_at",
        "reason",
        "handle",
    ]
    readonly_fields = fields

    def get_urls(self):
        return [
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="registry_changerequest_review",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="变更内容")
    def diff(self, obj: ChangeRequest):
        return diff_table(obj)

    @admin.display(description="附件")
    def attachment_link(self, obj: ChangeRequest):
        if not obj.attachment:
            return "无"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">查看附件</a>', obj.attachment.url
        )

    @admin.display(description="审核")
    def handle(self, obj: ChangeRequest):
        label = "审核" if changes.change_request_can_decide(obj) else "查看"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:registry_changerequest_review", args=[obj.pk]),
            label,
        )

    @method_decorator(never_cache)
    def review_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        change_request = get_object_or_404(
            self.get_queryset(request).select_related("enterprise"), pk=object_id
        )
        can_decide = self.has_handle_permission(request) and changes.change_request_can_decide(
            change_request
        )
        form = ChangeDecisionForm(request.POST or None) if can_decide else None

        def perform(data):
            if data["outcome"] == "approve":
                changes.change_request_approve(
                    actor=request.user, change_request=change_request, note=data["reason"]
                )
                return change_request, "已通过，档案已更新。"
            changes.change_request_reject(
                actor=request.user, change_request=change_request, reason=data["reason"]
            )
            return change_request, "已驳回，企业将在平台上看到原因。"

        return self.workflow_page(
            request,
            title=f"审核{change_request.get_kind_display()}变更：{change_request.enterprise.name}",
            form=form,
            perform=perform,
            obj=change_request,
            template="admin/registry/changerequest/review.html",
            success_url=lambda _: (
                reverse("admin:registry_changerequest_changelist") + "?status__exact=pending"
            ),
            change=change_request,
            diff=changes.change_request_diff(change_request),
            enterprise_url=reverse(
                "admin:registry_enterprise_change", args=[change_request.enterprise_id]
            ),
        )
