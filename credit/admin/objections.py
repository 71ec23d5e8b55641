"""Objections (信用异议) and credit repair (信用修复): read-only change pages; each decision
is a workflow page calling `credit.services`."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError

from core.admin_workflows import WorkflowAdmin

from ..models import (
    NEUTRAL_KINDS,
    POSITIVE_KINDS,
    CreditEvent,
    EventKind,
    Objection,
    Rating,
    RepairRequest,
)
from ..services import objections, repair
from .common import deadline_filter, due_badge

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
        if not objections.objection_can_decide(obj):
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
        if not repair.repair_can_decide(obj):
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
