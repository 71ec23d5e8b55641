"""Back-office pages of the credit workflows: objections (信用异议), credit repair (信用修复),
the key-management list (重点管理名单) and supervision tasks (监管任务).

The change pages are read-only. Every change is made on a small form page that calls one
service of `credit.services`, so the rules live there, a refusal is shown on the form, and
each change writes its history (who, when, what). Nothing here is ever deleted.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from core.admin_workflows import WorkflowAdmin

from .models import (
    NEUTRAL_KINDS,
    POSITIVE_KINDS,
    CreditEvent,
    EventKind,
    KeyListEntry,
    Objection,
    Rating,
    RepairRequest,
    Severity,
    SupervisionTask,
)
from .services import management, objections, repair

DUE_SOON_DAYS = 3


def deadline_filter(open_status: str) -> type[admin.SimpleListFilter]:
    class DeadlineFilter(admin.SimpleListFilter):
        title = "办理期限"
        parameter_name = "deadline"

        def lookups(self, request, model_admin):
            return [("overdue", "已超期未办"), ("soon", f"{DUE_SOON_DAYS}日内到期")]

        def queryset(self, request, queryset):
            today = timezone.localdate()
            if self.value() == "overdue":
                return queryset.filter(status=open_status, due_on__lt=today)
            if self.value() == "soon":
                return queryset.filter(
                    status=open_status,
                    due_on__gte=today,
                    due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
                )
            return queryset

    return DeadlineFilter


def due_badge(due_on, is_open: bool):
    if is_open and due_on < timezone.localdate():
        return format_html('<strong style="color:#a61b1b">{}（已超期）</strong>', due_on)
    return due_on


# --- Objections ----------------------------------------------------------------------------


class EventChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CreditEvent) -> str:
        return (
            f"{obj.occurred_on:%Y-%m-%d} {obj.get_kind_display()}"
            f"（{obj.get_severity_display()}）：{obj.title}"
        )


MISSING_KINDS = [("", "—")] + [
    (kind.value, kind.label) for kind in EventKind if kind in POSITIVE_KINDS | NEUTRAL_KINDS
]


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[("upheld", "异议成立，更正评价结果"), ("rejected", "异议不成立，维持评价结果")],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label="处理意见",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="异议成立时，处理意见记为评价结果变更的原因，并告知异议人。",
    )
    revoke = EventChoiceField(
        label="撤销有误的信用记录",
        queryset=CreditEvent.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="仅在异议成立时使用。",
    )
    missing_kind = forms.ChoiceField(
        label="补录遗漏的记录：类型", choices=MISSING_KINDS, required=False
    )
    missing_title = forms.CharField(label="补录：事由", max_length=200, required=False)
    missing_occurred_on = forms.DateField(
        label="补录：发生日期", required=False, widget=AdminDateWidget
    )
    missing_value = forms.DecimalField(
        label="补录：数值",
        required=False,
        max_digits=8,
        decimal_places=2,
        help_text="服务评价填分数（1–5），培训填学时；其他类型留空。",
    )

    def __init__(self, *args, rating: Rating, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["revoke"].queryset = CreditEvent.objects.filter(
            enterprise_id=rating.enterprise_id,
            worker_id=rating.worker_id,
            status=CreditEvent.Status.ACTIVE,
            occurred_on__year=rating.year,
        ).order_by("-occurred_on", "-id")

    def clean(self):
        data = super().clean()
        given = [
            data.get("missing_kind"),
            data.get("missing_title"),
            data.get("missing_occurred_on"),
        ]
        if any(given) and not all(given):
            raise ValidationError("补录记录需同时填写类型、事由和发生日期。")
        return data

    def corrections(self) -> objections.Corrections:
        data = self.cleaned_data
        record = ()
        if data.get("missing_kind"):
            record = (
                objections.MissingEvent(
                    kind=data["missing_kind"],
                    occurred_on=data["missing_occurred_on"],
                    title=data["missing_title"],
                    value=data.get("missing_value"),
                ),
            )
        return objections.Corrections(revoke=tuple(data.get("revoke") or ()), record=record)


@admin.register(Objection)
class ObjectionAdmin(WorkflowAdmin):
    list_display = [
        "subject",
        "rating_year",
        "rating_result",
        "submitted_at",
        "due",
        "status",
        "result_change",
        "handle",
    ]
    list_filter = ["status", deadline_filter(Objection.Status.SUBMITTED), "rating__year"]
    list_select_related = ["rating__enterprise", "rating__worker"]
    search_fields = [
        "rating__enterprise__name",
        "=rating__enterprise__uscc",
        "rating__worker__name",
    ]
    search_help_text = "可按企业名称、统一社会信用代码或从业人员姓名查找。"
    raw_id_fields = ["rating"]
    readonly_fields = ["handle"]
    date_hierarchy = "submitted_at"
    workflows = (("decide", "decide_view"),)
    add_fields = ("rating", "reasons", "evidence")
    add_title = "代为登记信用异议"
    add_submit_label = "登记异议"

    @admin.display(description="主体")
    def subject(self, obj: Objection) -> str:
        return obj.rating.subject_name

    @admin.display(description="年度", ordering="rating__year")
    def rating_year(self, obj: Objection) -> int:
        return obj.rating.year

    @admin.display(description="当前结果")
    def rating_result(self, obj: Objection) -> str:
        return f"{obj.rating.total}分 {obj.rating.grade}（{obj.rating.get_status_display()}）"

    @admin.display(description="办理期限", ordering="due_on")
    def due(self, obj: Objection):
        return due_badge(obj.due_on, obj.status == Objection.Status.SUBMITTED)

    @admin.display(description="更正情况")
    def result_change(self, obj: Objection) -> str:
        if obj.status != Objection.Status.UPHELD:
            return "—"
        return (
            f"{obj.previous_total}分 {obj.previous_grade} → {obj.rating.total}分 {obj.rating.grade}"
        )

    @admin.display(description="办理")
    def handle(self, obj: Objection):
        if obj.status != Objection.Status.SUBMITTED:
            return "—"
        return self.workflow_links(obj, [("decide", "处理异议")])

    def add_perform(self, request, data):
        objection = objections.objection_submit(
            actor=request.user,
            rating=data["rating"],
            reasons=data["reasons"],
            evidence=data.get("evidence") or None,
        )
        return objection, f"已登记异议，请于{objection.due_on}前处理。"

    def decide_view(self, request, object_id: int):
        objection = self.handled_object(request, object_id)
        rating = objection.rating
        form = ObjectionDecisionForm(request.POST or None, rating=rating)

        def perform(data):
            upheld = data["outcome"] == "upheld"
            decided = objections.objection_decide(
                actor=request.user,
                objection=objection,
                upheld=upheld,
                decision=data["decision"],
                corrections=form.corrections(),
            )
            if not upheld:
                return decided, "异议不成立，评价结果维持不变。"
            current = Rating.objects.only("total", "grade", "status", "publicity_ends_on").get(
                pk=rating.pk
            )
            message = (
                f"异议成立，评价结果由{decided.previous_total}分（{decided.previous_grade}）"
                f"更正为{current.total}分（{current.grade}）。"
            )
            if current.grade != decided.previous_grade and current.status == "publicised":
                ends = current.publicity_ends_on
                message += f"等级已变更，重新公示至{ends.year}年{ends.month}月{ends.day}日。"
            return decided, message

        return self.workflow_page(
            request,
            title=f"处理信用异议：{rating.subject_name}",
            form=form,
            perform=perform,
            obj=objection,
            summary=[
                ("主体", rating.subject_name),
                ("评价年度", rating.year),
                ("当前结果", f"{rating.total}分 {rating.get_grade_display()}"),
                ("公示期", f"{rating.publicity_starts_on} 至 {rating.publicity_ends_on}"),
                ("异议理由", objection.reasons),
                ("证明材料", objection.evidence.name if objection.evidence else "无"),
                ("办理期限", objection.due_on),
            ],
            submit_label="提交处理结果",
        )


# --- Credit repair -------------------------------------------------------------------------


class RepairDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="审核结果",
        choices=[("approved", "准予修复"), ("rejected", "不予修复")],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label="审核意见", widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    recompute = forms.BooleanField(
        label="立即重新计算该主体当年尚未确定的评价结果",
        required=False,
        initial=True,
    )


@admin.register(RepairRequest)
class RepairRequestAdmin(WorkflowAdmin):
    list_display = ["subject", "event_display", "submitted_at", "due", "status", "handle"]
    list_filter = ["status", deadline_filter(RepairRequest.Status.SUBMITTED), "event__kind"]
    list_select_related = ["event__enterprise", "event__worker"]
    search_fields = [
        "event__enterprise__name",
        "=event__enterprise__uscc",
        "event__worker__name",
        "event__title",
    ]
    search_help_text = "可按企业名称、统一社会信用代码、从业人员姓名或记录事由查找。"
    raw_id_fields = ["event"]
    readonly_fields = ["handle"]
    date_hierarchy = "submitted_at"
    workflows = (("decide", "decide_view"),)
    add_fields = ("event", "reasons", "evidence")
    add_title = "代为登记信用修复申请"
    add_submit_label = "登记申请"

    @admin.display(description="主体")
    def subject(self, obj: RepairRequest) -> str:
        return obj.event.subject_name

    @admin.display(description="信用记录")
    def event_display(self, obj: RepairRequest) -> str:
        return f"{obj.event.occurred_on} {obj.event}（{obj.event.get_status_display()}）"

    @admin.display(description="办理期限", ordering="due_on")
    def due(self, obj: RepairRequest):
        return due_badge(obj.due_on, obj.status == RepairRequest.Status.SUBMITTED)

    @admin.display(description="办理")
    def handle(self, obj: RepairRequest):
        if obj.status != RepairRequest.Status.SUBMITTED:
            return "—"
        return self.workflow_links(obj, [("decide", "审核")])

    def add_perform(self, request, data):
        request_ = repair.repair_submit(
            actor=request.user,
            event=data["event"],
            reasons=data["reasons"],
            evidence=data.get("evidence") or None,
        )
        return request_, f"已登记修复申请，请于{request_.due_on}前审核。"

    def decide_view(self, request, object_id: int):
        repair_request = self.handled_object(request, object_id)
        event = repair_request.event
        form = RepairDecisionForm(request.POST or None)

        def perform(data):
            approved = data["outcome"] == "approved"
            decided = repair.repair_decide(
                actor=request.user,
                request=repair_request,
                approved=approved,
                decision=data["decision"],
                recompute=data["recompute"],
            )
            if approved:
                return decided, "已准予修复，该记录不再计入信用评价。"
            return decided, "已不予修复。"

        return self.workflow_page(
            request,
            title=f"审核信用修复申请：{event.subject_name}",
            form=form,
            perform=perform,
            obj=repair_request,
            summary=[
                ("主体", event.subject_name),
                ("信用记录", f"{event.occurred_on} {event}（{event.get_severity_display()}）"),
                ("记录状态", event.get_status_display()),
                ("整改情况及理由", repair_request.reasons),
                ("整改证明", repair_request.evidence.name if repair_request.evidence else "无"),
                ("办理期限", repair_request.due_on),
            ],
            submit_label="提交审核结果",
        )


# --- Key-management list -------------------------------------------------------------------


class RemovalForm(forms.Form):
    reason = forms.CharField(label="移出原因", max_length=200)


class SubjectDisplayMixin:
    @admin.display(description="主体")
    def subject(self, obj) -> str:
        return obj.subject_name

    @admin.display(description="类别")
    def subject_kind(self, obj) -> str:
        return "企业" if obj.enterprise_id else "从业人员"


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
        if obj.status != KeyListEntry.Status.ACTIVE:
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
        if obj.status != SupervisionTask.Status.OPEN:
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
