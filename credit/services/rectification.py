"""Rectification notices (整改通知): issued for a B rating's supervision task and for a failed
inspection, answered by the enterprise in the portal, accepted or sent back by staff.

Deadlines are calendar days. A notice of a supervision task is due with the task; one of an
inspection `CREDIT_RECTIFICATION_DAYS` after the inspection unless staff set another day.
Accepting a report settles the notice the way a passed spot check does today: a supervision
task is completed as 合格（已整改）, and an inspection's notice records one 抽查合格 event
(整改验收合格), each traceable to the notice. A rejected report goes back to the enterprise
with the reason; a notice not answered by its deadline is overdue (flagged, not closed)."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError
from registry.models import Enterprise

from ..models import CreditEvent, EventKind, RectificationNotice, Severity, SupervisionTask
from .events import credit_event_record
from .management import supervision_can_handle, supervision_complete

Status = RectificationNotice.Status


class NoticeTransitionError(TransitionError):
    pass


NOTICE_MACHINE = StatusMachine(
    RectificationNotice,
    {
        Status.ISSUED: {Status.SUBMITTED, Status.CLOSED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.REJECTED, Status.CLOSED},
        Status.REJECTED: {Status.SUBMITTED, Status.CLOSED},
        Status.ACCEPTED: set(),
        Status.CLOSED: set(),
    },
    message="该整改通知当前为“%(current)s”，不能变更为“%(target)s”。",
    error=NoticeTransitionError,
)


def notice_can_answer(notice: RectificationNotice) -> bool:
    """Whether the enterprise may (again) send its rectification report."""
    return NOTICE_MACHINE.can(notice, Status.SUBMITTED)


def notice_can_decide(notice: RectificationNotice) -> bool:
    """Whether staff may accept or reject the report now."""
    return NOTICE_MACHINE.can(notice, Status.ACCEPTED)


def rectification_deadline(day: date) -> date:
    return day + timedelta(days=settings.CREDIT_RECTIFICATION_DAYS)


def _supervision_requirements(task: SupervisionTask) -> str:
    return (
        f"{task.reason}。请对照信用评价中失分的指标和失信记录逐项整改，"
        f"于{task.due_on:%Y年%m月%d日}前在本平台提交整改报告和证明材料，县商务局将组织检查验收。"
    )


def notices_for_supervision_tasks(
    *, actor, tasks: Sequence[SupervisionTask]
) -> list[RectificationNotice]:
    """One notice per new supervision task of an enterprise (a worker has no portal: their
    task is followed up in person)."""
    notices = [
        RectificationNotice(
            enterprise_id=task.enterprise_id,
            source=RectificationNotice.Source.SUPERVISION,
            supervision_task=task,
            source_ref=f"credit.SupervisionTask:{task.pk}",
            title=f"诚信警示整改：{task.reason}"[:200],
            requirements=_supervision_requirements(task),
            deadline=task.due_on,
            issued_by=history_user(actor),
        )
        for task in tasks
        if task.enterprise_id
    ]
    if not notices:
        return []
    return bulk_create_with_history(notices, RectificationNotice, default_user=history_user(actor))


@transaction.atomic
def notice_issue(
    *,
    actor,
    enterprise: Enterprise,
    title: str,
    requirements: str,
    deadline: date | None = None,
    source: str = RectificationNotice.Source.INSPECTION,
    source_ref: str = "",
) -> RectificationNotice:
    """Issue a notice (an inspection that failed). With a `source_ref` the call is
    idempotent: the same source yields the same notice."""
    if source_ref:
        existing = RectificationNotice.objects.filter(source_ref=source_ref).first()
        if existing is not None:
            return existing
    today = timezone.localdate()
    deadline = deadline or rectification_deadline(today)
    if deadline <= today:
        raise ValidationError({"deadline": "整改期限必须晚于今天。"})
    requirements = (requirements or "").strip()
    if not requirements:
        raise ValidationError({"requirements": "请填写整改要求。"})
    notice = RectificationNotice(
        enterprise=enterprise,
        source=source,
        source_ref=source_ref,
        title=title.strip()[:200],
        requirements=requirements,
        deadline=deadline,
        issued_by=history_user(actor),
    )
    notice.full_clean()
    return audited_save(notice, actor=actor, reason="下达整改通知")


@transaction.atomic
def notice_submit(
    *, actor, notice: RectificationNotice, enterprise: Enterprise, report: str, evidence=None
) -> RectificationNotice:
    """The enterprise's rectification report (and evidence): its own notices only, while
    the notice waits for it."""
    notice = RectificationNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.enterprise_id != enterprise.pk:
        raise NoticeTransitionError("只能答复本企业的整改通知。", code="not_own")
    NOTICE_MACHINE.check(notice, Status.SUBMITTED)
    report = (report or "").strip()
    if not report:
        raise ValidationError({"report": "请填写整改报告。"})
    changes = {
        "report": report,
        "submitted_at": timezone.now(),
        "submitted_by": history_user(actor),
    }
    if evidence is not None:
        from registry.services.documents import uploads_sanitise

        notice.evidence = evidence
        uploads_sanitise(notice)
    return NOTICE_MACHINE.transition(
        notice, Status.SUBMITTED, actor=actor, changes=changes, reason="提交整改报告"
    )


def _decision_changes(actor, decision: str) -> dict:
    return {"decision": decision, "decided_at": timezone.now(), "decided_by": history_user(actor)}


@transaction.atomic
def notice_accept(*, actor, notice: RectificationNotice, decision: str) -> RectificationNotice:
    """Accept the report: the notice is settled and the outcome enters the credit file."""
    notice = RectificationNotice.objects.select_for_update().get(pk=notice.pk)
    NOTICE_MACHINE.check(notice, Status.ACCEPTED)
    decision = (decision or "").strip() or "整改到位，验收通过。"
    notice = NOTICE_MACHINE.transition(
        notice, Status.ACCEPTED, actor=actor, changes=_decision_changes(actor, decision)
    )
    today = timezone.localdate()
    task = notice.supervision_task
    if task is not None and supervision_can_handle(task):
        task = supervision_complete(
            actor=actor,
            task=task,
            result=SupervisionTask.Result.PASSED,
            findings=f"整改验收通过：{decision}\n整改报告：{notice.report}",
            checked_on=today,
        )
        event = task.result_event
    elif task is not None:
        event = task.result_event
    else:
        event = credit_event_record(
            actor=actor,
            kind=EventKind.SPOT_CHECK_PASSED,
            occurred_on=today,
            title=f"整改验收合格：{notice.title}"[:200],
            description=f"{decision}\n整改报告：{notice.report}",
            enterprise=notice.enterprise,
            severity=Severity.GENERAL,
            source=CreditEvent.Source.INSPECTION,
            source_ref=f"credit.RectificationNotice:{notice.pk}",
        )
    notice.result_event = event
    return audited_save(notice, actor=actor, update_fields=["result_event"])


@transaction.atomic
def notice_reject(
    *, actor, notice: RectificationNotice, reason: str, deadline: date | None = None
) -> RectificationNotice:
    """Send the report back with the reason (and, if given, a new deadline)."""
    notice = RectificationNotice.objects.select_for_update().get(pk=notice.pk)
    NOTICE_MACHINE.check(notice, Status.REJECTED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回理由。"})
    changes = _decision_changes(actor, reason)
    if deadline is not None:
        if deadline <= timezone.localdate():
            raise ValidationError({"deadline": "新的整改期限必须晚于今天。"})
        changes["deadline"] = deadline
    return NOTICE_MACHINE.transition(
        notice, Status.REJECTED, actor=actor, changes=changes, reason=reason
    )


def notices_close_for_task(*, actor, task: SupervisionTask, reason: str) -> int:
    """The task was settled otherwise (checked on site, cancelled): its open notices are
    closed with `reason`."""
    closed = 0
    for notice in (
        RectificationNotice.objects.select_for_update().filter(supervision_task=task).open()
    ):
        NOTICE_MACHINE.transition(
            notice,
            Status.CLOSED,
            actor=actor,
            changes={"decision": reason[:1000], "decided_at": timezone.now()},
            reason=reason,
        )
        closed += 1
    return closed
