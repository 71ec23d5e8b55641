"""The back office of the random inspections: drawing a round (the add page) and recording
each inspection's result (a workflow page); every write goes through
`inspections.services`."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import timezone

from core.admin_workflows import WorkflowAdmin
from core.files import validate_upload
from credit.models import Severity

from . import selectors, services
from .models import DEFAULT_RATES, RATE_FIELDS, Inspection, InspectionRound


class InspectionInline(admin.TabularInline):
    model = Inspection
    fields = ["enterprise", "stratum", "scheduled_on", "inspector_names", "result", "done_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="检查人员")
    def inspector_names(self, obj: Inspection) -> str:
        return "、".join(u.get_full_name() or u.username for u in obj.inspectors.all())


class DrawForm(forms.Form):
    title = forms.CharField(label="抽查名称", max_length=100)
    starts_on = forms.DateField(label="检查开始日期", widget=AdminDateWidget)
    ends_on = forms.DateField(label="检查截止日期", widget=AdminDateWidget)
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="留空则随机生成；填入以往的种子可复核当时的抽取。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {f.name: f.verbose_name for f in InspectionRound._meta.fields}
        for stratum, field in RATE_FIELDS.items():
            self.fields[field] = forms.IntegerField(
                label=labels[field], min_value=0, max_value=100, initial=DEFAULT_RATES[stratum]
            )


class ResultForm(forms.Form):
    result = forms.ChoiceField(
        label="检查结果", choices=Inspection.Result.choices, widget=forms.RadioSelect
    )
    done_on = forms.DateField(label="检查日期", widget=AdminDateWidget, initial=timezone.localdate)
    findings = forms.CharField(
        label="检查情况", widget=forms.Textarea(attrs={"rows": 4, "cols": 60})
    )
    evidence = forms.FileField(label="检查记录", required=False, validators=[validate_upload])
    severity = forms.ChoiceField(
        label="不合格的严重程度",
        choices=Severity.choices,
        initial=Severity.GENERAL,
        required=False,
        help_text="仅在检查不合格时使用：决定扣分和公示期限。",
    )
    requirements = forms.CharField(
        label="整改要求",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="不合格或责令整改时发给企业；留空则使用检查情况。",
    )
    deadline = forms.DateField(
        label="整改期限", required=False, widget=AdminDateWidget, help_text="留空为按规定天数。"
    )


@admin.register(InspectionRound)
class InspectionRoundAdmin(WorkflowAdmin):
    list_display = ["title", "starts_on", "ends_on", "status", "seed", "drawn_by", "drawn_at"]
    list_filter = ["status"]
    readonly_fields = ["replay"]
    inlines = [InspectionInline]
    add_fields = ("title",)  # the add page is the draw form below
    add_title = "双随机抽取"
    add_submit_label = "抽取"

    @admin.display(description="复核")
    def replay(self, obj: InspectionRound) -> str:
        if selectors.round_matches_seed(obj):
            return "按记录的种子和抽取依据重新抽取，结果与记录一致。"
        return "按记录的种子重新抽取，结果与记录不一致，请核查。"

    def add_form_class(self, request):
        return DrawForm

    def add_perform(self, request, data):
        inspection_round = services.round_draw(
            actor=request.user,
            title=data["title"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            rates={field: data[field] for field in RATE_FIELDS.values()},
            seed=data.get("seed"),
        )
        count = inspection_round.inspections.count()
        return inspection_round, f"已抽取{count}家企业（随机种子{inspection_round.seed}）。"


@admin.register(Inspection)
class InspectionAdmin(WorkflowAdmin):
    list_display = ["enterprise", "round", "stratum", "scheduled_on", "names", "result", "handle"]
    list_filter = ["round", "stratum", "result"]
    list_select_related = ["enterprise", "round"]
    search_fields = ["enterprise__name", "=enterprise__uscc"]
    search_help_text = "可按企业名称或统一社会信用代码查找。"
    readonly_fields = ["handle", "names"]
    raw_id_fields = ["result_event", "notice"]
    workflows = (("record", "record_view"),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("inspectors")

    @admin.display(description="检查人员")
    def names(self, obj: Inspection) -> str:
        return "、".join(u.get_full_name() or u.username for u in obj.inspectors.all())

    @admin.display(description="办理")
    def handle(self, obj: Inspection):
        if not services.inspection_can_record(obj):
            return "—"
        return self.workflow_links(obj, [("record", "登记检查结果")])

    def record_view(self, request, object_id: int):
        inspection = self.handled_object(request, object_id)
        form = ResultForm(request.POST or None, request.FILES or None)

        def perform(data):
            done = services.inspection_record(
                actor=request.user,
                inspection=inspection,
                result=data["result"],
                findings=data["findings"],
                done_on=data["done_on"],
                evidence=data.get("evidence"),
                severity=data["severity"] or Severity.GENERAL,
                requirements=data["requirements"],
                deadline=data.get("deadline"),
            )
            notice = "，并已向企业下达整改通知" if done.notice_id else ""
            return done, f"已登记检查结果，形成信用记录：{done.result_event}{notice}。"

        return self.workflow_page(
            request,
            title=f"登记检查结果：{inspection.enterprise}",
            form=form,
            perform=perform,
            obj=inspection,
            summary=[
                ("企业", inspection.enterprise),
                ("抽查", inspection.round),
                ("计划检查日期", inspection.scheduled_on),
                ("检查人员", self.names(inspection)),
            ],
            intro="检查结果作为一条信用记录记入企业信用档案；不合格或责令整改的，同时向企业下达整改通知。",
            submit_label="提交检查结果",
        )
