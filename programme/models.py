"""The year's work plan (年度工作计划) and the self-inspections (工作自查) of the programme.

A year's plan has phases (动员部署, 全面推进, 总结提升) with their months; each phase holds
the tasks staff assign to an owner (专人负责), by township where it applies, with a due date,
a status and progress notes, and a self-inspection checklist. A self-inspection is filled
by its owner item by item (findings, evidence, rectification with a due date) and reviewed
by a second person. The plan also holds the year's written summary for the annual report.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.files import validate_upload
from core.outbox import OutboxMessage

STAFF = {"is_staff": True, "is_active": True}


class WorkPlan(models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    achievements = models.TextField("成效", blank=True)
    shortcomings = models.TextField("短板与不足", blank=True)
    next_steps = models.TextField("下一步", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度工作计划"
        verbose_name_plural = "年度工作计划"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度工作计划"


class PlanPhase(models.Model):
    plan = models.ForeignKey(
        WorkPlan, verbose_name="工作计划", on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField("阶段", max_length=20)
    first_month = models.PositiveSmallIntegerField("起始月份")
    last_month = models.PositiveSmallIntegerField("结束月份")
    work = models.CharField("主要工作", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作阶段"
        verbose_name_plural = "工作阶段"
        ordering = ["plan__year", "first_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="plan_phase_once",
                violation_error_message="同一年度的计划中已有同名阶段。",
            ),
            models.CheckConstraint(
                condition=Q(
                    first_month__gte=1, last_month__lte=12, first_month__lte=models.F("last_month")
                ),
                name="plan_phase_months",
                violation_error_message="月份应在1至12之间，且起始月份不晚于结束月份。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年 {self.name}（{self.months}）"

    @property
    def months(self) -> str:
        return f"{self.first_month}月—{self.last_month}月"

    def covers_month(self, month: int) -> bool:
        return self.first_month <= month <= self.last_month


class PlanTask(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "进行中"
        DONE = "done", "已完成"
        POSTPONED = "postponed", "已延期"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.POSTPONED)

    phase = models.ForeignKey(
        PlanPhase, verbose_name="工作阶段", on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField("任务", max_length=100)
    milestone = models.BooleanField("节点任务", default=False, help_text="阶段的关键时间节点。")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to=STAFF,
        related_name="plan_tasks",
    )
    township = models.ForeignKey(
        "registry.Township",
        verbose_name="乡镇",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_tasks",
    )
    due_on = models.DateField("完成时限")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    finished_on = models.DateField("完成日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.township.name}）" if self.township_id else self.title

    def is_overdue(self, today: date) -> bool:
        return self.status != self.Status.DONE and self.due_on < today


class TaskNote(models.Model):
    """A progress note (进展情况) on a task: added, never edited."""

    task = models.ForeignKey(
        PlanTask, verbose_name="工作任务", on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField("进展情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填写人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("填写时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class TaskReminder(OutboxMessage):
    """A reminder e-mail to a task's owner; one row per task, stage and due date, so the
    daily run never sends a stage twice (a new due date reminds again)."""

    class Stage(models.TextChoices):
        BEFORE = "before", "临近完成时限"
        DUE = "due", "到达完成时限"

    task = models.ForeignKey(
        PlanTask, verbose_name="工作任务", on_delete=models.CASCADE, related_name="reminders"
    )
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices)
    due_on = models.DateField("完成时限")
    subject = models.CharField("标题", max_length=100)
    body = models.TextField("内容")

    class Meta:
        verbose_name = "任务提醒"
        verbose_name_plural = "任务提醒"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "stage", "due_on"], name="task_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.get_stage_display()}"


class ChecklistItem(models.Model):
    """A question of a phase's self-inspection checklist (自查清单)."""

    phase = models.ForeignKey(
        PlanPhase, verbose_name="工作阶段", on_delete=models.CASCADE, related_name="checklist"
    )
    text = models.CharField("自查内容", max_length=200)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "自查清单项"
        verbose_name_plural = "自查清单"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class SelfInspection(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "填写中"
        SUBMITTED = "submitted", "待复核"
        REVIEWED = "reviewed", "已复核"

    phase = models.ForeignKey(
        PlanPhase, verbose_name="工作阶段", on_delete=models.PROTECT, related_name="inspections"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="自查负责人",
        on_delete=models.PROTECT,
        limit_choices_to=STAFF,
        related_name="+",
    )
    inspected_on = models.DateField("自查日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    review_note = models.TextField("复核意见", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "工作自查"
        verbose_name_plural = "工作自查"
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reviewer=models.F("owner")),
                name="inspection_second_person",
                violation_error_message="复核人不能是自查负责人本人。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase}工作自查（{self.inspected_on:%Y-%m-%d}）"


class InspectionItem(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", "未检查"
        MET = "met", "符合要求"
        PROBLEM = "problem", "存在问题"

    class Rectification(models.TextChoices):
        NONE = "none", "无需整改"
        OPEN = "open", "整改中"
        DONE = "done", "已整改"

    inspection = models.ForeignKey(
        SelfInspection, verbose_name="工作自查", on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField("自查内容", max_length=200)
    order = models.PositiveSmallIntegerField("排序", default=0)
    result = models.CharField("结果", max_length=10, choices=Result.choices, default=Result.PENDING)
    finding = models.TextField("发现的问题", blank=True)
    evidence = models.FileField(
        "佐证材料",
        upload_to="programme/evidence/%Y/",
        blank=True,
        validators=[validate_upload],
        help_text="JPG、PNG或PDF，最大10MB。",
    )
    rectification = models.TextField("整改措施", blank=True)
    rectification_due_on = models.DateField("整改时限", null=True, blank=True)
    rectification_status = models.CharField(
        "整改情况", max_length=10, choices=Rectification.choices, default=Rectification.NONE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "自查项"
        verbose_name_plural = "自查项"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text
