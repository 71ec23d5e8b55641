"""Self-inspections (工作自查) in the back office: created from a phase's checklist, filled
by their owner item by item, submitted, and reviewed or returned by a second person; the
findings list follows each rectification. Every write goes through `programme.services`."""

from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin, reason_action_page

from . import services
from .models import InspectionItem, PlanPhase, SelfInspection

ITEM_FIELDS = ["text", "result", "finding", "evidence", "rectification",
               "rectification_due_on", "rectification_status"]  # fmt: skip


class InspectionItemForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ITEM_FIELDS

    def clean(self):
        cleaned = super().clean()
        values = {name: getattr(self.instance, name) for name in ITEM_FIELDS}
        filled = SimpleNamespace(**{**values, **cleaned})
        for name, message in services.item_problems(filled).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class InspectionItemInline(admin.StackedInline):
    model = InspectionItem
    form = InspectionItemForm
    fields = ITEM_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # Filled by the owner while the inspection is being filled in.
        if obj is None or not _may_fill(request, obj):
            return ITEM_FIELDS
        return ["text"]


def _may_fill(request, inspection: SelfInspection) -> bool:
    return (
        services.inspection_edit_problem(inspection) is None
        and inspection.owner_id == request.user.pk
    )


class SelfInspectionForm(forms.ModelForm):
    class Meta:
        model = SelfInspection
        fields = ["phase", "owner", "inspected_on"]

    def clean(self):
        cleaned = super().clean()
        if problem := services.inspection_edit_problem(self.instance):
            raise ValidationError(problem)
        return cleaned


@admin.register(SelfInspection)
class SelfInspectionAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    form = SelfInspectionForm
    list_display = ["phase", "inspected_on", "owner", "status", "problems", "reviewer",
                    "reviewed_at"]  # fmt: skip
    list_filter = ["status", "phase__plan__year", "phase__name"]
    list_select_related = ["phase__plan", "owner", "reviewer"]
    fields = ["phase", "owner", "inspected_on", "status", "reviewer", "reviewed_at",
              "review_note"]  # fmt: skip
    readonly_fields = ["status", "reviewer", "reviewed_at", "review_note"]
    inlines = [InspectionItemInline]
    actions = ["submit", "approve", "send_back"]

    def get_queryset(self, request):
        problem = Q(items__result=InspectionItem.Result.PROBLEM)
        return super().get_queryset(request).annotate(problems_total=Count("items", problem))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "phase":  # a phase's label shows its plan's year
            kwargs["queryset"] = PlanPhase.objects.select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="发现问题", ordering="problems_total")
    def problems(self, obj) -> int:
        return obj.problems_total

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and services.inspection_edit_problem(obj):
            return [*self.fields]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        # A new inspection takes its phase's checklist once saved.
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        services.inspection_save(actor=request.user, inspection=obj)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            services.inspection_item_save(actor=request.user, item=item)

    def _each(self, request, queryset, apply, done: str) -> None:
        count = 0
        for inspection in queryset:
            try:
                apply(inspection)
            except ValidationError as exc:
                self.message_user(
                    request, f"{inspection}：{'；'.join(exc.messages)}", messages.WARNING
                )
            else:
                count += 1
        if count:
            self.message_user(request, f"已{done}{count}份自查。", messages.SUCCESS)

    @admin.action(description="提交复核（自查负责人）", permissions=["change"])
    def submit(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda i: services.inspection_submit(actor=request.user, inspection=i),
            "提交复核",
        )

    @admin.action(description="复核通过（须由负责人以外的工作人员）", permissions=["change"])
    def approve(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda i: services.inspection_review(actor=request.user, inspection=i, approve=True),
            "复核通过",
        )

    @admin.action(description="退回修改（填写原因）", permissions=["change"])
    def send_back(self, request, queryset):
        return reason_action_page(
            self,
            request,
            queryset,
            title="退回修改",
            action="send_back",
            apply=lambda inspection, reason: services.inspection_review(
                actor=request.user, inspection=inspection, approve=False, note=reason
            ),
        )


@admin.register(InspectionItem)
class InspectionItemAdmin(HistoryAdmin):
    """The findings (发现的问题) of every self-inspection and their rectification."""

    list_display = ["text", "inspection", "result", "rectification_status",
                    "rectification_due_on"]  # fmt: skip
    list_filter = ["result", "rectification_status", "inspection__phase__plan__year"]
    list_select_related = ["inspection__phase__plan"]
    search_fields = ["text", "finding"]
    fields = ["inspection", *ITEM_FIELDS]
    readonly_fields = ["inspection", *ITEM_FIELDS]
    actions = ["rectified"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        services.inspection_item_save(actor=request.user, item=obj)

    @admin.action(description="整改完成", permissions=["change"])
    def rectified(self, request, queryset):
        count = 0
        for item in queryset:
            try:
                services.inspection_rectified(actor=request.user, item=item)
            except ValidationError as exc:
                self.message_user(request, f"{item}：{'；'.join(exc.messages)}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, f"已将{count}项问题标记为已整改。", messages.SUCCESS)
