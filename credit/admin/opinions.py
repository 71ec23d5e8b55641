"""Opinions from the public (社会监督意见) on ratings under publicity: a read-only list with
due dates, the pages that take one up and decide it (an upheld one may be lodged as an
objection to the rating), and the page where staff enter one received by letter or in
person. Every write calls `credit.services.opinions`."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, ForeignKeyRawIdWidget
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin_workflows import WorkflowAdmin
from core.files import validate_upload

from ..models import PublicityOpinion, Rating
from ..services import opinions
from .common import deadline_filter, due_badge

UPHELD_OBJECTION = "upheld_objection"
UPHELD_RECORD = "upheld"
NOT_UPHELD = "not_upheld"


class OpinionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[
            (UPHELD_OBJECTION, "意见成立，转为信用异议，更正评价结果"),
            (UPHELD_RECORD, "意见成立，涉及信用记录：另行撤销或修复该记录"),
            (NOT_UPHELD, "意见不成立，维持评价结果"),
        ],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label="处理意见",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="核查情况和结论，将告知反映人；转为信用异议时一并记入异议理由。",
    )


class OpinionRegisterForm(forms.Form):
    rating = forms.ModelChoiceField(
        label="评价结果", queryset=Rating.objects.exclude(status=Rating.Status.DRAFT)
    )
    name = forms.CharField(label="反映人姓名", max_length=50)
    mobile = forms.CharField(label="手机号码", max_length=30)
    facts = forms.CharField(label="反映的事实", widget=forms.Textarea(attrs={"rows": 5}))
    evidence = forms.FileField(label="证明材料", required=False, validators=[validate_upload])
    received_on = forms.DateField(
        label="收到日期", widget=AdminDateWidget, help_text="信件或来访收到的日期，须在公示期内。"
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        rel = PublicityOpinion._meta.get_field("rating").remote_field
        self.fields["rating"].widget = ForeignKeyRawIdWidget(rel, admin_site)
        self.initial.setdefault("received_on", timezone.localdate())


@admin.register(PublicityOpinion)
class PublicityOpinionAdmin(WorkflowAdmin):
    list_display = [
        "reference_column",
        "subject",
        "rating_year",
        "name",
        "mobile_masked",
        "submitted_at",
        "due",
        "status",
        "objection_link",
        "handle",
    ]
    list_filter = [
        "status",
        deadline_filter(*PublicityOpinion.OPEN),
        "rating__year",
        ("registered_by", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["rating__enterprise", "rating__worker", "objection"]
    search_fields = ["name", "rating__enterprise__name", "rating__worker__name"]
    protected_search_fields = {"mobile": ("mobile_hash",)}
    search_help_text = "可按反映人姓名、手机号码、企业名称或从业人员姓名查找。"
    fields = [
        "rating",
        "name",
        "mobile_masked",
        "facts",
        "evidence",
        "registered_by",
        "submitted_at",
        "due_on",
        "status",
        "decision",
        "decided_by",
        "decided_at",
        "objection_link",
        "handle",
    ]
    readonly_fields = ["objection_link", "handle"]
    date_hierarchy = "submitted_at"
    workflows = (("review", "review_view"), ("decide", "decide_view"))
    add_fields = ("rating",)  # the add page is OpinionRegisterForm
    add_title = "代为登记社会监督意见"
    add_submit_label = "登记意见"

    @admin.display(description="受理编号", ordering="pk")
    def reference_column(self, obj: PublicityOpinion) -> str:
        return obj.reference

    @admin.display(description="评价对象")
    def subject(self, obj: PublicityOpinion) -> str:
        return obj.rating.subject_name

    @admin.display(description="年度", ordering="rating__year")
    def rating_year(self, obj: PublicityOpinion) -> int:
        return obj.rating.year

    @admin.display(description="办理期限", ordering="due_on")
    def due(self, obj: PublicityOpinion):
        return due_badge(obj.due_on, obj.is_open)

    @admin.display(description="信用异议")
    def objection_link(self, obj: PublicityOpinion):
        if not obj.objection_id:
            return "—"
        url = reverse("admin:credit_objection_change", args=[obj.objection_id])
        return format_html(
            '<a href="{}">{}</a>', url, f"已转为异议（{obj.objection.get_status_display()}）"
        )

    @admin.display(description="办理")
    def handle(self, obj: PublicityOpinion):
        if opinions.opinion_can_review(obj):
            return self.workflow_links(obj, [("review", "受理核查")])
        if opinions.opinion_can_decide(obj):
            return self.workflow_links(obj, [("decide", "处理意见")])
        return "—"

    def add_form_class(self, request):
        admin_site = self.admin_site

        class Form(OpinionRegisterForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, admin_site=admin_site, **kwargs)

        return Form

    def add_perform(self, request, data):
        opinion = opinions.publicity_opinion_register(
            actor=request.user,
            rating=data["rating"],
            name=data["name"],
            mobile=data["mobile"],
            facts=data["facts"],
            evidence=data.get("evidence") or None,
            received_on=data["received_on"],
        )
        return opinion, f"已登记意见{opinion.reference}，请于{opinion.due_on}前处理。"

    def _summary(self, opinion: PublicityOpinion):
        rating = opinion.rating
        return [
            ("受理编号", opinion.reference),
            ("评价对象", f"{rating.subject_name}（{rating.year}年度）"),
            ("当前结果", f"{rating.total}分 {rating.get_grade_display()}"),
            ("公示期", f"{rating.publicity_starts_on} 至 {rating.publicity_ends_on}"),
            ("反映人", f"{opinion.name}（{opinion.mobile_masked}）"),
            ("反映的事实", opinion.facts),
            ("证明材料", opinion.evidence.name if opinion.evidence else "无"),
            ("办理期限", opinion.due_on),
        ]

    def review_view(self, request, object_id: int):
        opinion = self.handled_object(request, object_id)

        def perform(data):
            reviewed = opinions.publicity_opinion_review(actor=request.user, opinion=opinion)
            return reviewed, f"已受理，请于{reviewed.due_on}前核查处理。"

        return self.workflow_page(
            request,
            title=f"受理社会监督意见：{opinion.rating.subject_name}",
            form=forms.Form(request.POST if request.method == "POST" else None),
            perform=perform,
            obj=opinion,
            summary=self._summary(opinion),
            intro="受理后进入核查，核查完毕后在“处理意见”中作出结论。",
            submit_label="受理",
        )

    def decide_view(self, request, object_id: int):
        opinion = self.handled_object(request, object_id)
        form = OpinionDecisionForm(request.POST or None)

        def perform(data):
            outcome = data["outcome"]
            decided = opinions.publicity_opinion_decide(
                actor=request.user,
                opinion=opinion,
                upheld=outcome != NOT_UPHELD,
                decision=data["decision"],
                lodge_objection=outcome == UPHELD_OBJECTION,
            )
            if outcome == UPHELD_OBJECTION:
                return decided, (
                    f"意见成立，已转为信用异议，请于{decided.objection.due_on}前在信用异议中"
                    "作出更正。"
                )
            if outcome == UPHELD_RECORD:
                return decided, "意见成立。请在信用记录中撤销有误的记录，或依申请办理信用修复。"
            return decided, "意见不成立，评价结果维持不变。"

        return self.workflow_page(
            request,
            title=f"处理社会监督意见：{opinion.rating.subject_name}",
            form=form,
            perform=perform,
            obj=opinion,
            summary=self._summary(opinion),
            submit_label="提交处理结果",
        )
