"""Handling in the back office: the status machine, deadlines and the credit file."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.models import (
    Complaint,
    ComplaintUpdate,
    DeadlineAlert,
    DeadlineState,
    Notification,
    Status,
)
from complaints.selectors import deadline_status
from complaints.services import (
    COMPLAINT_MACHINE,
    ComplaintTransitionError,
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_enterprise_respond,
    complaint_investigation_start,
    complaint_mediation_end,
    complaint_mediation_start,
    complaint_not_accept,
    complaint_note_add,
    complaint_refer,
    complaint_reopen,
    complaint_satisfaction_rate,
    complaint_substantiation_change,
    complaints_check_deadlines,
)
from credit.models import CreditEvent, EventKind, Severity
from tests.complaints.test_intake import submit
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        username="tousu", password="pw", is_staff=True, email="tousu@example.cn"
    )


def walk(complaint, officer, *, to: str, substantiated: bool = False):
    """Take a submitted case along the happy path to `to`."""
    steps = [
        (Status.ACCEPTED, lambda c: complaint_accept(actor=officer, complaint=c)),
        (Status.MEDIATING, lambda c: complaint_mediation_start(actor=officer, complaint=c)),
        (
            Status.MEDIATED,
            lambda c: complaint_mediation_end(
                actor=officer, complaint=c, agreed=True, summary="企业退还200元。"
            ),
        ),
        (
            Status.CLOSED,
            lambda c: complaint_close(
                actor=officer, complaint=c, outcome="已退款。", substantiated=substantiated
            ),
        ),
    ]
    for status, step in steps:
        complaint = step(complaint)
        if status == to:
            return complaint
    raise AssertionError(to)


# --- The status machine ---------------------------------------------------------------

ACTIONS = {
    Status.ACCEPTED: lambda a, c: complaint_accept(actor=a, complaint=c),
    Status.NOT_ACCEPTED: lambda a, c: complaint_not_accept(
        actor=a, complaint=c, reason="不属于家政服务。"
    ),
    Status.MEDIATING: lambda a, c: complaint_mediation_start(actor=a, complaint=c),
    Status.INVESTIGATING: lambda a, c: complaint_investigation_start(actor=a, complaint=c),
    Status.MEDIATED: lambda a, c: complaint_mediation_end(
        actor=a, complaint=c, agreed=True, summary="协议"
    ),
    Status.MEDIATION_FAILED: lambda a, c: complaint_mediation_end(
        actor=a, complaint=c, agreed=False, summary="企业拒绝调解"
    ),
    Status.CLOSED: lambda a, c: complaint_close(
        actor=a, complaint=c, outcome="办结", substantiated=False
    ),
    Status.REFERRED: lambda a, c: complaint_refer(
        actor=a, complaint=c, referred_to="police", referred_on=date(2025, 10, 9)
    ),
}


# Every (status, target) pair the machine does not allow; nothing leads back to submitted.
ILLEGAL = [
    (current, target)
    for current in Status.values
    for target in Status.values
    if target != Status.SUBMITTED and target not in COMPLAINT_MACHINE.transitions[current]
]


def test_the_illegal_pairs_are_the_complement_of_the_machine():
    allowed = sum(len(targets) for targets in COMPLAINT_MACHINE.transitions.values())
    assert len(ILLEGAL) + allowed == len(Status.values) * (len(Status.values) - 1)


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused(current, target, officer):
    complaint = ComplaintFactory(status=current, mediation_due=date(2025, 12, 1))
    action = ACTIONS[target]
    with pytest.raises(ComplaintTransitionError) as error:
        action(officer, complaint)
    assert "不能改为" in error.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.status == current
    assert not complaint.updates.exists()


def test_reopening_is_refused_unless_closed(officer):
    for status in Status.values:
        if status == Status.CLOSED:
            continue
        complaint = ComplaintFactory(status=status)
        with pytest.raises(ComplaintTransitionError):
            complaint_reopen(actor=officer, complaint=complaint, reason="协议未履行")


def test_the_happy_path_writes_timeline_history_and_messages(officer, django_user_model):
    complaint = ComplaintFactory()
    closed = walk(complaint, officer, to=Status.CLOSED)
    statuses = list(closed.updates.values_list("status_to", flat=True))
    assert statuses == [Status.ACCEPTED, Status.MEDIATING, Status.MEDIATED, Status.CLOSED]
    assert all(u.author == officer for u in closed.updates.all())
    history = closed.history.order_by("history_date")
    assert [h.status for h in history][-4:] == statuses
    assert {h.history_user for h in history[1:]} == {officer}  # [0]: the factory's insert
    events = list(closed.notifications.values_list("recipient", flat=True))
    assert events.count(Notification.Recipient.COMPLAINANT) >= 3


def test_stage_texts_are_required(officer):
    complaint = ComplaintFactory()
    with pytest.raises(ValidationError):
        complaint_not_accept(actor=officer, complaint=complaint, reason="  ")
    accepted = complaint_accept(actor=officer, complaint=complaint)
    mediating = complaint_mediation_start(actor=officer, complaint=accepted)
    with pytest.raises(ValidationError):
        complaint_mediation_end(actor=officer, complaint=mediating, agreed=True, summary="")
    ended = complaint_mediation_end(
        actor=officer, complaint=mediating, agreed=False, summary="拒绝"
    )
    with pytest.raises(ValidationError):
        complaint_close(actor=officer, complaint=ended, outcome="", substantiated=True)


# --- Deadlines in working days --------------------------------------------------------


@time_machine.travel("2025-09-26 10:00 +0800", tick=False)
def test_acceptance_deadline_across_national_day_and_make_up_days(officer):
    """Friday 26 September: Sunday 28 Sep is a make-up working day, 1–8 October are the
    holiday, Saturday 11 October is a make-up working day. 7 working days: 28 Sep, 29, 30,
    9 Oct, 10, 11, 13 → due Monday 13 October."""
    complaint = submit().complaint  # the real intake computes the due date
    assert complaint.acceptance_due == date(2025, 10, 13)


def test_mediation_and_notification_deadlines(officer):
    complaint = ComplaintFactory()
    with time_machine.travel("2025-09-30 09:00 +0800", tick=False):
        accepted = complaint_accept(actor=officer, complaint=complaint)
    # 45 working days from Tuesday 30 September, skipping 1–8 October, counting Saturday
    # 11 October: 3 in the week of 9 October, 35 in the seven weeks to 28 November, then
    # 1–5 and 8–9 December.
    assert accepted.mediation_due == date(2025, 12, 9)
    with time_machine.travel("2025-12-26 09:00 +0800", tick=False):
        started = complaint_mediation_start(actor=officer, complaint=accepted)
        ended = complaint_mediation_end(
            actor=officer, complaint=started, agreed=False, summary="企业拒绝"
        )
    # Friday 26 December + 7 working days: 29, 30, 31 Dec, (1–3 Jan New Year off), 4 Jan
    # (make-up Sunday), 5, 6, 7 → Wednesday 7 January 2026.
    assert ended.notification_due == date(2026, 1, 7)


def test_deadline_states_at_seventy_percent_and_overdue():
    complaint = ComplaintFactory(
        received_at=datetime(2025, 11, 3, 9, tzinfo=SHANGHAI),
        acceptance_due=date(2025, 11, 12),
    )
    # 7 working days: 4–7 Nov (4), 10, 11, 12 Nov. 70 % of 7 = 4.9 → due soon from day 5.
    assert deadline_status(complaint, date(2025, 11, 7)).state == DeadlineState.ON_TIME
    assert deadline_status(complaint, date(2025, 11, 10)).state == DeadlineState.DUE_SOON
    assert deadline_status(complaint, date(2025, 11, 12)).state == DeadlineState.DUE_SOON
    assert deadline_status(complaint, date(2025, 11, 13)).state == DeadlineState.OVERDUE


def test_hourly_check_warns_the_officer_once_per_level(officer, django_capture_on_commit_callbacks):
    complaint = ComplaintFactory(
        received_at=datetime(2025, 11, 3, 9, tzinfo=SHANGHAI),
        acceptance_due=date(2025, 11, 12),
        officer=officer,
    )
    calm = ComplaintFactory(
        received_at=datetime(2025, 11, 10, 9, tzinfo=SHANGHAI),
        acceptance_due=date(2025, 11, 19),
    )
    with django_capture_on_commit_callbacks(execute=True):
        counts = complaints_check_deadlines(today=date(2025, 11, 10))
        again = complaints_check_deadlines(today=date(2025, 11, 11))
    assert counts["due_soon"] == 1 and counts["on_time"] == 1 and counts["alerts"] == 1
    assert again["alerts"] == 0
    complaint.refresh_from_db()
    calm.refresh_from_db()
    assert complaint.deadline_state == DeadlineState.DUE_SOON
    assert calm.deadline_state == DeadlineState.ON_TIME
    with django_capture_on_commit_callbacks(execute=True):
        overdue = complaints_check_deadlines(today=date(2025, 11, 13))
    assert overdue["overdue"] == 1 and overdue["alerts"] == 1
    levels = set(DeadlineAlert.objects.values_list("level", flat=True))
    assert levels == {"due_soon", "overdue"}
    officer_messages = Notification.objects.filter(recipient=Notification.Recipient.OFFICER)
    assert officer_messages.count() == 2
    assert all(m.status == Notification.Status.SENT for m in officer_messages)
    assert Complaint.objects.filter(deadline_state=DeadlineState.OVERDUE).count() == 1


# --- The credit file ------------------------------------------------------------------


def complaint_events(complaint):
    return CreditEvent.objects.filter(source_ref=f"complaint:{complaint.pk}")


def test_nothing_counts_before_the_case_is_closed(officer):
    complaint = ComplaintFactory(category="personal_safety")
    mediated = walk(complaint, officer, to=Status.MEDIATED)
    assert not complaint_events(mediated).exists()


def test_substantiated_closure_creates_one_event_per_subject_and_reopen_revokes(officer):
    worker = WorkerFactory()
    enterprise = EnterpriseFactory()
    EmploymentFactory(worker=worker, enterprise=enterprise)
    complaint = ComplaintFactory(enterprise=enterprise, worker=worker, category="personal_safety")
    with time_machine.travel("2025-10-20 10:00 +0800", tick=False):
        closed = walk(complaint, officer, to=Status.CLOSED, substantiated=True)
    events = complaint_events(closed).filter(kind=EventKind.SUBSTANTIATED_COMPLAINT)
    assert events.count() == 2
    by_subject = {(e.enterprise_id, e.worker_id): e for e in events}
    assert set(by_subject) == {(enterprise.pk, None), (None, worker.pk)}
    for event in events:
        assert event.severity == Severity.SERIOUS
        assert event.tag == "人身安全"  # the veto rule of the default standard matches this
        assert event.source == CreditEvent.Source.COMPLAINT
        assert event.occurred_on == date(2025, 10, 20)
        assert event.status == CreditEvent.Status.ACTIVE

    with time_machine.travel("2025-10-22 10:00 +0800", tick=False):
        reopened = complaint_reopen(actor=officer, complaint=closed, reason="协议未履行")
        assert reopened.status == Status.MEDIATING and reopened.substantiated is None
        assert set(complaint_events(reopened).values_list("status", flat=True)) == {"revoked"}
        again = complaint_mediation_end(
            actor=officer, complaint=reopened, agreed=True, summary="退款"
        )
        closed_again = complaint_close(
            actor=officer, complaint=again, outcome="退款", substantiated=True
        )
    # Closing again reactivates the same records: still exactly one per subject.
    assert complaint_events(closed_again).count() == 2
    assert set(complaint_events(closed_again).values_list("status", flat=True)) == {"active"}


def test_general_severity_for_other_categories_and_configurable(officer, settings):
    complaint = walk(
        ComplaintFactory(category="attitude"), officer, to=Status.CLOSED, substantiated=True
    )
    assert complaint_events(complaint).get().severity == Severity.GENERAL
    settings.COMPLAINT_SERIOUS_CATEGORIES = ["attitude"]
    other = walk(
        ComplaintFactory(category="attitude"), officer, to=Status.CLOSED, substantiated=True
    )
    assert complaint_events(other).get().severity == Severity.SERIOUS


def test_not_substantiated_closure_records_nothing(officer):
    complaint = walk(ComplaintFactory(), officer, to=Status.CLOSED, substantiated=False)
    assert not complaint_events(complaint).exists()


def test_overturning_revokes_and_confirming_records_again(officer):
    closed = walk(ComplaintFactory(), officer, to=Status.CLOSED, substantiated=True)
    event = complaint_events(closed).get()
    overturned = complaint_substantiation_change(
        actor=officer, complaint=closed, substantiated=False, reason="复核发现证据不足"
    )
    event.refresh_from_db()
    assert event.status == CreditEvent.Status.REVOKED
    assert overturned.substantiated is False
    assert overturned.updates.filter(visibility=ComplaintUpdate.Visibility.INTERNAL).exists()
    complaint_substantiation_change(
        actor=officer, complaint=overturned, substantiated=True, reason="行政复议维持原认定"
    )
    event.refresh_from_db()
    assert event.status == CreditEvent.Status.ACTIVE
    assert complaint_events(closed).count() == 1


def test_not_accepted_case_cannot_be_substantiated_or_reopened(officer):
    rejected = complaint_not_accept(actor=officer, complaint=ComplaintFactory(), reason="超出范围")
    with pytest.raises(ValidationError):
        complaint_close(actor=officer, complaint=rejected, outcome="已告知", substantiated=True)
    closed = complaint_close(
        actor=officer, complaint=rejected, outcome="已告知", substantiated=False
    )
    with pytest.raises(ComplaintTransitionError):
        complaint_reopen(actor=officer, complaint=closed, reason="再看看")


# --- The enterprise's answer ----------------------------------------------------------


def test_enterprise_answers_only_its_own_case_while_it_is_handled(officer):
    enterprise = EnterpriseFactory()
    other = EnterpriseFactory()
    complaint = ComplaintFactory(enterprise=enterprise)
    with pytest.raises(ComplaintTransitionError):
        complaint_enterprise_respond(
            actor=None, enterprise=enterprise, complaint=complaint, text="我们会处理。"
        )
    accepted = complaint_accept(actor=officer, complaint=complaint)
    with pytest.raises(PermissionDenied):
        complaint_enterprise_respond(actor=None, enterprise=other, complaint=accepted, text="x")
    answered = complaint_enterprise_respond(
        actor=None, enterprise=enterprise, complaint=accepted, text="已联系客户，同意退款。"
    )
    assert answered.enterprise_response == "已联系客户，同意退款。"
    assert answered.responded_at is not None
    assert answered.updates.filter(event="answered").exists()


def test_late_or_missing_answer_becomes_a_minor_event_at_closure(officer):
    complaint = ComplaintFactory()
    with time_machine.travel("2025-11-03 09:00 +0800", tick=False):
        accepted = complaint_accept(actor=officer, complaint=complaint)
    assert accepted.response_due == date(2025, 11, 10)
    with time_machine.travel("2025-11-20 09:00 +0800", tick=False):
        mediating = complaint_mediation_start(actor=officer, complaint=accepted)
        ended = complaint_mediation_end(
            actor=officer, complaint=mediating, agreed=True, summary="退款"
        )
        closed = complaint_close(
            actor=officer, complaint=ended, outcome="退款", substantiated=False
        )
    late = complaint_events(closed).get()
    assert late.kind == EventKind.COMPLAINT_LATE
    assert late.severity == Severity.MINOR
    assert late.enterprise_id == complaint.enterprise_id


def test_an_answer_on_time_records_nothing(officer):
    complaint = ComplaintFactory()
    with time_machine.travel("2025-11-03 09:00 +0800", tick=False):
        accepted = complaint_accept(actor=officer, complaint=complaint)
        complaint_enterprise_respond(
            actor=None, enterprise=complaint.enterprise, complaint=accepted, text="同意退款"
        )
    with time_machine.travel("2025-11-20 09:00 +0800", tick=False):
        mediating = complaint_mediation_start(actor=officer, complaint=accepted)
        ended = complaint_mediation_end(
            actor=officer, complaint=mediating, agreed=True, summary="退款"
        )
        closed = complaint_close(
            actor=officer, complaint=ended, outcome="退款", substantiated=False
        )
    assert not complaint_events(closed).exists()


# --- Assignment, notes, satisfaction --------------------------------------------------


def test_assignment_notifies_the_officer_and_notes_stay_internal(officer, django_user_model):
    complaint = ComplaintFactory()
    assigned = complaint_assign(actor=officer, complaint=complaint, officer=officer)
    assert assigned.officer == officer
    assert assigned.notifications.filter(recipient=Notification.Recipient.OFFICER).exists()
    complaint_note_add(actor=officer, complaint=assigned, text="已电话联系投诉人。")
    complaint_note_add(actor=officer, complaint=assigned, text="企业负责人今天出差。", public=False)
    complaint_note_add(
        actor=officer, complaint=assigned, text="已约定下周三现场调解。", public=True
    )
    public = assigned.updates.filter(visibility=ComplaintUpdate.Visibility.PUBLIC)
    assert list(public.values_list("text", flat=True)) == ["已约定下周三现场调解。"]
    resident = django_user_model.objects.create_user(username="resident", password="pw")
    with pytest.raises(ValidationError):
        complaint_assign(actor=officer, complaint=assigned, officer=resident)


def test_satisfaction_once_and_only_when_closed(officer):
    complaint = ComplaintFactory()
    with pytest.raises(ValidationError):
        complaint_satisfaction_rate(complaint=complaint, score=5)
    closed = walk(complaint, officer, to=Status.CLOSED)
    with pytest.raises(ValidationError):
        complaint_satisfaction_rate(complaint=closed, score=6)
    rated = complaint_satisfaction_rate(complaint=closed, score=4, comment="处理及时")
    assert rated.satisfaction == 4 and rated.satisfaction_at is not None
    with pytest.raises(ValidationError):
        complaint_satisfaction_rate(complaint=rated, score=1)
