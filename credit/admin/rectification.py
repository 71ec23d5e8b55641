"""Rectification notices (整改通知): read-only change pages; accepting or sending back a
report is a workflow page calling `credit.services.rectification`."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import timezone

from core.admin_workflows import WorkflowAdmin

from ..models import RectificationNotice
from ..services import rectification
from .common import due_badge


class OverdueFilter(admin.SimpleListFilter):
    title = "整改期限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已超期未整改")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


class AcceptForm(forms.Form):
    decision = forms.CharField(
        label="验收意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="可不填，默认为“整改到位，验收通过。”",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    deadline = forms.DateField(
        label="新的整改期限",
        required=False,
        widget=AdminDateWidget,
        help_text="可不填，沿用原整改期限。",
    )


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(WorkflowAdmin):
    list_display = ["enterprise", "title", "source", "due", "status", "submitted_at", "handle"]
    list_filter = ["status", OverdueFilter, "source"]
    list_select_related = ["enterprise"]
    search_fields = ["enterprise__name", "=enterprise__uscc", "title"]
    search_help_text = "可按企业名称、统一社会信用代码或事由查找。"
    raw_id_fields = ["supervision_task", "result_event"]
    readonly_fields = ["handle"]
    workflows = (("accept", "accept_view"), ("reject", "reject_view"))

    @admin.display(description="整改期限", ordering="deadline")
    def due(self, obj: RectificationNotice):
        return due_badge(obj.deadline, obj.is_overdue(timezone.localdate()))

    @admin.display(description="办理")
    def handle(self, obj: RectificationNotice):
        if not rectification.notice_can_decide(obj):
            return "—"
        return self.workflow_links(obj, [("accept", "验收通过"), ("reject", "退回整改")])

    def _summary(self, notice: RectificationNotice):
        return [
            ("企业", notice.enterprise),
            ("事由", notice.title),
            ("整改要求", notice.requirements),
            ("整改期限", notice.deadline),
            ("整改报告", notice.report or "—"),
            ("整改证明", "已上传" if notice.evidence else "未上传"),
        ]

    def accept_view(self, request, object_id: int):
        notice = self.handled_object(request, object_id)
        form = AcceptForm(request.POST or None)

        def perform(data):
            done = rectification.notice_accept(
                actor=request.user, notice=notice, decision=data["decision"]
            )
            return done, f"已验收通过，并形成信用记录：{done.result_event}。"

        return self.workflow_page(
            request,
            title=f"整改验收：{notice.enterprise}",
            form=form,
            perform=perform,
            obj=notice,
            summary=self._summary(notice),
            intro="验收通过后，整改结果作为一条“抽查合格”信用记录记入企业信用档案。",
            submit_label="验收通过",
        )

    def reject_view(self, request, object_id: int):
        notice = self.handled_object(request, object_id)
        form = RejectForm(request.POST or None)

        def perform(data):
            done = rectification.notice_reject(
                actor=request.user,
                notice=notice,
                reason=data["reason"],
                deadline=data.get("deadline"),
            )
            return done, "已退回企业继续整改。"

        return self.workflow_page(
            request,
            title=f"退回整改：{notice.enterprise}",
            form=form,
            perform=perform,
            obj=notice,
            summary=self._summary(notice),
            submit_label="退回整改",
        )
