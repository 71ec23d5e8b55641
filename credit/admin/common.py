"""Columns and filters the credit back-office pages share."""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html

from registry.models import Employment

from ..models import SubjectType

DUE_SOON_DAYS = 3


def deadline_filter(*open_statuses: str) -> type[admin.SimpleListFilter]:
    class DeadlineFilter(admin.SimpleListFilter):
        title = "办理期限"
        parameter_name = "deadline"

        def lookups(self, request, model_admin):
            return [("overdue", "已超期未办"), ("soon", f"{DUE_SOON_DAYS}日内到期")]

        def queryset(self, request, queryset):
            today = timezone.localdate()
            if self.value() == "overdue":
                return queryset.filter(status__in=open_statuses, due_on__lt=today)
            if self.value() == "soon":
                return queryset.filter(
                    status__in=open_statuses,
                    due_on__gte=today,
                    due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
                )
            return queryset

    return DeadlineFilter


def due_badge(due_on, is_open: bool):
    if is_open and due_on < timezone.localdate():
        return format_html('<strong style="color:#a61b1b">{}（已超期）</strong>', due_on)
    return due_on


class SubjectDisplayMixin:
    @admin.display(description="主体")
    def subject(self, obj) -> str:
        return obj.subject_name

    @admin.display(description="类别")
    def subject_kind(self, obj) -> str:
        return "企业" if obj.enterprise_id else "从业人员"


class SubjectColumnsMixin:
    """The subject columns of credit events and ratings: who, and for a worker enough to
    tell namesakes apart (ID tail, current employers, prefetched once)."""

    def get_queryset(self, request):
        current = Employment.objects.current().select_related("enterprise").order_by("started_on")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("worker__employments", queryset=current, to_attr="current_employments")
            )
        )

    @admin.display(description="对象类型")
    def subject_type_label(self, obj):
        return SubjectType(obj.subject_type).label

    @admin.display(description="信用主体")
    def subject_name(self, obj):
        return obj.subject_name

    @admin.display(description="身份证号")
    def id_tail(self, obj):
        """Enough of the ID number to tell namesakes apart, never the whole number."""
        return f"****{obj.worker.id_last4}" if obj.worker_id else "—"

    @admin.display(description="现工作单位")
    def employers(self, obj):
        if not obj.worker_id:
            return "—"
        names = [e.enterprise.name for e in getattr(obj.worker, "current_employments", [])]
        return "、".join(names) or "无在职单位"
