"""Writes on the year's work plan and the self-inspections.

`work_plan_seed(year)` writes the county plan's phases, tasks and checklists as a year's
plan (idempotent: a year already planned is left as staff edited it). Tasks are saved with
`task_save` (a task done records the day it was finished) and their progress noted with
`task_note_add`. `task_reminders_send` e-mails each owner before and at a task's due date,
each stage once. A self-inspection is created from its phase's checklist, filled by its
owner, submitted, and reviewed or returned by a second person (`inspection_review_problem`).
"""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited_delete, audited_save
from core.files import sanitised_upload
from core.notifications import send_email
from core.outbox import Undeliverable, outbox_enqueue, outbox_register
from core.transitions import StatusMachine, TransitionError
from registry.models import Township

from .models import (
    ChecklistItem,
    InspectionItem,
    PlanPhase,
    PlanTask,
    SelfInspection,
    TaskNote,
    TaskReminder,
    WorkPlan,
)
from .plan_text import PLAN_PHASES

SITE = "信易+家政"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- The plan ---------------------------------------------------------------------------------


@transaction.atomic
def work_plan_seed(year: int, *, actor=None) -> WorkPlan:
    """The year's plan from the county plan's text: its phases, their tasks (the 摸排 task
    once per township) and checklists. A year already planned is returned unchanged."""
    plan, created = WorkPlan.objects.get_or_create(year=year)
    if not created:
        return plan
    audited_save(plan, actor=actor, reason="按实施方案生成")
    townships = list(Township.objects.order_by("sort_order", "name"))
    for text in PLAN_PHASES:
        phase = audited_save(
            PlanPhase(
                plan=plan,
                name=text.name,
                first_month=text.first_month,
                last_month=text.last_month,
                work=text.work,
            ),
            actor=actor,
        )
        for task in text.tasks:
            for township in townships if task.per_township else [None]:
                audited_save(
                    PlanTask(
                        phase=phase,
                        title=task.title,
                        milestone=task.milestone,
                        township=township,
                        due_on=month_end(year, task.month),
                    ),
                    actor=actor,
                )
        for order, question in enumerate(text.checklist, start=1):
            audited_save(ChecklistItem(phase=phase, text=question, order=order), actor=actor)
    return plan


@transaction.atomic
def work_plan_save(*, actor, plan: WorkPlan) -> WorkPlan:
    """The plan's year and its written summary (成效、短板与不足、下一步)."""
    plan.full_clean()
    return audited_save(plan, actor=actor)


@transaction.atomic
def record_save(*, actor, record):
    """A phase or a checklist question, edited in the admin."""
    record.full_clean()
    return audited_save(record, actor=actor)


@transaction.atomic
def record_delete(*, actor, record) -> None:
    audited_delete(record, actor=actor)


# --- Tasks ------------------------------------------------------------------------------------


@transaction.atomic
def task_save(*, actor, task: PlanTask, today: date | None = None) -> PlanTask:
    """Create or edit a task; a task marked done records the day it was finished."""
    today = today or timezone.localdate()
    if task.status == PlanTask.Status.DONE:
        task.finished_on = task.finished_on or today
    else:
        task.finished_on = None
    task.full_clean()
    return audited_save(task, actor=actor)


@transaction.atomic
def task_note_add(*, actor, task: PlanTask, text: str) -> TaskNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写进展情况。"})
    note = TaskNote(task=task, text=text, author=actor if getattr(actor, "pk", None) else None)
    note.full_clean()
    return audited_save(note, actor=actor)


# --- Reminders --------------------------------------------------------------------------------


def _reminder_send(reminder: TaskReminder) -> None:
    owner = reminder.task.owner
    if owner is None or not owner.email:
        raise Undeliverable("the task has no owner with an e-mail address")
    send_email(owner.email, f"{SITE}：{reminder.subject}", reminder.body)


REMINDERS = outbox_register(
    TaskReminder, send=_reminder_send, max_attempts=5, select_related=("task__owner",)
)


def _reminder_text(task: PlanTask, stage: str) -> tuple[str, str]:
    where = f"（{task.township.name}）" if task.township_id else ""
    if stage == TaskReminder.Stage.BEFORE:
        subject = f"工作任务将于{task.due_on:%Y年%m月%d日}到期"
    else:
        subject = f"工作任务已到完成时限（{task.due_on:%Y年%m月%d日}）"
    body = (
        f"您负责的工作任务“{task.title}”{where}属于{task.phase.plan.year}年"
        f"{task.phase.name}阶段，完成时限为{task.due_on:%Y年%m月%d日}，当前状态为"
        f"“{task.get_status_display()}”。请按时完成，并在后台“工作任务”中填写进展情况。"
    )
    return subject, body


def reminder_stage(task: PlanTask, today: date) -> str | None:
    """The reminder a task not done is due on `today`: before its due date (within
    PROGRAMME_REMINDER_DAYS) or from the due date on."""
    if task.status == PlanTask.Status.DONE:
        return None
    if today >= task.due_on:
        return TaskReminder.Stage.DUE
    if today >= task.due_on - timedelta(days=settings.PROGRAMME_REMINDER_DAYS):
        return TaskReminder.Stage.BEFORE
    return None


def task_reminders_send(today: date | None = None) -> int:
    """Write (and send after commit) the reminders due today; a stage already reminded for
    the task's current due date is never written again. Returns the reminders written."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PROGRAMME_REMINDER_DAYS)
    tasks = list(
        PlanTask.objects.filter(status__in=PlanTask.OPEN, owner__isnull=False, due_on__lte=horizon)
        .select_related("phase__plan", "township", "owner")
        .order_by("due_on", "pk")
    )
    sent = set(
        TaskReminder.objects.filter(task__in=tasks).values_list("task_id", "stage", "due_on")
    )
    written = []
    for task in tasks:
        stage = reminder_stage(task, today)
        if stage is None or (task.pk, stage, task.due_on) in sent:
            continue
        subject, body = _reminder_text(task, stage)
        try:
            with transaction.atomic():
                reminder = TaskReminder.objects.create(
                    task=task, stage=stage, due_on=task.due_on, subject=subject, body=body
                )
        except IntegrityError:  # a concurrent run wrote this stage first
            continue
        written.append(reminder.pk)
    outbox_enqueue(REMINDERS, written)
    return len(written)


# --- Self-inspections -------------------------------------------------------------------------


class InspectionTransitionError(TransitionError):
    pass


INSPECTION_MACHINE = StatusMachine(
    SelfInspection,
    {
        SelfInspection.Status.DRAFT: {SelfInspection.Status.SUBMITTED},
        SelfInspection.Status.SUBMITTED: {
            SelfInspection.Status.REVIEWED,
            SelfInspection.Status.DRAFT,
        },
    },
    message="该自查当前为“%(current)s”，不能改为“%(target)s”。",
    error=InspectionTransitionError,
)


@transaction.atomic
def inspection_create(*, actor, inspection: SelfInspection) -> SelfInspection:
    """A new self-inspection with its phase's checklist as its items."""
    inspection.status = SelfInspection.Status.DRAFT
    inspection.full_clean()
    audited_save(inspection, actor=actor)
    for question in inspection.phase.checklist.all():
        audited_save(
            InspectionItem(inspection=inspection, text=question.text, order=question.order),
            actor=actor,
        )
    return inspection


def inspection_edit_problem(inspection: SelfInspection) -> str | None:
    if inspection.pk and inspection.status != SelfInspection.Status.DRAFT:
        return "自查已提交复核，不能再修改；复核人退回后可以修改。"
    return None


@transaction.atomic
def inspection_save(*, actor, inspection: SelfInspection) -> SelfInspection:
    if inspection.pk is None:
        return inspection_create(actor=actor, inspection=inspection)
    current = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
    if problem := inspection_edit_problem(current):
        raise ValidationError(problem)
    inspection.full_clean()
    return audited_save(inspection, actor=actor)


def item_problems(item: InspectionItem) -> dict[str, str]:
    """What a filled item still lacks: a finding for a problem, and a rectification with
    a due date for a problem being rectified."""
    problems = {}
    if item.result == InspectionItem.Result.PROBLEM:
        if not item.finding.strip():
            problems["finding"] = "存在问题的，请写明发现的问题。"
        if item.rectification_status == InspectionItem.Rectification.NONE:
            problems["rectification_status"] = "存在问题的，请选择“整改中”或“已整改”。"
    if item.rectification_status != InspectionItem.Rectification.NONE:
        if not item.rectification.strip():
            problems["rectification"] = "请填写整改措施。"
        if item.rectification_due_on is None:
            problems["rectification_due_on"] = "请填写整改时限。"
    return problems


@transaction.atomic
def inspection_item_save(*, actor, item: InspectionItem) -> InspectionItem:
    inspection = SelfInspection.objects.select_for_update().get(pk=item.inspection_id)
    if problem := inspection_edit_problem(inspection):
        raise ValidationError(problem)
    if problems := item_problems(item):
        raise ValidationError(problems)
    item.full_clean()
    if item.evidence and not item.evidence._committed:
        # Photos taken on a phone carry where they were taken: store pixels only.
        name = item.evidence.name
        item.evidence.save(name, sanitised_upload(item.evidence.file), save=False)
    return audited_save(item, actor=actor)


@transaction.atomic
def inspection_rectified(*, actor, item: InspectionItem) -> InspectionItem:
    """A finding's rectification done: allowed at any time, a reviewed inspection too."""
    item = InspectionItem.objects.select_for_update().get(pk=item.pk)
    if item.rectification_status != InspectionItem.Rectification.OPEN:
        raise ValidationError("该项没有正在整改的问题。")
    item.rectification_status = InspectionItem.Rectification.DONE
    return audited_save(item, actor=actor, update_fields=["rectification_status"])


def inspection_submit_problem(inspection: SelfInspection, actor) -> str | None:
    if inspection.owner_id != getattr(actor, "pk", None):
        return "只有自查负责人本人可以提交复核。"
    if inspection.items.filter(result=InspectionItem.Result.PENDING).exists():
        return "还有未检查的自查项，请逐项填写结果后再提交。"
    return None


@transaction.atomic
def inspection_submit(*, actor, inspection: SelfInspection) -> SelfInspection:
    inspection = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
    INSPECTION_MACHINE.check(inspection, SelfInspection.Status.SUBMITTED)
    if problem := inspection_submit_problem(inspection, actor):
        raise ValidationError(problem)
    return INSPECTION_MACHINE.transition(inspection, SelfInspection.Status.SUBMITTED, actor=actor)


def inspection_review_problem(inspection: SelfInspection, actor) -> str | None:
    """The second-person rule: whoever reviews is not the owner."""
    if inspection.owner_id == getattr(actor, "pk", None):
        return "复核人不能是自查负责人本人，请由另一名工作人员复核。"
    return None


@transaction.atomic
def inspection_review(
    *, actor, inspection: SelfInspection, approve: bool, note: str = ""
) -> SelfInspection:
    """Review a submitted inspection: approve it, or return it to its owner with a note."""
    inspection = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
    target = SelfInspection.Status.REVIEWED if approve else SelfInspection.Status.DRAFT
    INSPECTION_MACHINE.check(inspection, target)
    if problem := inspection_review_problem(inspection, actor):
        raise ValidationError(problem)
    if not approve and not note.strip():
        raise ValidationError("退回时请写明原因。")
    return INSPECTION_MACHINE.transition(
        inspection,
        target,
        actor=actor,
        changes={
            "reviewer": actor,
            "reviewed_at": timezone.now() if approve else None,
            "review_note": note.strip(),
        },
    )
