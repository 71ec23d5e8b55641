"""Differentiated management (分级分类管理): the key-management list (重点管理名单) for
严重失信 subjects, and supervision tasks (spot checks, 抽查) for B-graded ones.

Deadlines are calendar days (自然日): a supervision task opened on 1 December with
`CREDIT_SUPERVISION_DAYS` = 30 is due on 31 December. A key-list entry covers
`starts_on` ≤ day < `ends_on` (the rating engine and the honour roll read it the same way)
and lasts at most three years, the longest disclosure of a serious record.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError
from registry.models import Enterprise, Worker

from ..models import CreditEvent, EventKind, Grade, KeyListEntry, Rating, Severity, SupervisionTask
from .events import credit_event_record

KEY_LIST_MAX_YEARS = 3


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _subject_kwargs(enterprise: Enterprise | None, worker: Worker | None) -> dict:
    if (enterprise is None) == (worker is None):
        raise ValidationError("必须且只能指定一个信用主体（企业或从业人员）。")
    return {"enterprise": enterprise} if enterprise is not None else {"worker": worker}


# --- Key-management list -------------------------------------------------------------------


class KeyListTransitionError(TransitionError):
    pass


# A key-list entry changes status only through this machine (the caller holds its lock).
KEY_LIST_MACHINE = StatusMachine(
    KeyListEntry,
    {
        KeyListEntry.Status.ACTIVE: {KeyListEntry.Status.REMOVED},
        KeyListEntry.Status.REMOVED: set(),
    },
    message="该名单记录当前为“%(current)s”，不能变更为“%(target)s”。",
    error=KeyListTransitionError,
)


def key_list_can_remove(entry: KeyListEntry) -> bool:
    """Whether the entry may still be taken off the list: offered only then."""
    return KEY_LIST_MACHINE.can(entry, KeyListEntry.Status.REMOVED)


def subject_on_key_list(subject: Enterprise | Worker, day: date | None = None) -> bool:
    """Whether `subject` is under key management on `day` (today by default); later issues
    use it to bar such subjects from incentives and support."""
    day = day or timezone.localdate()
    field = "enterprise" if isinstance(subject, Enterprise) else "worker"
    return KeyListEntry.objects.on(day).filter(**{field: subject}).exists()


@transaction.atomic
def key_list_add(
    *,
    actor,
    reason: str,
    basis: str,
    starts_on: date,
    ends_on: date | None = None,
    enterprise: Enterprise | None = None,
    worker: Worker | None = None,
    event: CreditEvent | None = None,
) -> KeyListEntry:
    """Put a 严重失信 subject on the key-management list, for three years unless `ends_on`
    says earlier; a subject has at most one active entry at a time."""
    subject = _subject_kwargs(enterprise, worker)
    # Lock the subject: two staff listing the same subject at once must not both succeed.
    model, instance = (Enterprise, enterprise) if enterprise is not None else (Worker, worker)
    model.objects.select_for_update().filter(pk=instance.pk).first()
    longest = _years_later(starts_on, KEY_LIST_MAX_YEARS)
    ends_on = ends_on or longest
    if ends_on > longest:
        raise ValidationError(
            {"ends_on": f"列入重点管理名单的期限最长为{KEY_LIST_MAX_YEARS}年（至{longest}）。"}
        )
    subject_ids = (getattr(enterprise, "pk", None), getattr(worker, "pk", None))
    if event is not None and (event.enterprise_id, event.worker_id) != subject_ids:
        raise ValidationError({"event": "所选信用记录不属于该主体。"})
    current = (
        KeyListEntry.objects.filter(**subject, status=KeyListEntry.Status.ACTIVE)
        .filter(starts_on__lt=ends_on, ends_on__gt=starts_on)
        .first()
    )
    if current is not None:
        raise ValidationError(
            "该主体已在重点管理名单中（%(starts)s至%(ends)s），无需重复列入。",
            params={"starts": current.starts_on, "ends": current.ends_on},
        )
    entry = KeyListEntry(
        **subject,
        reason=reason.strip(),
        basis=basis.strip(),
        event=event,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=history_user(actor),
    )
    entry.full_clean()
    return audited_save(entry, actor=actor)


@transaction.atomic
def key_list_remove(
    *, actor, entry: KeyListEntry, reason: str, today: date | None = None
) -> KeyListEntry:
    """Take a subject off the list early (e.g. a decision overturned); the entry is kept
    with its reason, and its end date becomes today."""
    today = today or timezone.localdate()
    entry = KeyListEntry.objects.select_for_update().get(pk=entry.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"removal_reason": "请填写移出原因。"})
    changes = {"removal_reason": reason[:200]}
    if entry.starts_on < today < entry.ends_on:
        changes["ends_on"] = today
    return KEY_LIST_MACHINE.transition(
        entry, KeyListEntry.Status.REMOVED, actor=actor, changes=changes, reason=reason
    )


def key_list_expire_due(*, today: date) -> int:
    """Daily: entries whose period has ended leave the list. Idempotent."""
    expired = 0
    due = KeyListEntry.objects.filter(status=KeyListEntry.Status.ACTIVE, ends_on__lte=today)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            entry = (
                KeyListEntry.objects.select_for_update()
                .filter(pk=pk, status=KeyListEntry.Status.ACTIVE)
                .first()
            )
            if entry is None:  # removed by staff meanwhile
                continue
            KEY_LIST_MACHINE.transition(
                entry,
                KeyListEntry.Status.REMOVED,
                actor=None,
                changes={"removal_reason": "管理期满，自动移出"},
                reason="管理期满，自动移出",
            )
            expired += 1
    return expired


# --- Supervision tasks ---------------------------------------------------------------------


class SupervisionTransitionError(TransitionError):
    pass


# A supervision task changes status only through this machine (the caller holds its lock).
SUPERVISION_MACHINE = StatusMachine(
    SupervisionTask,
    {
        SupervisionTask.Status.OPEN: {
            SupervisionTask.Status.DONE,
            SupervisionTask.Status.CANCELLED,
        },
        SupervisionTask.Status.DONE: set(),
        SupervisionTask.Status.CANCELLED: set(),
    },
    message="该监管任务当前为“%(current)s”，不能变更为“%(target)s”。",
    error=SupervisionTransitionError,
)


def supervision_can_handle(task: SupervisionTask) -> bool:
    """Whether the task is still open: its result may be recorded and its officer changed,
    and the back office offers those pages only then."""
    return SUPERVISION_MACHINE.can(task, SupervisionTask.Status.DONE)


def supervision_due_on(today: date) -> date:
    return today + timedelta(days=settings.CREDIT_SUPERVISION_DAYS)


def _supervision_reason(rating: Rating) -> str:
    reason = f"{rating.year}年度信用评价为B级（诚信警示），需开展抽查并督促整改"
    if rating.vetoed and rating.veto_reason:
        reason += f"；一票否决：{rating.veto_reason}"
    return reason[:200]


def supervision_tasks_for_ratings(
    *, actor, ratings: Sequence[Rating], today: date | None = None
) -> list[SupervisionTask]:
    """One spot-check task per B rating that has none yet (publication calls this with the
    ratings locked, so two publications cannot both create one)."""
    today = today or timezone.localdate()
    ratings = [r for r in ratings if r.grade == Grade.B]
    if not ratings:
        return []
    existing = set(
        SupervisionTask.objects.filter(rating__in=ratings).values_list("rating_id", flat=True)
    )
    tasks = []
    for rating in ratings:
        if rating.pk in existing:
            continue
        task = SupervisionTask(
            enterprise_id=rating.enterprise_id,
            worker_id=rating.worker_id,
            rating=rating,
            reason=_supervision_reason(rating),
            due_on=supervision_due_on(today),
        )
        # The related rows were just read and the unique constraint (one task per rating)
        # is the database's to enforce: checking either row by row costs queries per task.
        task.clean_fields(exclude=["enterprise", "worker", "rating"])
        tasks.append(task)
    created = bulk_create_with_history(tasks, SupervisionTask, default_user=history_user(actor))
    _notify(actor, created)
    return created


def _notify(actor, tasks) -> None:
    """Each enterprise's task comes with its rectification notice in the portal."""
    from .rectification import notices_for_supervision_tasks

    notices_for_supervision_tasks(actor=actor, tasks=tasks)


@transaction.atomic
def supervision_task_create(
    *,
    actor,
    reason: str,
    enterprise: Enterprise | None = None,
    worker: Worker | None = None,
    due_on: date | None = None,
    assigned_to=None,
) -> SupervisionTask:
    """A spot check ordered by staff outside the yearly rating (e.g. a 严重失信 subject)."""
    task = SupervisionTask(
        **_subject_kwargs(enterprise, worker),
        reason=(reason or "").strip(),
        due_on=due_on or supervision_due_on(timezone.localdate()),
        assigned_to=assigned_to,
    )
    if assigned_to is not None:
        _check_assignee(assigned_to)
    task.full_clean()
    return audited_save(task, actor=actor)


@transaction.atomic
def supervision_sync_for_rating(*, actor, rating: Rating, reason: str) -> SupervisionTask | None:
    """After a publicised rating was recomputed (objection, repair): a rating that became B
    gets its task; an open task whose rating is no longer B is cancelled, with `reason`."""
    if rating.status != Rating.Status.PUBLICISED:
        return None
    task = SupervisionTask.objects.select_for_update().filter(rating=rating).first()
    if rating.grade == Grade.B and task is None:
        created = supervision_tasks_for_ratings(actor=actor, ratings=[rating])
        return created[0] if created else None
    if rating.grade != Grade.B and task is not None and task.status == SupervisionTask.Status.OPEN:
        note = f"未检查：评价等级调整为{rating.grade}，任务取消（{reason}）"
        _close_notices(actor, task, note)
        return SUPERVISION_MACHINE.transition(
            task,
            SupervisionTask.Status.CANCELLED,
            actor=actor,
            changes={"findings": note},
            reason=reason,
        )
    return task


def _close_notices(actor, task: SupervisionTask, reason: str) -> None:
    from .rectification import notices_close_for_task

    notices_close_for_task(actor=actor, task=task, reason=reason)


def _check_assignee(user) -> None:
    if not (user.is_active and user.is_staff):
        raise ValidationError({"assigned_to": "负责人必须是在岗的局工作人员。"})


@transaction.atomic
def supervision_assign(*, actor, task: SupervisionTask, assigned_to) -> SupervisionTask:
    """Give an open task to a member of staff."""
    task = SupervisionTask.objects.select_for_update().get(pk=task.pk)
    if not supervision_can_handle(task):
        raise SupervisionTransitionError("只能为待检查的任务指定负责人。", code="not_open")
    if not isinstance(assigned_to, get_user_model()):
        raise ValidationError({"assigned_to": "请选择负责人。"})
    _check_assignee(assigned_to)
    task.assigned_to = assigned_to
    task.full_clean()
    return audited_save(task, actor=actor, update_fields=["assigned_to"])


@transaction.atomic
def supervision_complete(
    *,
    actor,
    task: SupervisionTask,
    result: str,
    findings: str,
    checked_on: date,
    severity: str = Severity.GENERAL,
) -> SupervisionTask:
    """Record the spot check's result: the task is done and the result enters the credit
    file as one record (抽查合格 / 抽查不合格), traceable to the task."""
    task = SupervisionTask.objects.select_for_update().get(pk=task.pk)
    SUPERVISION_MACHINE.check(task, SupervisionTask.Status.DONE)
    if result not in SupervisionTask.Result.values:
        raise ValidationError({"result": "请选择检查结果。"})
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写检查情况。"})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": "检查日期不能晚于今天。"})
    if checked_on < timezone.localdate(task.created_at):
        raise ValidationError({"checked_on": "检查日期不能早于任务下达日期。"})
    passed = result == SupervisionTask.Result.PASSED
    _close_notices(
        actor, task, f"监管任务已办结（检查结果：{SupervisionTask.Result(result).label}）"
    )
    event = credit_event_record(
        actor=actor,
        kind=EventKind.SPOT_CHECK_PASSED if passed else EventKind.SPOT_CHECK_FAILED,
        occurred_on=checked_on,
        title=f"监督抽查{'合格' if passed else '不合格'}：{task.reason}"[:200],
        description=findings,
        enterprise=task.enterprise,
        worker=task.worker,
        # A pass counts as a positive record for a year (一般); a failure as staff judged it.
        severity=Severity.GENERAL if passed else severity,
        source=CreditEvent.Source.INSPECTION,
        source_ref=f"credit.SupervisionTask:{task.pk}",
    )
    return SUPERVISION_MACHINE.transition(
        task,
        SupervisionTask.Status.DONE,
        actor=actor,
        changes={
            "result": result,
            "findings": findings,
            "checked_on": checked_on,
            "result_event": event,
        },
        reason="",
    )
