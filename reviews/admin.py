"""Back office of service reviews (服务评价): staff read reviews and hide abusive ones.
Unverified reviews (未核实: no proof of a real service) are listed too, filtered apart by
已核实服务; they never reach the credit file.

Scores and text are never edited. Hiding (with a reason) and restoring go through
`reviews.services`, which also revokes or re-records the reviews' credit records;
each change writes the review's history (who, when, why).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils.text import Truncator

from core.admin_workflows import WorkflowAdmin

from .models import ServiceReview
from .proofs import proof_label
from .services import review_hide, review_restore

PUBLISHED, HIDDEN = ServiceReview.Status.PUBLISHED, ServiceReview.Status.HIDDEN


class HideForm(forms.Form):
    reason = forms.CharField(
        label="屏蔽原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="例如：含辱骂内容；泄露他人隐私；经核实评价不实。屏蔽后该评价不再计入信用评价。",
        error_messages={"required": "请填写屏蔽原因。"},
    )


class RestoreForm(forms.Form):
    confirm = forms.BooleanField(
        label="确认恢复显示",
        help_text="恢复后该评价重新计入被评价企业和从业人员的信用档案。",
        error_messages={"required": "请勾选确认。"},
    )


class AverageFilter(admin.SimpleListFilter):
    title = "平均分"
    parameter_name = "average"
    BANDS = {
        "low": ("2分及以下（差评）", {"total__lte": 6}),
        "middle": ("2分以上、4分以下", {"total__gt": 6, "total__lt": 12}),
        "high": ("4分及以上（好评）", {"total__gte": 12}),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.BANDS.items()]

    def queryset(self, request, queryset):
        band = self.BANDS.get(self.value())
        if band is None:
            return queryset
        return queryset.alias(total=F("quality") + F("punctuality") + F("attitude")).filter(
            **band[1]
        )


class VerifiedFilter(admin.SimpleListFilter):
    title = "已核实服务"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", "已核实服务（计入信用）"), ("no", "未核实（不计入信用）")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(verified=self.value() == "yes")
        return queryset


@admin.register(ServiceReview)
class ServiceReviewAdmin(WorkflowAdmin):
    workflows = (("hide", "hide_view"), ("restore", "restore_view"))
    list_display = [
        "created_at",
        "subject",
        "service_date",
        "quality",
        "punctuality",
        "attitude",
        "average_score",
        "comment_excerpt",
        "reviewer",
        "verified_service",
        "status",
        "moderation",
    ]
    list_filter = [
        VerifiedFilter,
        "status",
        AverageFilter,
        "quality",
        "punctuality",
        "attitude",
        "service_date",
        ("worker", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["enterprise", "worker", "service_category"]
    search_fields = ["enterprise__name", "worker__name", "comment", "reviewer_name"]
    protected_search_fields = {"mobile": ("phone_hash",)}
    search_help_text = "按企业名称、从业人员姓名、评价内容、评价人称呼或完整手机号查找。"
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["hide_selected", "restore_selected"]
    fields = [
        "status",
        "hidden_reason",
        "verified",
        "proof",
        "enterprise",
        "worker",
        "service_date",
        "service_category",
        "quality",
        "punctuality",
        "attitude",
        "average_score",
        "comment",
        "reviewer_name",
        "phone_masked",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # residents write reviews on the public form

    def has_moderate_permission(self, request) -> bool:
        return self.has_handle_permission(request)

    @admin.display(description="被评价对象")
    def subject(self, obj: ServiceReview) -> str:
        names = []
        if obj.worker_id:
            names.append(obj.worker.name)
        if obj.enterprise_id:
            names.append(obj.enterprise.name)
        return " / ".join(names)

    @admin.display(description="已核实服务", boolean=True, ordering="verified")
    def verified_service(self, obj: ServiceReview) -> bool:
        return obj.verified

    @admin.display(description="核实依据")
    def proof(self, obj: ServiceReview) -> str:
        if not obj.verified:
            return "未核实：不计入信用评价"
        label = proof_label(obj.proof_kind)
        return f"{label}（{obj.proof_ref}）" if obj.proof_ref else label

    @admin.display(description="平均分")
    def average_score(self, obj: ServiceReview):
        return obj.average

    @admin.display(description="评价内容")
    def comment_excerpt(self, obj: ServiceReview) -> str:
        return Truncator(obj.comment).chars(40) or "—"

    @admin.display(description="评价人")
    def reviewer(self, obj: ServiceReview) -> str:
        return f"{obj.reviewer_name or '—'}（{obj.phone_masked}）"

    @admin.display(description="操作")
    def moderation(self, obj: ServiceReview):
        if obj.status == PUBLISHED:
            return self.workflow_links(obj, [("hide", "屏蔽")])
        return self.workflow_links(obj, [("restore", "恢复显示")])

    # --- One review ------------------------------------------------------------------------

    def _summary(self, review: ServiceReview):
        return [
            ("被评价对象", self.subject(review)),
            ("服务日期", f"{review.service_date:%Y-%m-%d}"),
            (
                "评分",
                f"服务质量{review.quality}分，准时守约{review.punctuality}分，"
                f"服务态度{review.attitude}分（平均{review.average}分）",
            ),
            ("评价内容", review.comment or "—"),
            ("核实依据", self.proof(review)),
            ("状态", review.get_status_display()),
        ]

    def hide_view(self, request, object_id: int):
        review = self.handled_object(request, object_id)

        def perform(data):
            return review_hide(actor=request.user, review=review, reason=data["reason"]), (
                "评价已屏蔽，相应的信用记录已撤销。"
            )

        return self.workflow_page(
            request,
            title=f"屏蔽评价：{review}",
            form=HideForm(request.POST or None),
            perform=perform,
            obj=review,
            summary=self._summary(review),
            submit_label="屏蔽",
        )

    def restore_view(self, request, object_id: int):
        review = self.handled_object(request, object_id)

        def perform(data):
            return review_restore(actor=request.user, review=review), (
                "评价已恢复显示，并重新计入信用档案。"
            )

        return self.workflow_page(
            request,
            title=f"恢复评价：{review}",
            form=RestoreForm(request.POST or None),
            perform=perform,
            obj=review,
            summary=self._summary(review),
            submit_label="恢复显示",
        )

    # --- Several reviews -------------------------------------------------------------------

    def _report(self, request, done: int, verb: str, refused: list[str]) -> None:
        if done:
            self.message_user(request, f"已{verb}{done}条评价。", messages.SUCCESS)
        for message in refused[:10]:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="屏蔽所选评价（需填写原因）", permissions=["moderate"])
    def hide_selected(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            for review in queryset.filter(status=PUBLISHED).select_related("enterprise", "worker"):
                try:
                    review_hide(
                        actor=request.user, review=review, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    refused.append(f"{review}：{'；'.join(exc.messages)}")
                else:
                    done += 1
            self._report(request, done, "屏蔽", refused)
            return None
        return self.page(
            request,
            "reviews/admin_hide.html",
            title="屏蔽所选评价",
            form=form,
            reviews=queryset.select_related("enterprise", "worker"),
            action="hide_selected",
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        )

    @admin.action(description="恢复显示所选评价", permissions=["moderate"])
    def restore_selected(self, request, queryset):
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        done, refused = 0, []
        for review in queryset.filter(status=HIDDEN):
            try:
                review_restore(actor=request.user, review=review)
            except ValidationError as exc:
                refused.append(f"{review}：{'；'.join(exc.messages)}")
            else:
                done += 1
        self._report(request, done, "恢复显示", refused)
