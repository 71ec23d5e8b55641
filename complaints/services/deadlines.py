"""Statutory deadlines of open cases: where each case stands, and the hourly check that
warns the officer at 70 % of a limit and again when it is overdue."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Complaint, DeadlineAlert, DeadlineState, Stage, Status
from ..workdays import working_days_between

# Working days of each stage (市场监督管理投诉举报处理暂行办法).
STAGE_DAYS = {Stage.ACCEPTANCE: 7, Stage.MEDIATION: 45, Stage.NOTIFICATION: 7}
WARN_AT = 0.7


def stage_started_on(complaint: Complaint) -> date | None:
    moments = {
        Stage.ACCEPTANCE: complaint.received_at,
        Stage.MEDIATION: complaint.decided_at,
        Stage.NOTIFICATION: complaint.mediation_ended_at or complaint.decided_at,
    }
    moment = moments.get(complaint.stage)
    return timezone.localdate(moment) if moment else None


@dataclass(frozen=True)
class DeadlineStatus:
    stage: str | None
    due_on: date | None
    used_days: int
    limit_days: int
    state: str

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else ""


def deadline_status(complaint: Complaint, today: date) -> DeadlineStatus:
    stage, due = complaint.stage, complaint.current_due
    if complaint.status == Status.CLOSED or stage is None or due is None:
        return DeadlineStatus(stage, due, 0, 0, DeadlineState.DONE)
    limit = STAGE_DAYS[Stage(stage)]
    started = stage_started_on(complaint) or today
    used = working_days_between(started, today)
    if today > due:
        state = DeadlineState.OVERDUE
    elif used >= WARN_AT * limit:
        state = DeadlineState.DUE_SOON
    else:
        state = DeadlineState.ON_TIME
    return DeadlineStatus(stage, due, used, limit, state)


def deadline_state_for(complaint: Complaint, today: date) -> str:
    return deadline_status(complaint, today).state


def complaints_check_deadlines(*, today: date | None = None) -> dict[str, int]:
    """Hourly: refresh every open case's deadline state (for the list filters) and notify
    the officer once per stage and level. Safe to run any number of times."""
    from .notify import notification_queue

    today = today or timezone.localdate()
    counts = dict.fromkeys(DeadlineState.values, 0)
    alerts = 0
    open_cases = Complaint.objects.open().select_related("officer", "enterprise")
    for complaint in open_cases.iterator(chunk_size=500):
        status = deadline_status(complaint, today)
        counts[status.state] += 1
        if complaint.deadline_state != status.state:
            Complaint.objects.filter(pk=complaint.pk).update(deadline_state=status.state)
        if status.state not in (DeadlineState.DUE_SOON, DeadlineState.OVERDUE):
            continue
        try:
            with transaction.atomic():
                DeadlineAlert.objects.create(
                    complaint=complaint,
                    stage=status.stage,
                    level=status.state,
                    due_on=status.due_on,
                )
                notification_queue(
                    complaint=complaint,
                    event=status.state,
                    context={"stage": status.stage_label, "due": status.due_on},
                )
                alerts += 1
        except IntegrityError:
            continue  # already warned for this stage, level and due date
    counts["alerts"] = alerts
    return counts
