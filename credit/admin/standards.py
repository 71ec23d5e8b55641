"""Evaluation standards (评价标准): a used standard is locked and shown, never edited;
changes go into a new version."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html

from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin

from ..models import (
    EvaluationStandard,
    Indicator,
    VetoRule,
)
from ..services.standards import (
    standard_activate,
    standard_can_change,
    standard_delete,
    standard_new_version,
    standard_part_delete,
    standard_part_save,
    standard_save,
)

# --- Standards -------------------------------------------------------------------------------


class LockedInlineMixin:
    """Indicators and vetoes of a locked standard are shown, never edited."""

    def _locked(self, obj) -> bool:
        return not standard_can_change(obj)

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


class IndicatorInline(LockedInlineMixin, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["sort_order", "dimension", "code", "name", "weight", "rule", "params", "description"]


class VetoInline(LockedInlineMixin, admin.TabularInline):
    model = VetoRule
    extra = 0
    fields = ["kind", "params", "description"]


@admin.register(EvaluationStandard)
class EvaluationStandardAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(standard_delete)
    list_display = [
        "__str__",
        "year",
        "subject_type",
        "version",
        "status",
        "weight_total",
        "locked_at",
    ]
    list_filter = ["year", "subject_type", "status"]
    search_fields = ["title"]
    inlines = [IndicatorInline, VetoInline]
    actions = ["new_version", "activate"]
    readonly_fields = ["locked_at", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("indicators")

    @admin.display(description="分值合计")
    def weight_total(self, obj):
        total = sum(i.weight for i in obj.indicators.all())
        if total != 100:
            return format_html('<strong style="color:#a61b1b">{}</strong>', total)
        return total

    def get_readonly_fields(self, request, obj=None):
        if not standard_can_change(obj):
            return [f.name for f in self.model._meta.fields if f.name != "change_note"]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        standard_save(actor=request.user, standard=obj)

    def save_formset(self, request, form, formset, change):
        if not standard_can_change(form.instance):
            raise PermissionDenied("该标准已被评价使用，不能修改。")
        instances = formset.save(commit=False)
        for part in formset.deleted_objects:
            standard_part_delete(actor=request.user, part=part)
        for part in instances:
            standard_part_save(actor=request.user, part=part)
        formset.save_m2m()

    @admin.action(description="以所选标准为底稿，新建下一版本（草稿）", permissions=["add"])
    def new_version(self, request, queryset):
        for standard in queryset:
            copy = standard_new_version(actor=request.user, standard=standard)
            self.message_user(request, f"已新建：{copy}", messages.SUCCESS)

    @admin.action(
        description="启用所选标准（同年度同对象的现行标准将废止）", permissions=["change"]
    )
    def activate(self, request, queryset):
        for standard in queryset:
            try:
                standard_activate(actor=request.user, standard=standard)
            except ValidationError as exc:
                self.message_user(request, f"{standard}：{'；'.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"已启用：{standard}", messages.SUCCESS)
