"""Recording facts into the credit file (信用信息归集). Other apps call only these."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited, history_user
from core.transitions import StatusMachine, TransitionError
from registry.models import Enterprise, Worker

from ..models import CreditEvent, EventKind, Severity
from .pledges import pledge_breach_record, pledge_breach_sync

# National disclosure tiers: 轻微 at most 3 months (or not disclosed), 一般 3 months to
# 1 year, 严重 1 to 3 years. Disclosure — and counting — ends at the maximum at the latest.
DISCLOSURE_DAYS = {
    Severity.MINOR: (0, 90),
    Severity.GENERAL: (90, 365),
    Severity.SERIOUS: (365, 3 * 365),
}


def disclosure_until(severity: str, occurred_on: date, days: int | None = None) -> date:
    shortest, longest = DISCLOSURE_DAYS[Severity(severity)]
    if days is None:
        days = longest
    if not shortest <= days <= longest:
        raise ValidationError(
            {
                "disclosure_until": (
                    f"{Severity(severity).label}信用记录的公示期应为{shortest}至{longest}天。"
                )
            }
        )
    return occurred_on + timedelta(days=days)


class CreditEventTransitionError(TransitionError):
    pass


# The one status machine of a credit record. Active records count; a repaired record stays
# in the file, marked; a revoked one is withdrawn and comes back only if its source does.
EVENT_MACHINE = StatusMachine(
    CreditEvent,
    {
        CreditEvent.Status.ACTIVE: {CreditEvent.Status.REPAIRED, CreditEvent.Status.REVOKED},
        CreditEvent.Status.REVOKED: {CreditEvent.Status.ACTIVE},
        CreditEvent.Status.REPAIRED: {CreditEvent.Status.REVOKED},
    },
    message="该信用记录当前为“%(current)s”，不能改为“%(target)s”。",
    error=CreditEventTransitionError,
)


def credit_event_transition(*, actor, event: CreditEvent, to: str, reason: str) -> CreditEvent:
    """Move a record to `to`, recorded with who and why. The caller holds the row lock
    (select_for_update) inside its transaction. A breach of the credit pledge follows its
    record (revoked with it, restored with it)."""
    event = EVENT_MACHINE.transition(
        event,
        to,
        actor=actor,
        changes={"status_reason": reason.strip()[:200]},
        update_fields=["status_reason"],
        clean=False,
    )
    pledge_breach_sync(actor=actor, event=event)
    return event


def _subject_kwargs(enterprise: Enterprise | None, worker: Worker | None) -> dict:
    if (enterprise is None) == (worker is None):
        raise ValidationError("必须且只能指定一个信用主体（企业或从业人员）。")
    return {"enterprise": enterprise, "worker": worker}


@transaction.atomic
def credit_event_record(
    *,
    actor,
    kind: str,
    occurred_on: date,
    title: str,
    enterprise: Enterprise | None = None,
    worker: Worker | None = None,
    severity: str = Severity.GENERAL,
    description: str = "",
    tag: str = "",
    value=None,
    source: str = CreditEvent.Source.MANUAL,
    source_ref: str = "",
    evidence=None,
    disclosure_days: int | None = None,
    legal_basis: str = "",
    authority: str = "",
) -> CreditEvent:
    """Record one fact about a subject. With a `source_ref` the call is idempotent: the same
    source fact recorded twice (a retried task, a double click) yields the same record, and
    a revoked record is reactivated."""
    subject = _subject_kwargs(enterprise, worker)
    if kind not in EventKind.values:
        raise ValidationError({"kind": "未知的信用记录类型。"})
    if source_ref:
        existing = CreditEvent.objects.select_for_update().filter(
            source_ref=source_ref, kind=kind, **subject
        )
        event = existing.first()
        if event is not None:
            if event.status == CreditEvent.Status.REVOKED:
                credit_event_transition(
                    actor=actor, event=event, to=CreditEvent.Status.ACTIVE, reason="来源记录恢复"
                )
            return event
    event = CreditEvent(
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        description=description,
        severity=severity,
        tag=tag,
        value=value,
        source=source,
        source_ref=source_ref,
        disclosure_until=disclosure_until(severity, occurred_on, disclosure_days),
        legal_basis=legal_basis.strip(),
        authority=authority.strip(),
        recorded_by=history_user(actor),
        **subject,
    )
    if evidence is not None:
        event.evidence = evidence
    event.full_clean()
    from registry.services.documents import uploads_sanitise

    uploads_sanitise(event)
    audited(event, actor=actor)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        # A concurrent call recorded the same source fact first.
        return CreditEvent.objects.get(source_ref=source_ref, kind=kind, **subject)
    pledge_breach_record(actor=actor, event=event)
    return event


@transaction.atomic
def credit_event_revoke(*, actor, event: CreditEvent, reason: str) -> CreditEvent:
    """Withdraw a record (the source was overturned, or it was entered in error)."""
    event = CreditEvent.objects.select_for_update().get(pk=event.pk)
    if event.status == CreditEvent.Status.REVOKED:
        return event
    if not reason.strip():
        raise ValidationError({"status_reason": "请填写撤销原因。"})
    return credit_event_transition(
        actor=actor, event=event, to=CreditEvent.Status.REVOKED, reason=reason
    )


def credit_event_revoke_by_source(*, actor, source_ref: str, reason: str) -> int:
    """Revoke every active record that came from `source_ref` (e.g. a reopened complaint)."""
    events = CreditEvent.objects.filter(source_ref=source_ref).exclude(
        status=CreditEvent.Status.REVOKED
    )
    count = 0
    for event in events:
        credit_event_revoke(actor=actor, event=event, reason=reason)
        count += 1
    return count


def event_counts_on(event: CreditEvent, day: date | None = None) -> bool:
    day = day or timezone.localdate()
    return event.status == CreditEvent.Status.ACTIVE and (
        event.disclosure_until is None or event.disclosure_until >= day
    )
