"""The key-management list (重点管理名单) and supervision tasks (监管任务): read-only change
pages; each change is a workflow page calling `credit.services.management`."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.admin_workflows import WorkflowAdmin

from ..models import (
    KeyListEntry,
    Severity,
    SupervisionTask,
)
from ..services import management
from .common import SubjectDisplayMixin, deadline_filter, due_badge

# --- Key-management list -------------------------------------------------------------------


class RemovalForm(forms.Form):
    reason = forms.CharField(label="移出原因", max_length=200)


@admin.register(KeyListEntry)
class KeyListEntryAdmin(SubjectDisplayMixin, WorkflowAdmin):
    list_display = [
        "subject",
        "subject_kind",
        "reason",
        "starts_on",
        "ends_on",
        "status",
        "created_by",
        "handle",
    ]
    list_filter = ["status", "starts_on"]
    list_select_related = ["enterprise", "worker", "created_by"]
    search_fields = ["enterprise__name", "=enterprise__uscc", "worker__name", "reason"]
    search_help_text = "可按企业名称、统一社会信用代码、从业人员姓名或列入事由查找。"
    autocomplete_fields = ["enterprise", "worker"]
    raw_id_fields = ["event"]
    readonly_fields = ["handle"]
    workflows = (("remove", "remove_view"),)
    add_fields = ("enterprise", "worker", "reason", "basis", "event", "starts_on", "ends_on")
    add_title = "列入重点管理名单"
    add_submit_label = "列入名单"

    @admin.display(description="办理")
    def handle(self, obj: KeyListEntry):
        if not management.key_list_can_remove(obj):
            return "—"
        return self.workflow_links(obj, [("remove", "移出名单")])

    def add_form_class(self, request):
        form_class = super().add_form_class(request)
        form_class.base_fields["ends_on"].required = False
        years = management.KEY_LIST_MAX_YEARS
        form_class.base_fields["ends_on"].help_text = f"留空为列入之日起{years}年，最长{years}年。"
        return form_class

    def add_perform(self, request, data):
        entry = management.key_list_add(
            actor=request.user,
            enterprise=data.get("enterprise"),
            worker=data.get("worker"),
            reason=data["reason"],
            basis=data["basis"],
            event=data.get("event"),
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
        )
        return entry, f"已列入重点管理名单（{entry.starts_on}至{entry.ends_on}）。"

    def remove_view(self, request, object_id: int):
        entry = self.handled_object(request, object_id)
        form = RemovalForm(request.POST or None)

        def perform(data):
            removed = management.key_list_remove(
                actor=request.user, entry=entry, reason=data["reason"]
            )
            return removed, "已移出重点管理名单。"

        return self.workflow_page(
            request,
            title=f"移出重点管理名单：{entry.subject_name}",
            form=form,
            perform=perform,
            obj=entry,
            summary=[
                ("主体", entry.subject_name),
                ("列入事由", entry.reason),
                ("认定依据", entry.basis),
                ("管理期限", f"{entry.starts_on} 至 {entry.ends_on}"),
            ],
            submit_label="移出名单",
        )


# --- Supervision tasks ---------------------------------------------------------------------


class SupervisionResultForm(forms.Form):
    result = forms.ChoiceField(
        label="检查结果", choices=SupervisionTask.Result.choices, widget=forms.RadioSelect
    )
    checked_on = forms.DateField(
        label="检查日期", widget=AdminDateWidget, initial=timezone.localdate
    )
    findings = forms.CharField(
        label="检查情况", widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    severity = forms.ChoiceField(
        label="不合格的严重程度",
        choices=Severity.choices,
        initial=Severity.GENERAL,
        required=False,
        help_text="仅在检查不合格时使用：决定扣分和公示期限。",
    )


def active_staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")


class AssignForm(forms.Form):
    # A plain list of the bureau's staff: few people, and credit officers may not search
    # the user accounts.
    assigned_to = forms.ModelChoiceField(label="负责人", queryset=active_staff())


@admin.register(SupervisionTask)
class SupervisionTaskAdmin(SubjectDisplayMixin, WorkflowAdmin):
    list_display = [
        "subject",
        "subject_kind",
        "reason",
        "due",
        "assigned_to",
        "status",
        "result",
        "handle",
    ]
    list_filter = [
        "status",
        deadline_filter(SupervisionTask.Status.OPEN),
        "result",
        "rating__year",
    ]
    list_select_related = ["enterprise", "worker", "assigned_to"]
    search_fields = ["enterprise__name", "=enterprise__uscc", "worker__name", "reason"]
    search_help_text = "可按企业名称、统一社会信用代码、从业人员姓名或监管原因查找。"
    autocomplete_fields = ["enterprise", "worker"]
    raw_id_fields = ["rating", "result_event"]
    readonly_fields = ["handle"]
    workflows = (("complete", "complete_view"), ("assign", "assign_view"))
    actions = ["assign_to_me"]
    add_fields = ("enterprise", "worker", "reason", "due_on", "assigned_to")
    add_title = "下达监管任务"
    add_submit_label = "下达任务"

    @admin.display(description="检查期限", ordering="due_on")
    def due(self, obj: SupervisionTask):
        return due_badge(obj.due_on, obj.status == SupervisionTask.Status.OPEN)

    @admin.display(description="办理")
    def handle(self, obj: SupervisionTask):
        if not management.supervision_can_handle(obj):
            return "—"
        return self.workflow_links(obj, [("complete", "登记检查结果"), ("assign", "指定负责人")])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = active_staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def add_form_class(self, request):
        form_class = super().add_form_class(request)
        form_class.base_fields["due_on"].required = False
        form_class.base_fields["due_on"].help_text = "留空为今天起按规定天数计算。"
        return form_class

    def add_perform(self, request, data):
        task = management.supervision_task_create(
            actor=request.user,
            enterprise=data.get("enterprise"),
            worker=data.get("worker"),
            reason=data["reason"],
            due_on=data.get("due_on"),
            assigned_to=data.get("assigned_to"),
        )
        return task, f"已下达监管任务，检查期限{task.due_on}。"

    def complete_view(self, request, object_id: int):
        task = self.handled_object(request, object_id)
        form = SupervisionResultForm(request.POST or None)

        def perform(data):
            done = management.supervision_complete(
                actor=request.user,
                task=task,
                result=data["result"],
                findings=data["findings"],
                checked_on=data["checked_on"],
                severity=data["severity"] or Severity.GENERAL,
            )
            return done, f"已登记检查结果，并形成信用记录：{done.result_event}。"

        return self.workflow_page(
            request,
            title=f"登记检查结果：{task.subject_name}",
            form=form,
            perform=perform,
            obj=task,
            summary=[
                ("主体", task.subject_name),
                ("监管原因", task.reason),
                ("检查期限", task.due_on),
                ("负责人", task.assigned_to or "未指定"),
            ],
            intro="检查结果将作为一条信用记录（抽查合格或抽查不合格）记入该主体的信用档案。",
            submit_label="提交检查结果",
        )

    def assign_view(self, request, object_id: int):
        task = self.handled_object(request, object_id)
        form = AssignForm(request.POST or None)

        def perform(data):
            assigned = management.supervision_assign(
                actor=request.user, task=task, assigned_to=data["assigned_to"]
            )
            return assigned, f"已指定负责人：{assigned.assigned_to}。"

        return self.workflow_page(
            request,
            title=f"指定负责人：{task.subject_name}",
            form=form,
            perform=perform,
            obj=task,
            summary=[("主体", task.subject_name), ("检查期限", task.due_on)],
            submit_label="保存",
        )

    @admin.action(description="将选中的待检查任务分配给我", permissions=["handle"])
    def assign_to_me(self, request, queryset):
        assigned, refused = 0, []
        for task in queryset.filter(status=SupervisionTask.Status.OPEN):
            try:
                management.supervision_assign(
                    actor=request.user, task=task, assigned_to=request.user
                )
            except ValidationError as exc:
                refused.append(f"{task.subject_name}：{'；'.join(exc.messages)}")
            else:
                assigned += 1
        if assigned:
            self.message_user(request, f"已将{assigned}个任务分配给您。", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)
