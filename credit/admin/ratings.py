"""Ratings (信用评价结果): read-only, explained in words; finalised by an action."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from core.admin_history import HistoryAdmin
from core.admin_scale import big_table, year_filter
from registry.models import Employment, Enterprise

from .. import selectors
from ..models import (
    Rating,
    SubjectType,
)
from ..services.publication import rating_finalise
from .common import SubjectColumnsMixin

# --- Ratings ---------------------------------------------------------------------------------


class SubjectTypeFilter(admin.SimpleListFilter):
    title = "对象"
    parameter_name = "subject"

    def lookups(self, request, model_admin):
        return SubjectType.choices

    def queryset(self, request, queryset):
        if self.value() == SubjectType.ENTERPRISE:
            return queryset.filter(enterprise__isnull=False)
        if self.value() == SubjectType.WORKER:
            return queryset.filter(worker__isnull=False)
        return queryset


class EmployerFilter(admin.SimpleListFilter):
    """Workers by their current employer: three workers of the same name are told apart."""

    title = "现工作单位"
    parameter_name = "employer"
    # At province scale the sidebar lists the employers of the workers a search found
    # (or the one chosen), never every enterprise.
    LIMIT = 100

    def lookups(self, request, model_admin):
        current = Employment.objects.current().filter(enterprise=OuterRef("pk"))
        term = request.GET.get("q", "").strip()
        if term:
            found, _ = model_admin.get_search_results(
                request, model_admin.get_queryset(request), term
            )
            current = current.filter(worker__in=found.values("worker_id"))
        elif big_table(Enterprise):
            chosen = self.value() or ""
            current = current.filter(enterprise_id=int(chosen) if chosen.isdecimal() else None)
        employers = Enterprise.objects.filter(Exists(current)).order_by("name")
        return [(str(pk), name) for pk, name in employers.values_list("pk", "name")[: self.LIMIT]]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdecimal():
            return queryset.none()
        current = Employment.objects.current().filter(
            worker=OuterRef("worker_id"), enterprise_id=int(self.value())
        )
        return queryset.filter(Exists(current))


@admin.register(Rating)
class RatingAdmin(SubjectColumnsMixin, HistoryAdmin):
    list_display = [
        "year",
        "subject_type_label",
        "subject_name",
        "id_tail",
        "employers",
        "grade",
        "total",
        "compliance",
        "quality",
        "reputation",
        "commitment",
        "vetoed",
        "status",
    ]
    list_filter = [
        year_filter("year", "评价年度"),
        SubjectTypeFilter,
        EmployerFilter,
        "grade",
        "status",
        "vetoed",
    ]
    list_select_related = ["enterprise", "worker"]
    search_fields = ["enterprise__name", "=enterprise__uscc", "worker__name"]
    show_full_result_count = False
    ordering = ["-year", "-total"]
    # Rendering 15 columns is most of the page's time (its queries take ~30 ms): 50 rows,
    # as the registers.
    list_per_page = 50
    # The explanation is shown in words by the change form, not as stored data.
    readonly_fields = [
        f.name for f in Rating._meta.fields if f.name not in ("explanation", "inputs")
    ]
    exclude = ["explanation", "inputs"]
    change_form_template = "admin/credit/rating_change_form.html"
    actions = ["finalise"]

    @admin.action(
        description="确定所选评价结果（公示期已满且无待处理异议）", permissions=["finalise"]
    )
    def finalise(self, request, queryset):
        done, refused = 0, []
        for rating in queryset.select_related("enterprise", "worker"):
            try:
                rating_finalise(actor=request.user, rating=rating)
            except ValidationError as exc:
                refused.append(f"{rating.subject_name}：{'；'.join(exc.messages)}")
            else:
                done += 1
        if done:
            self.message_user(request, f"已确定{done}条评价结果。", messages.SUCCESS)
        for message in refused[:10]:
            self.message_user(request, message, messages.WARNING)

    def has_finalise_permission(self, request):
        return request.user.has_perm("credit.change_rating")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rating = get_object_or_404(
            Rating.objects.select_related("standard", "enterprise", "worker"), pk=object_id
        )
        explanation = selectors.rating_explanation(rating)
        extra_context = {**(extra_context or {}), "rating": rating, "explanation": explanation}
        return super().change_view(request, object_id, form_url, extra_context)
