"""Rating runs (信用评价批次): starting a year's run, its progress, cancelling and publishing."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import selectors, services
from ..models import (
    GRADES,
    Grade,
    Rating,
    RatingRun,
    SubjectType,
)
from ..services.publication import ratings_publish

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
