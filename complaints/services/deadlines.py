"""Statutory deadlines of open cases: where each case stands, and the hourly check that
warns the officer at 70 % of a limit and again when it is overdue."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Complaint, DeadlineAlert, DeadlineState
from ..selectors import deadline_status


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
