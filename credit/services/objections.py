"""Credit objections (信用异议): lodged by the subject while its rating is publicised,
decided by staff within `CREDIT_OBJECTION_DECISION_DAYS` calendar days (自然日) of the day
it was submitted.

An upheld objection corrects the rating's inputs (revokes a wrong record, records a missing
positive one) and corrects the rating at once: scored again from the facts it was computed
from plus these corrections, nothing recorded since (that counts for the next computation);
saved with a history row whose reason is the decision, and publicised again when its grade
changes. The objection keeps the previous total and grade. A rejected
objection leaves the rating as it is. While an objection is open the rating cannot become
final.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audited_save, history_user
from core.transitions import StatusMachine, TransitionError
from registry.models import Worker

from ..engine import EventChange
from ..models import (
    NEUTRAL_KINDS,
    POSITIVE_KINDS,
    CreditEvent,
    Objection,
    Rating,
    Severity,
)
from .events import credit_event_record, credit_event_revoke
from .publication import (
    event_change,
    event_counted_in,
    event_counts_for,
    rating_recompute_recorded,
)


class ObjectionTransitionError(TransitionError):
    pass


# An objection changes status only through this machine (the caller holds its lock).
OBJECTION_MACHINE = StatusMachine(
    Objection,
    {
        Objection.Status.SUBMITTED: {Objection.Status.UPHELD, Objection.Status.REJECTED},
        Objection.Status.UPHELD: set(),
        Objection.Status.REJECTED: set(),
    },
    message="该异议当前为“%(current)s”，不能变更为“%(target)s”。",
    error=ObjectionTransitionError,
)


# The history's reason when the worker lodged it on their own record.
BY_WORKER = "从业人员本人提交"


def objection_due_on(submitted_on: date) -> date:
    return submitted_on + timedelta(days=settings.CREDIT_OBJECTION_DECISION_DAYS)


def objection_can_decide(objection: Objection) -> bool:
    """Whether the objection still awaits a decision: the back office offers "处理异议"
    only then."""
    return OBJECTION_MACHINE.can(objection, Objection.Status.UPHELD)


def objection_window_problem(rating: Rating, today: date) -> ObjectionTransitionError | None:
    """Why `rating` takes no objection on `today`, or None: objections are taken only
    while the rating is publicised, within its publicity period."""
    if rating.status != Rating.Status.PUBLICISED:
        return ObjectionTransitionError("只能对公示中的评价结果提出异议。", code="not_publicised")
    starts, ends = rating.publicity_starts_on, rating.publicity_ends_on
    if starts is None or ends is None or not (starts <= today <= ends):
        return ObjectionTransitionError(
            "公示期为%(starts)s至%(ends)s，已不在异议受理期限内。",
            code="outside_publicity",
            params={"starts": starts, "ends": ends},
        )
    return None


def objection_window_open(rating: Rating, today: date) -> bool:
    """Whether pages offer an objection to `rating` on `today`."""
    return objection_window_problem(rating, today) is None


@transaction.atomic
def objection_submit(
    *,
    actor,
    rating: Rating,
    reasons: str,
    evidence=None,
    received_on: date | None = None,
    worker: Worker | None = None,
) -> Objection:
    """Lodge an objection to a publicised rating, within its publicity period; a rating has
    at most one open objection at a time. `received_on` is the day the objection reached
    the bureau when staff lodge it later from an opinion from the public received then
    (its window and deadline count from that day); by default today. `worker`: the rated
    worker lodges it on their own record (signed in with an SMS code, no account: `actor`
    is None)."""
    # Lock the rating: it serialises objections to it, and finalisation waits for this one.
    rating = Rating.objects.select_for_update().defer("explanation").get(pk=rating.pk)
    if worker is not None and rating.worker_id != worker.pk:
        raise ObjectionTransitionError("只能对本人的评价结果提出异议。", code="not_own")
    today = timezone.localdate()
    if received_on is not None:
        if received_on > today:
            raise ValidationError(_("收到异议的日期不能晚于今天。"))
        today = received_on
    problem = objection_window_problem(rating, today)
    if problem is not None:
        raise problem
    if rating.objections.filter(status=Objection.Status.SUBMITTED).exists():
        raise ObjectionTransitionError(
            "该评价结果已有待处理的异议，请等待处理结果。", code="already_open"
        )
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("请填写异议理由。")})
    objection = Objection(
        rating=rating,
        reasons=reasons,
        submitted_by=history_user(actor),
        submitted_by_worker=worker,
        due_on=objection_due_on(today),
    )
    if evidence is not None:
        objection.evidence = evidence
    objection.full_clean()
    from registry.services.documents import uploads_sanitise

    uploads_sanitise(objection)
    return audited_save(objection, actor=actor, reason=BY_WORKER if worker else None)


@dataclass(frozen=True)
class MissingEvent:
    """A positive fact that should have been in the credit file (recorded on upholding)."""

    kind: str
    occurred_on: date
    title: str
    severity: str = Severity.GENERAL
    description: str = ""
    value: Decimal | None = None


@dataclass(frozen=True)
class Corrections:
    """What an upheld objection changes in the subject's credit file."""

    revoke: Sequence[CreditEvent] = field(default_factory=tuple)
    record: Sequence[MissingEvent] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.revoke or self.record)


def _apply_corrections(
    *, actor, objection: Objection, rating: Rating, corrections, reason: str
) -> list[EventChange]:
    """Apply the corrections to the credit file; return how they change the facts the
    rating was computed from (a revoked record recorded after it changes nothing)."""
    subject = {"enterprise": rating.enterprise, "worker": rating.worker}
    changes = []
    for event in corrections.revoke:
        if (event.enterprise_id, event.worker_id) != (rating.enterprise_id, rating.worker_id):
            raise ValidationError(_("要撤销的信用记录不属于该异议的主体。"))
        event = CreditEvent.objects.select_for_update().get(pk=event.pk)
        counted = event.status == CreditEvent.Status.ACTIVE and event_counted_in(rating, event)
        credit_event_revoke(actor=actor, event=event, reason=reason)
        if counted:
            changes.append(event_change(event, -1))
    for index, missing in enumerate(corrections.record, start=1):
        if missing.kind not in POSITIVE_KINDS | NEUTRAL_KINDS:
            raise ValidationError(_("依异议补录的只能是守信信息或服务评价。"))
        event = credit_event_record(
            actor=actor,
            kind=missing.kind,
            occurred_on=missing.occurred_on,
            title=missing.title,
            description=missing.description,
            severity=missing.severity,
            value=missing.value,
            source=CreditEvent.Source.MANUAL,
            source_ref=f"credit.Objection:{objection.pk}#{index}",
            **subject,
        )
        if event.status == CreditEvent.Status.ACTIVE and event_counts_for(rating, event):
            changes.append(event_change(event, +1))
    return changes


@transaction.atomic
def objection_decide(
    *,
    actor,
    objection: Objection,
    upheld: bool,
    decision: str,
    corrections: Corrections | None = None,
) -> Objection:
    """Decide an objection. Upheld: apply `corrections`, recompute the subject and save the
    rating with `decision` as the recorded reason. Rejected: the rating stays as it is."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    to = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
    OBJECTION_MACHINE.check(objection, to)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("请填写处理意见（将作为评价结果变更的记录原因）。")})
    corrections = corrections or Corrections()
    changes = {
        "decision": decision,
        "decided_by": history_user(actor),
        "decided_at": timezone.now(),
    }
    if upheld:
        rating = Rating.objects.select_for_update().get(pk=objection.rating_id)
        if rating.status != Rating.Status.PUBLICISED:
            raise ObjectionTransitionError(
                "评价结果已不在公示中，不能依异议更正。", code="not_publicised"
            )
        reason = f"信用异议成立（异议#{objection.pk}）：{decision}"
        changes.update(previous_total=rating.total, previous_grade=rating.grade)
        corrected = _apply_corrections(
            actor=actor,
            objection=objection,
            rating=rating,
            corrections=corrections,
            reason=reason[:200],
        )
        rating_recompute_recorded(actor=actor, rating=rating, reason=reason, changes=corrected)
    elif corrections:
        raise ValidationError(_("异议不成立时不能更正信用记录。"))
    return OBJECTION_MACHINE.transition(objection, to, actor=actor, changes=changes)
