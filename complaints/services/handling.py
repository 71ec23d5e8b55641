"""Handling a complaint: one status machine, statutory deadlines, and the credit file.

submitted → accepted / not accepted → (accepted) in mediation → mediated / mediation ended
without agreement → closed; a closed case can be reopened into mediation. A 举报 has no
personal loss to mediate: accepted → under investigation (调查核实, 15 working days) → closed
with its finding (属实/不属实), and is reopened into investigation. Every change goes
through `_transition`, which checks COMPLAINT_MACHINE, writes the timeline line and the audit
row (simple-history, with the acting user) in the same transaction, and queues the
messages. Deadlines (市场监督管理投诉举报处理暂行办法) are in working days on China's
official calendar: 7 to decide acceptance, 45 to end mediation, 7 to notify the parties.

Nothing counts against a subject before the case is closed: only `complaint_close` with
`substantiated=True` records a credit event; reopening or overturning revokes it.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audited_save
from core.files import sanitised_upload
from core.transitions import StatusMachine, TransitionError
from core.workdays import add_working_days
from credit.models import CreditEvent, EventKind, Severity
from credit.services.events import credit_event_record, credit_event_revoke_by_source
from registry.models import Enterprise

from ..limits import INVESTIGATION_DAYS, MEDIATION_DAYS, NOTIFICATION_DAYS, response_days
from ..models import (
    CaseType,
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintUpdate,
    ReportCategory,
    Status,
)
from ..selectors import deadline_state_for
from ..timeline import update_fields
from .notify import notification_queue


class ComplaintTransitionError(TransitionError):
    pass


COMPLAINT_MACHINE = StatusMachine(
    Complaint,
    {
        Status.SUBMITTED: {Status.ACCEPTED, Status.NOT_ACCEPTED, Status.REFERRED},
        Status.ACCEPTED: {Status.MEDIATING, Status.INVESTIGATING, Status.REFERRED},
        Status.MEDIATING: {Status.MEDIATED, Status.MEDIATION_FAILED, Status.REFERRED},
        Status.INVESTIGATING: {Status.CLOSED, Status.REFERRED},
        Status.NOT_ACCEPTED: {Status.CLOSED},
        Status.MEDIATED: {Status.CLOSED},
        Status.MEDIATION_FAILED: {Status.CLOSED},
        Status.CLOSED: {Status.MEDIATING, Status.INVESTIGATING},  # reopened
        Status.REFERRED: set(),  # in the receiving body's hands (转办)
    },
    message="该案件当前为“%(current)s”，不能改为“%(target)s”。",
    error=ComplaintTransitionError,
)
# The statuses only one case type passes through: a 投诉 is mediated, a 举报 investigated.
CASE_TYPE_STATUSES = {
    CaseType.COMPLAINT: frozenset({Status.MEDIATING, Status.MEDIATED, Status.MEDIATION_FAILED}),
    CaseType.REPORT: frozenset({Status.INVESTIGATING}),
}


def complaint_allowed(complaint: Complaint) -> frozenset[str]:
    """The statuses the case may move to: the machine's moves that fit its case type."""
    others = set().union(
        *(statuses for kind, statuses in CASE_TYPE_STATUSES.items() if kind != complaint.case_type)
    )
    return COMPLAINT_MACHINE.allowed(complaint) - others


def _check(complaint: Complaint, to: str) -> None:
    if to not in complaint_allowed(complaint):
        raise COMPLAINT_MACHINE.refusal(complaint, to)


def _locked(complaint: Complaint) -> Complaint:
    """The case re-read under a row lock: two officers acting at once are serialised, and
    the second sees the first one's status (and is refused if it no longer fits)."""
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _transition(
    *,
    actor,
    complaint: Complaint,
    to: str,
    public_text: str = "",
    internal_text: str = "",
    event: dict | None = None,
) -> Complaint:
    """`public_text` is a timeline line worded the same for everyone; `event` (from
    `timeline.update_fields`) one worded for each reader."""
    _check(complaint, to)
    previous = complaint.status
    complaint.status = to
    # The deadline state follows from the new status.
    complaint.deadline_state = deadline_state_for(complaint, timezone.localdate())
    complaint.full_clean()
    audited_save(complaint, actor=actor)
    ComplaintUpdate.objects.create(
        complaint=complaint,
        author=actor,
        visibility=ComplaintUpdate.Visibility.PUBLIC,
        **(event or {"text": public_text}),
        status_from=previous,
        status_to=to,
    )
    if internal_text.strip():
        complaint_note_add(actor=actor, complaint=complaint, text=internal_text)
    return complaint


def _required(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


@transaction.atomic
def complaint_accept(
    *, actor, complaint: Complaint, enterprise: Enterprise | None = None, note: str = ""
) -> Complaint:
    """Accept the case; the mediation period (45 working days; for a 举报 the investigation,
    15) and the enterprise's time to answer start today. A resident who did not know the
    enterprise's name is linked to the registered enterprise here."""
    complaint = _locked(complaint)
    if enterprise is not None:
        complaint.enterprise = enterprise
    today = timezone.localdate()
    complaint.decided_at = timezone.now()
    if complaint.is_report:
        complaint.investigation_due = due = add_working_days(today, INVESTIGATION_DAYS)
    else:
        complaint.mediation_due = due = add_working_days(today, MEDIATION_DAYS)
    if complaint.enterprise_id:
        complaint.response_due = add_working_days(today, response_days())
    _transition(
        actor=actor,
        complaint=complaint,
        to=Status.ACCEPTED,
        event=update_fields(
            "accepted",
            due=due,
            response_due=complaint.response_due,
            case_type=complaint.case_type,
        ),
        internal_text=note,
    )
    notification_queue(
        complaint=complaint,
        event="accepted",
        context={"due": due, "response_due": complaint.response_due},
    )
    return complaint


@transaction.atomic
def complaint_not_accept(*, actor, complaint: Complaint, reason: str) -> Complaint:
    reason = _required(reason, "not_accepted_reason", "请填写不予受理的理由。")
    complaint = _locked(complaint)
    complaint.decided_at = timezone.now()
    complaint.not_accepted_reason = reason
    complaint.notification_due = add_working_days(timezone.localdate(), NOTIFICATION_DAYS)
    _transition(
        actor=actor,
        complaint=complaint,
        to=Status.NOT_ACCEPTED,
        public_text=f"{complaint.case_word}不予受理。理由：{reason}",
    )
    notification_queue(complaint=complaint, event="not_accepted", context={"reason": reason})
    return complaint


@transaction.atomic
def complaint_mediation_start(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    complaint = _locked(complaint)
    return _transition(
        actor=actor,
        complaint=complaint,
        to=Status.MEDIATING,
        event=update_fields("mediation_started"),
        internal_text=note,
    )


@transaction.atomic
def complaint_investigation_start(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """A 举报: the officer starts verifying it (调查核实) — on site, with the register."""
    complaint = _locked(complaint)
    return _transition(
        actor=actor,
        complaint=complaint,
        to=Status.INVESTIGATING,
        event=update_fields("investigation_started"),
        internal_text=note,
    )


@transaction.atomic
def complaint_mediation_end(
    *, actor, complaint: Complaint, agreed: bool, summary: str
) -> Complaint:
    """End mediation with an agreement (调解成功, `summary` is the agreement) or without one
    (调解终止, `summary` says why); the parties are to be notified within 7 working days."""
    summary = _required(
        summary, "agreement", "请填写调解协议内容。" if agreed else "请填写调解终止的原因。"
    )
    complaint = _locked(complaint)
    complaint.mediation_ended_at = timezone.now()
    complaint.notification_due = add_working_days(timezone.localdate(), NOTIFICATION_DAYS)
    complaint.agreement = summary
    # The SMS's result is written in the complainant's language (lazy: notify renders it).
    if agreed:
        to, text, result = Status.MEDIATED, f"调解成功，双方达成协议：{summary}", _("双方达成协议")
    else:
        to, text, result = (
            Status.MEDIATION_FAILED, f"调解终止，未达成协议：{summary}", _("未达成协议")
        )  # fmt: skip
    _transition(actor=actor, complaint=complaint, to=to, public_text=text)
    notification_queue(complaint=complaint, event="mediation_ended", context={"result": result})
    return complaint


def _credit_source(complaint: Complaint) -> str:
    return f"complaint:{complaint.pk}"


def _subjects(complaint: Complaint) -> list[dict]:
    subjects = []
    if complaint.enterprise_id:
        subjects.append({"enterprise": complaint.enterprise})
    if complaint.worker_id:
        subjects.append({"worker": complaint.worker})
    return subjects


def complaint_severity(category: str) -> str:
    if category in settings.COMPLAINT_SERIOUS_CATEGORIES:
        return Severity.SERIOUS
    return Severity.GENERAL


def _credit_record(*, actor, complaint: Complaint) -> list[CreditEvent]:
    """The credit events of a closed case: a substantiated complaint against the enterprise
    and the worker named, and an enterprise answer given late or never given."""
    day = timezone.localdate(complaint.closed_at)
    if complaint.is_report:
        kind = EventKind.SUBSTANTIATED_REPORT
        label = ReportCategory(complaint.report_category).label
    else:
        kind, label = EventKind.SUBSTANTIATED_COMPLAINT, Category(complaint.category).label
    events = []
    if complaint.substantiated:
        for subject in _subjects(complaint):
            events.append(
                credit_event_record(
                    actor=actor,
                    kind=kind,
                    occurred_on=day,
                    title=f"{label}（{complaint.tracking_number}）",
                    description=complaint.outcome,
                    severity=complaint_severity(complaint.category or complaint.report_category),
                    tag=label,
                    source=CreditEvent.Source.COMPLAINT,
                    source_ref=_credit_source(complaint),
                    **subject,
                )
            )
    if complaint.enterprise_id and complaint.response_due and _answered_late(complaint, day):
        events.append(
            credit_event_record(
                actor=actor,
                kind=EventKind.COMPLAINT_LATE,
                occurred_on=day,
                title=f"企业未在期限内答复（{complaint.tracking_number}）",
                severity=Severity.MINOR,
                source=CreditEvent.Source.COMPLAINT,
                source_ref=_credit_source(complaint),
                enterprise=complaint.enterprise,
            )
        )
    return events


def _answered_late(complaint: Complaint, closed_on: date) -> bool:
    if complaint.responded_at is None:
        return closed_on > complaint.response_due
    return timezone.localdate(complaint.responded_at) > complaint.response_due


@transaction.atomic
def complaint_close(*, actor, complaint: Complaint, outcome: str, substantiated: bool) -> Complaint:
    """Close the case with its outcome and whether it is substantiated (属实). Only now
    does it reach the credit file."""
    outcome = _required(outcome, "outcome", "请填写处理结果。")
    complaint = _locked(complaint)
    if complaint.status == Status.NOT_ACCEPTED and substantiated:
        raise ValidationError({"substantiated": f"不予受理的{complaint.case_word}不能认定为属实。"})
    complaint.outcome = outcome
    complaint.substantiated = substantiated
    complaint.closed_at = timezone.now()
    _transition(
        actor=actor,
        complaint=complaint,
        to=Status.CLOSED,
        public_text=f"{complaint.case_word}已办结。处理结果：{outcome}",
    )
    _credit_record(actor=actor, complaint=complaint)
    notification_queue(complaint=complaint, event="closed")
    return complaint


def complaint_reopen_problems(complaint: Complaint) -> list[str]:
    """Why the case may not be reopened (empty when it may): the case page offers
    "重新办理" only then."""
    if complaint.status != Status.CLOSED:
        return ["只有已办结的投诉才能重新办理。"]
    if complaint.not_accepted_reason:
        return ["不予受理的投诉不能重新调解，请重新提交投诉。"]
    return []


def complaint_substantiation_problems(complaint: Complaint) -> list[str]:
    """Why the finding of the case may not be changed (empty when it may)."""
    if complaint.status != Status.CLOSED:
        return ["只有已办结的投诉才能变更是否属实的认定。"]
    return []


@transaction.atomic
def complaint_reopen(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Reopen a closed case into mediation (e.g. the agreement was not honoured); whatever
    it put into the credit file is withdrawn until it is closed again."""
    reason = _required(reason, "reason", "请填写重新办理的原因。")
    complaint = _locked(complaint)
    problems = complaint_reopen_problems(complaint)
    if problems:
        raise ComplaintTransitionError(problems[0])
    credit_event_revoke_by_source(
        actor=actor, source_ref=_credit_source(complaint), reason=f"投诉重新办理：{reason}"
    )
    complaint.closed_at = None
    complaint.substantiated = None
    complaint.mediation_ended_at = None
    complaint.notification_due = None
    if complaint.is_report:
        complaint.investigation_due = add_working_days(timezone.localdate(), INVESTIGATION_DAYS)
        to, text = Status.INVESTIGATING, f"举报重新办理，继续调查核实。原因：{reason}"
    else:
        complaint.mediation_due = add_working_days(timezone.localdate(), MEDIATION_DAYS)
        to, text = Status.MEDIATING, f"投诉重新办理，继续调解。原因：{reason}"
    _transition(actor=actor, complaint=complaint, to=to, public_text=text)
    notification_queue(complaint=complaint, event="reopened")
    return complaint


@transaction.atomic
def complaint_substantiation_change(
    *, actor, complaint: Complaint, substantiated: bool, reason: str
) -> Complaint:
    """Overturn (or confirm after review) the finding of a closed case; the credit file
    follows: the record is revoked, or recorded (reactivated) again."""
    reason = _required(reason, "reason", "请填写变更认定的原因。")
    complaint = _locked(complaint)
    problems = complaint_substantiation_problems(complaint)
    if problems:
        raise ComplaintTransitionError(problems[0])
    if complaint.substantiated == substantiated:
        return complaint
    complaint.substantiated = substantiated
    audited_save(complaint, actor=actor, update_fields=["substantiated", "updated_at"])
    complaint_note_add(
        actor=actor,
        complaint=complaint,
        text=f"认定变更为“{'属实' if substantiated else '不属实'}”：{reason}",
    )
    if substantiated:
        _credit_record(actor=actor, complaint=complaint)
    else:
        credit_event_revoke_by_source(
            actor=actor, source_ref=_credit_source(complaint), reason=f"投诉认定变更：{reason}"
        )
        # A late answer stays a fact whatever the finding.
        if complaint.response_due:
            _credit_record(actor=actor, complaint=complaint)
    return complaint


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, officer) -> Complaint:
    if officer is not None and not (officer.is_active and officer.is_staff):
        raise ValidationError({"officer": _("承办人须为在职的工作人员。")})
    complaint = _locked(complaint)
    if complaint.officer_id == getattr(officer, "pk", None):
        return complaint
    complaint.officer = officer
    audited_save(complaint, actor=actor, update_fields=["officer", "updated_at"])
    if officer is not None:
        complaint_note_add(
            actor=actor,
            complaint=complaint,
            text=f"分配给{officer.get_full_name() or officer.get_username()}承办。",
        )
        notification_queue(
            complaint=complaint, event="assigned", context={"due": complaint.current_due or "无"}
        )
    return complaint


def complaint_note_add(
    *, actor, complaint: Complaint, text: str, public: bool = False
) -> ComplaintUpdate:
    """A line on the timeline: an internal note (staff only) or a public progress update
    (shown to the resident and the enterprise)."""
    text = _required(text, "text", "请填写内容。")
    update = ComplaintUpdate(
        complaint=complaint,
        author=actor if getattr(actor, "pk", None) else None,
        visibility=(
            ComplaintUpdate.Visibility.PUBLIC if public else ComplaintUpdate.Visibility.INTERNAL
        ),
        text=text[:2000],
    )
    update.full_clean()
    update.save()
    return update


RESPONDABLE = frozenset({Status.ACCEPTED, Status.MEDIATING, Status.INVESTIGATING})


@transaction.atomic
def complaint_enterprise_respond(
    *, actor, enterprise: Enterprise, complaint: Complaint, text: str, attachments=()
) -> Complaint:
    """The enterprise's answer, from the portal. Scoped: an enterprise answers only
    complaints about itself, and only while the case is being handled."""
    text = _required(text, "enterprise_response", "请填写答复内容。")
    complaint = _locked(complaint)
    if complaint.enterprise_id != enterprise.pk:
        raise PermissionDenied("只能答复针对本企业的投诉。")
    if complaint.status not in RESPONDABLE:
        raise ComplaintTransitionError("该投诉当前不在办理中，不能答复。")
    if len(attachments) > 5:
        raise ValidationError({"attachments": _("最多上传5个附件。")})
    # A later answer replaces the text (the history keeps every version) but not the time
    # of the first one: the deadline is about when the enterprise first answered, and
    # correcting an answer given on time must not turn it into a late one.
    first_answer = complaint.responded_at is None
    complaint.enterprise_response = text[:5000]
    if first_answer:
        complaint.responded_at = timezone.now()
    audited_save(
        complaint,
        actor=actor,
        update_fields=["enterprise_response", "responded_at", "updated_at"],
    )
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=sanitised_upload(upload),
            original_name=(upload.name or "")[:200],
            source=ComplaintAttachment.Source.ENTERPRISE,
        )
    ComplaintUpdate.objects.create(
        complaint=complaint,
        author=actor if getattr(actor, "pk", None) else None,
        visibility=ComplaintUpdate.Visibility.PUBLIC,
        **update_fields("answered" if first_answer else "answer_amended"),
    )
    return complaint
