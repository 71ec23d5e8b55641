"""The year's work plan in the back office: plans with their phases and written summary,
phases with their self-inspection checklist, tasks with their progress notes, and the
reminders sent. Every write goes through `programme.services`."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.admin_history import HistoryAdmin
from core.admin_workflows import ServiceDeleteMixin

from . import services
from .models import ChecklistItem, PlanPhase, PlanTask, TaskNote, TaskReminder, WorkPlan


class ServiceFormsetMixin:
    """Inline rows saved and deleted through the services, like the parent."""

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for record in formset.deleted_objects:
            services.record_delete(actor=request.user, record=record)
        for record in instances:
            self.save_inline(request, record)
        formset.save_m2m()

    def save_inline(self, request, record) -> None:
        services.record_save(actor=request.user, record=record)


class PlanPhaseInline(admin.TabularInline):
    model = PlanPhase
    fields = ["name", "first_month", "last_month", "work"]
    extra = 0
    show_change_link = True


@admin.register(WorkPlan)
class WorkPlanAdmin(ServiceFormsetMixin, ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = ["year", "phase_count", "task_count", "updated_at"]
    fieldsets = [
        (None, {"fields": ["year"]}),
        (
            "年度工作总结（写入年度报告）",
            {"fields": ["achievements", "shortcomings", "next_steps"]},
        ),
    ]
    inlines = [PlanPhaseInline]
    change_list_template = "admin/programme/workplan/change_list.html"

    def get_queryset(self, request):
        # The counts come with the rows: no query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                phases_total=Count("phases", distinct=True),
                tasks_total=Count("phases__tasks", distinct=True),
            )
        )

    @admin.display(description="阶段数", ordering="phases_total")
    def phase_count(self, obj) -> int:
        return obj.phases_total

    @admin.display(description="任务数", ordering="tasks_total")
    def task_count(self, obj) -> int:
        return obj.tasks_total

    def save_model(self, request, obj, form, change):
        services.work_plan_save(actor=request.user, plan=obj)

    def get_urls(self):
        return [
            path(
                "generate/",
                self.admin_site.admin_view(require_POST(self.generate_view)),
                name="programme_workplan_generate",
            )
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        year = timezone.localdate().year
        extra_context = {
            **(extra_context or {}),
            "can_generate": self.has_add_permission(request)
            and not WorkPlan.objects.filter(year=year).exists(),
            "generate_year": year,
        }
        return super().changelist_view(request, extra_context)

    def generate_view(self, request):
        """按实施方案生成本年度计划: the county plan's phases, tasks and checklists."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        plan = services.work_plan_seed(timezone.localdate().year, actor=request.user)
        self.message_user(
            request, f"{plan.year}年度工作计划已按实施方案生成，请为各项任务指定责任人。"
        )
        return redirect(reverse("admin:programme_workplan_change", args=[plan.pk]))


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = ["order", "text"]
    extra = 1


@admin.register(PlanPhase)
class PlanPhaseAdmin(ServiceFormsetMixin, ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = ["name", "plan", "months", "work"]
    list_filter = ["plan__year"]
    list_select_related = ["plan"]
    fields = ["plan", "name", "first_month", "last_month", "work"]
    inlines = [ChecklistItemInline]

    @admin.display(description="月份")
    def months(self, obj) -> str:
        return obj.months

    def save_model(self, request, obj, form, change):
        services.record_save(actor=request.user, record=obj)


class DeadlineFilter(admin.SimpleListFilter):
    title = "完成时限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("attention", f"{settings.PROGRAMME_REMINDER_DAYS}日内到期或已超期"),
            ("overdue", "已超期未完成"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_tasks = queryset.exclude(status=PlanTask.Status.DONE)
        if self.value() == "overdue":
            return open_tasks.filter(due_on__lt=today)
        if self.value() == "attention":
            horizon = today + timedelta(days=settings.PROGRAMME_REMINDER_DAYS)
            return open_tasks.filter(due_on__lte=horizon)
        return queryset


class TaskNoteInline(admin.TabularInline):
    """Progress notes are added, never edited: earlier ones are shown read-only."""

    model = TaskNote
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    extra = 1
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanTask)
class PlanTaskAdmin(ServiceDeleteMixin, HistoryAdmin):
    delete_service = staticmethod(services.record_delete)
    list_display = [
        "title", "phase", "owner", "township", "due_badge", "status", "milestone", "finished_on"
    ]  # fmt: skip
    list_filter = [DeadlineFilter, "phase__plan__year", "phase__name", "status", "owner",
                   "township", "milestone"]  # fmt: skip
    list_select_related = ["phase__plan", "owner", "township"]
    search_fields = ["title"]
    fields = ["phase", "title", "milestone", "owner", "township", "due_on", "status",
              "finished_on"]  # fmt: skip
    readonly_fields = ["finished_on"]
    inlines = [TaskNoteInline]
    actions = ["mark_in_progress", "mark_done"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "phase":  # a phase's label shows its plan's year
            kwargs["queryset"] = PlanPhase.objects.select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="完成时限", ordering="due_on")
    def due_badge(self, obj):
        if obj.is_overdue(timezone.localdate()):
            return format_html('<strong style="color:#a61b1b">{}（已超期）</strong>', obj.due_on)
        return obj.due_on

    def save_model(self, request, obj, form, change):
        services.task_save(actor=request.user, task=obj)

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            if note.pk is None and note.text.strip():
                services.task_note_add(actor=request.user, task=form.instance, text=note.text)

    def _mark(self, request, queryset, status: str, label: str) -> None:
        changed = 0
        for task in queryset:
            task.status = status
            try:
                services.task_save(actor=request.user, task=task)
            except ValidationError as exc:
                self.message_user(request, f"{task}：{'；'.join(exc.messages)}", messages.WARNING)
            else:
                changed += 1
        self.message_user(request, f"已将{changed}项任务标记为{label}。", messages.SUCCESS)

    @admin.action(description="标记为进行中", permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._mark(request, queryset, PlanTask.Status.IN_PROGRESS, "进行中")

    @admin.action(description="标记为已完成", permissions=["change"])
    def mark_done(self, request, queryset):
        self._mark(request, queryset, PlanTask.Status.DONE, "已完成")


@admin.register(TaskReminder)
class TaskReminderAdmin(admin.ModelAdmin):
    """What was sent: read only."""

    list_display = ["task", "stage", "due_on", "status", "created_at", "sent_at"]
    list_filter = ["stage", "status"]
    list_select_related = ["task__township"]
    readonly_fields = ["task", "stage", "due_on", "subject", "body", "status", "attempts",
                       "sent_at", "last_error", "created_at"]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from . import admin_inspections  # noqa: E402, F401  (registers the self-inspection pages)
