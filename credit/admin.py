"""The credit back office: standards, the credit file, rating runs and ratings.

Admin classes arrange the interface; every write goes through `credit.services`."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin_history import HistoryAdmin
from registry.models import Employment, Enterprise

from . import selectors, services
from .admin_imports import import_urls
from .models import (
    GRADES,
    CreditEvent,
    EvaluationStandard,
    Grade,
    Indicator,
    Rating,
    RatingRun,
    SubjectType,
    VetoRule,
)
from .services.publication import rating_finalise, ratings_publish
from .services.standards import (
    standard_activate,
    standard_can_change,
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
class EvaluationStandardAdmin(HistoryAdmin):
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


# --- Credit events ---------------------------------------------------------------------------


class CreditEventForm(forms.ModelForm):
    disclosure_days = forms.IntegerField(
        label="公示期（天）",
        required=False,
        min_value=0,
        help_text="留空按最长期限：轻微90天、一般365天、严重1095天。",
    )

    class Meta:
        model = CreditEvent
        fields = [
            "enterprise",
            "worker",
            "kind",
            "severity",
            "occurred_on",
            "title",
            "description",
            "tag",
            "value",
            "evidence",
        ]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("enterprise")) == bool(cleaned.get("worker")):
            raise ValidationError("请选择企业或从业人员中的一个。")
        if cleaned.get("severity") and cleaned.get("occurred_on"):
            try:
                services.disclosure_until(
                    cleaned["severity"], cleaned["occurred_on"], cleaned.get("disclosure_days")
                )
            except ValidationError as exc:
                self.add_error("disclosure_days", exc.messages[0])
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


@admin.register(CreditEvent)
class CreditEventAdmin(HistoryAdmin):
    form = CreditEventForm
    list_display = [
        "occurred_on",
        "subject_name",
        "kind",
        "severity",
        "title",
        "status",
        "disclosure_until",
        "source",
    ]
    list_filter = [
        "kind",
        "severity",
        "status",
        "source",
        ("enterprise", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["enterprise", "worker"]
    search_fields = ["title", "enterprise__name", "=enterprise__uscc", "worker__name", "tag"]
    autocomplete_fields = ["enterprise", "worker"]
    date_hierarchy = "occurred_on"
    show_full_result_count = False
    readonly_fields = [
        "status",
        "status_reason",
        "source",
        "source_ref",
        "disclosure_until",
        "recorded_by",
        "created_at",
    ]

    def get_queryset(self, request):
        current = (
            Employment.objects.filter(ended_on__isnull=True)
            .select_related("enterprise")
            .order_by("started_on")
        )
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

    def has_change_permission(self, request, obj=None):
        # A recorded fact is corrected by revoking it and recording the right one.
        return False if obj else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # The import pages come first: the admin's "<path:object_id>/" would catch "import/".
        return [
            *import_urls(self),
            path(
                "<int:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="credit_creditevent_revoke",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        event = services.credit_event_record(
            actor=request.user,
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            title=data["title"],
            enterprise=data.get("enterprise"),
            worker=data.get("worker"),
            severity=data["severity"],
            description=data.get("description", ""),
            tag=data.get("tag", ""),
            value=data.get("value"),
            evidence=data.get("evidence") or None,
            disclosure_days=data.get("disclosure_days"),
        )
        obj.pk = event.pk

    def revoke_view(self, request, object_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        event = get_object_or_404(CreditEvent, pk=object_id)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.credit_event_revoke(
                actor=request.user, event=event, reason=form.cleaned_data["reason"]
            )
            self.message_user(request, "信用记录已撤销。", messages.SUCCESS)
            return redirect(reverse("admin:credit_creditevent_change", args=[event.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"撤销信用记录：{event}",
            "opts": self.model._meta,
            "form": form,
            "event": event,
        }
        return TemplateResponse(request, "admin/credit/revoke_event.html", context)


# --- Rating runs -----------------------------------------------------------------------------


# The run page lists at most this many missing chunks (a stuck run misses a few).
MISSING_CHUNKS_SHOWN = 50


class StartRunForm(forms.Form):
    year = forms.IntegerField(label="评价年度", min_value=2000)


@admin.register(RatingRun)
class RatingRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "year",
        "status",
        "progress",
        "subjects_done",
        "origin",
        "triggered_by",
        "finished_at",
    ]
    list_filter = ["year", "status"]
    list_select_related = ["triggered_by"]
    readonly_fields = [f.name for f in RatingRun._meta.fields]
    actions = ["cancel_runs"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="进度")
    def progress(self, obj):
        return format_html(
            '<progress max="100" value="{}">{}%</progress> {}%',
            obj.progress_percent,
            obj.progress_percent,
            obj.progress_percent,
        )

    def get_urls(self):
        return [
            path(
                "start/", self.admin_site.admin_view(self.start_view), name="credit_ratingrun_start"
            ),
            path(
                "<int:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="credit_ratingrun_progress",
            ),
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="credit_ratingrun_publish",
            ),
            path(
                "<int:object_id>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="credit_ratingrun_cancel",
            ),
            *super().get_urls(),
        ]

    def _can_run(self, request) -> bool:
        return request.user.has_perm("credit.add_rating")

    def has_cancel_permission(self, request) -> bool:
        # Whoever may start a run may stop a stuck one before starting the year again.
        return self._can_run(request)

    @admin.action(permissions=["cancel"], description="取消所选的未完成评价批次")
    def cancel_runs(self, request, queryset):
        cancelled = 0
        for run in queryset.order_by("pk"):
            try:
                services.rating_run_cancel(actor=request.user, run=run)
            except ValidationError as exc:
                self.message_user(request, f"{run}：" + "".join(exc.messages), messages.WARNING)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                f"已取消{cancelled}个评价批次；其未完成的部分不再计算，可以重新发起该年度评价。",
                messages.SUCCESS,
            )

    def cancel_view(self, request, object_id: int):
        """Cancel one run from its page (POST only)."""
        if request.method != "POST" or not self.has_cancel_permission(request):
            raise PermissionDenied
        run = get_object_or_404(RatingRun, pk=object_id)
        try:
            services.rating_run_cancel(actor=request.user, run=run)
        except ValidationError as exc:
            self.message_user(request, "".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                "已取消本评价批次；其未完成的部分不再计算，可以重新发起该年度评价。",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:credit_ratingrun_progress", args=[run.pk]))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_start_run": self._can_run(request)}
        return super().changelist_view(request, extra_context)

    def start_view(self, request):
        if not self._can_run(request):
            raise PermissionDenied
        this_year = timezone.localdate().year
        form = StartRunForm(request.POST or None, initial={"year": this_year})
        if request.method == "POST" and form.is_valid():
            try:
                run = services.rating_run_year(actor=request.user, year=form.cleaned_data["year"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(reverse("admin:credit_ratingrun_progress", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "发起年度信用评价",
            "opts": self.model._meta,
            "form": form,
            # Said before anyone presses the button: why this year's run would not start.
            "this_year": this_year,
            "this_year_problems": []
            if request.method == "POST"
            else services.rating_run_problems(this_year),
            "unfinished_runs": RatingRun.objects.filter(status__in=RatingRun.UNFINISHED),
        }
        return TemplateResponse(request, "admin/credit/start_run.html", context)

    def progress_view(self, request, object_id: int):
        run = get_object_or_404(
            RatingRun.objects.select_related("enterprise_standard", "worker_standard"),
            pk=object_id,
        )
        table = {}
        for subject_type, field in (
            (SubjectType.ENTERPRISE, "enterprise"),
            (SubjectType.WORKER, "worker"),
        ):
            counts = dict.fromkeys(Grade.values, 0)  # the grades, then 暂不评级
            rows = (
                Rating.objects.filter(year=run.year, **{f"{field}__isnull": False})
                .values("grade")
                .annotate(count=Count("id"))
            )
            for row in rows:
                counts[row["grade"]] = row["count"]
            table[subject_type] = counts
        context = {
            **self.admin_site.each_context(request),
            "title": str(run),
            "opts": self.model._meta,
            "run": run,
            "running": run.is_unfinished,
            "missing_chunks": [
                (SubjectType(c.subject_type).label, c.low, c.high - 1)
                for c in selectors.rating_run_missing_chunks(run)[:MISSING_CHUNKS_SHOWN]
            ]
            if run.is_unfinished
            else [],
            "missing_count": run.chunks_total - run.chunks_done,
            "missing_shown": MISSING_CHUNKS_SHOWN,
            "stalled_since": selectors.rating_run_stalled_since(run),
            "stall_minutes": settings.CREDIT_RATING_STALL_SECONDS // 60,
            "can_cancel": self.has_cancel_permission(request)
            and services.rating_run_can_cancel(run),
            # 暂不评级 is counted apart: not a grade, not in the total of the distribution.
            "distribution": [
                (
                    SubjectType(kind).label,
                    [(Grade(g).label, grades[g]) for g in GRADES],
                    sum(grades[g] for g in GRADES),
                    grades[Grade.NOT_GRADED],
                )
                for kind, grades in table.items()
            ],
            "ratings_url": reverse("admin:credit_rating_changelist") + f"?year={run.year}",
            "drafts": Rating.objects.filter(year=run.year, status=Rating.Status.DRAFT).count(),
            "can_publish": request.user.has_perm("credit.change_rating")
            and run.status == RatingRun.Status.DONE,
            "publicity_days": settings.CREDIT_PUBLICITY_DAYS,
        }
        return TemplateResponse(request, "admin/credit/run_progress.html", context)

    def publish_view(self, request, object_id: int):
        """Publish the year's draft ratings for the publicity period (POST only)."""
        if request.method != "POST" or not request.user.has_perm("credit.change_rating"):
            raise PermissionDenied
        run = get_object_or_404(RatingRun, pk=object_id)
        try:
            report = ratings_publish(actor=request.user, year=run.year)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                f"已发布{report.published}条评价结果，公示期{report.starts_on}至{report.ends_on}；"
                f"为B级主体生成监管任务{report.supervision_tasks}项。",
                messages.SUCCESS,
            )
        return redirect(reverse("admin:credit_ratingrun_progress", args=[run.pk]))


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

    def lookups(self, request, model_admin):
        employers = Enterprise.objects.filter(
            Exists(
                Employment.objects.filter(ended_on__isnull=True).filter(enterprise=OuterRef("pk"))
            )
        )
        return [
            (str(pk), name) for pk, name in employers.order_by("name").values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdecimal():
            return queryset.none()
        current = Employment.objects.filter(ended_on__isnull=True).filter(
            worker=OuterRef("worker_id"), enterprise_id=int(self.value())
        )
        return queryset.filter(Exists(current))


@admin.register(Rating)
class RatingAdmin(HistoryAdmin):
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
    list_filter = ["year", SubjectTypeFilter, EmployerFilter, "grade", "status", "vetoed"]
    list_select_related = ["enterprise", "worker"]
    search_fields = ["enterprise__name", "=enterprise__uscc", "worker__name"]
    show_full_result_count = False
    ordering = ["-year", "-total"]
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

    def get_queryset(self, request):
        current = (
            Employment.objects.filter(ended_on__isnull=True)
            .select_related("enterprise")
            .order_by("started_on")
        )
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


from . import admin_workflows  # noqa: E402, F401 - objections, repair, key list, supervision
