"""Credit repair (信用修复): a subject that has corrected what a negative record is about
asks that it stop counting; staff approve or reject it, with reasons, within
`CREDIT_REPAIR_DECISION_DAYS` calendar days (自然日) of the day it was submitted.

An approved repair marks the record repaired: the rating engine counts active records only,
so it stops counting from the next computation. The subject's draft or publicised rating for
the record's year is corrected at once, from the facts it was computed from less this record
(facts recorded since count for the next computation); a final rating is never changed.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited, history_user
from core.transitions import StatusMachine, TransitionError
from registry.models import Worker

from ..models import CreditEvent, Rating, RepairRequest
from .events import credit_event_transition
from .objections import BY_WORKER
from .publication import event_change, event_counted_in, rating_recompute_recorded

# --- The record's status -------------------------------------------------------------------


def is_negative(event: CreditEvent) -> bool:
    return event.is_negative


@transaction.atomic
def credit_event_mark_repaired(*, actor, event: CreditEvent, reason: str) -> CreditEvent:
    """The record has been repaired (信用修复): it stays in the file, marked, and no longer
    counts."""
    event = CreditEvent.objects.select_for_update().get(pk=event.pk)
    return credit_event_transition(
        actor=actor, event=event, to=CreditEvent.Status.REPAIRED, reason=reason
    )


# --- Repair requests -----------------------------------------------------------------------


class RepairTransitionError(TransitionError):
    pass


# A repair request changes status only through this machine (the caller holds its lock).
REPAIR_MACHINE = StatusMachine(
    RepairRequest,
    {
        RepairRequest.Status.SUBMITTED: {
            RepairRequest.Status.APPROVED,
            RepairRequest.Status.REJECTED,
        },
        RepairRequest.Status.APPROVED: set(),
        RepairRequest.Status.REJECTED: set(),
    },
    message="该修复申请当前为“%(current)s”，不能变更为“%(target)s”。",
    error=RepairTransitionError,
)


def repair_due_on(submitted_on: date) -> date:
    return submitted_on + timedelta(days=settings.CREDIT_REPAIR_DECISION_DAYS)


def repair_can_decide(request: RepairRequest) -> bool:
    """Whether the repair request still awaits a decision: the back office offers "审核"
    only then."""
    return REPAIR_MACHINE.can(request, RepairRequest.Status.APPROVED)


@transaction.atomic
def repair_submit(
    *, actor, event: CreditEvent, reasons: str, evidence=None, worker: Worker | None = None
) -> RepairRequest:
    """Apply for the repair of a negative, active record; one open request per record.
    `worker`: the worker asks on their own record (signed in with an SMS code, no account:
    `actor` is None)."""
    # Lock the record: two applications at once must not both pass the checks.
    event = CreditEvent.objects.select_for_update().get(pk=event.pk)
    if worker is not None and event.worker_id != worker.pk:
        raise RepairTransitionError("只能对本人的信用记录申请修复。", code="not_own")
    if not is_negative(event):
        raise RepairTransitionError("只有失信记录可以申请信用修复。", code="not_negative")
    if event.status != CreditEvent.Status.ACTIVE:
        raise RepairTransitionError(
            "该信用记录当前为“%(current)s”，无需修复。",
            code="not_active",
            params={"current": CreditEvent.Status(event.status).label},
        )
    if event.repairs.filter(status=RepairRequest.Status.SUBMITTED).exists():
        raise RepairTransitionError("该信用记录已有待审核的修复申请。", code="already_open")
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "请填写整改情况及理由。"})
    request = RepairRequest(
        event=event,
        reasons=reasons,
        submitted_by=history_user(actor),
        submitted_by_worker=worker,
        due_on=repair_due_on(timezone.localdate()),
    )
    if evidence is not None:
        request.evidence = evidence
    request.full_clean()
    from registry.services.documents import uploads_sanitise

    uploads_sanitise(request)
    audited(request, actor=actor, reason=BY_WORKER if worker else None)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:  # the partial unique index, should the lock ever be bypassed
        raise RepairTransitionError(
            "该信用记录已有待审核的修复申请。", code="already_open"
        ) from None
    return request


def rating_affected_by(event: CreditEvent) -> Rating | None:
    """The subject's not-yet-final rating for the year the record counts in, if any."""
    return (
        Rating.objects.filter(
            year=event.occurred_on.year,
            enterprise_id=event.enterprise_id,
            worker_id=event.worker_id,
            status__in=[Rating.Status.DRAFT, Rating.Status.PUBLICISED],
        )
        .defer("explanation")
        .first()
    )


@transaction.atomic
def repair_decide(
    *, actor, request: RepairRequest, approved: bool, decision: str, recompute: bool = True
) -> RepairRequest:
    """Approve or reject a repair request. Approval marks the record repaired and, with
    `recompute`, recomputes the subject's draft or publicised rating of that year now."""
    request = RepairRequest.objects.select_for_update().get(pk=request.pk)
    to = RepairRequest.Status.APPROVED if approved else RepairRequest.Status.REJECTED
    REPAIR_MACHINE.check(request, to)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": "请填写审核意见。"})
    if approved:
        rating = rating_affected_by(request.event) if recompute else None
        # Whether the record was among the rating's facts, read before it stops counting.
        counted = rating is not None and event_counted_in(rating, request.event)
        event = credit_event_mark_repaired(
            actor=actor, event=request.event, reason=f"信用修复（申请#{request.pk}）：{decision}"
        )
        if rating is not None:
            rating_recompute_recorded(
                actor=actor,
                rating=rating,
                reason=f"信用修复（申请#{request.pk}）：{decision}",
                changes=[event_change(event, -1)] if counted else [],
            )
    return REPAIR_MACHINE.transition(
        request,
        to,
        actor=actor,
        changes={
            "decision": decision,
            "decided_by": history_user(actor),
            "decided_at": timezone.now(),
        },
    )
