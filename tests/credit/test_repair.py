import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.models import CreditEvent, EventKind, Grade, Rating, RepairRequest, SupervisionTask
from credit.services import credit_event_revoke
from credit.services.events import CreditEventTransitionError
from credit.services.publication import ratings_finalise_due, ratings_publish
from credit.services.repair import (
    RepairTransitionError,
    credit_event_mark_repaired,
    repair_decide,
    repair_submit,
)
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    at,
    penalised_enterprise,
    rate_year,
    rating_of,
    use_workflow_admin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


@pytest.fixture
def penalised():
    """A B enterprise (57 points) because of one 一般 penalty, with its draft rating."""
    enterprise, penalty = penalised_enterprise()
    rate_year()
    return {"enterprise": enterprise, "penalty": penalty}


@pytest.fixture
def workflow_admin():
    use_workflow_admin()


# --- Applying ---------------------------------------------------------------------------------


def test_a_repair_is_applied_for_with_a_deadline(penalised, staff, settings):
    settings.CREDIT_REPAIR_DECISION_DAYS = 15
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改并公示收费标准")
    assert request.status == RepairRequest.Status.SUBMITTED
    assert request.due_on == datetime.date(2025, 12, 5)  # 20 November + 15 calendar days
    assert request.history.get().history_user == staff


@pytest.mark.parametrize("kind", [EventKind.AWARD, EventKind.TRAINING, EventKind.SERVICE_REVIEW])
def test_only_negative_records_can_be_repaired(staff, kind):
    enterprise, _ = penalised_enterprise()
    event = CreditEventFactory(enterprise=enterprise, kind=kind, value=5)
    with pytest.raises(RepairTransitionError, match="失信记录"):
        repair_submit(actor=staff, event=event, reasons="申请修复")


def test_only_active_records_can_be_repaired(penalised, staff):
    credit_event_revoke(actor=staff, event=penalised["penalty"], reason="录入错误")
    with pytest.raises(RepairTransitionError, match="已撤销"):
        repair_submit(actor=staff, event=penalised["penalty"], reasons="申请修复")


def test_evidence_is_checked_by_its_content(penalised, staff):
    disguised = SimpleUploadedFile("整改证明.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改", evidence=disguised)
    pdf = SimpleUploadedFile("整改证明.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改", evidence=pdf)
    assert request.evidence.name.startswith("credit/repairs/2025/")


def test_one_open_request_per_record(penalised, staff):
    first = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")
    with pytest.raises(RepairTransitionError, match="待审核"):
        repair_submit(actor=staff, event=penalised["penalty"], reasons="再次申请")
    repair_decide(actor=staff, request=first, approved=False, decision="整改材料不全")
    repair_submit(actor=staff, event=penalised["penalty"], reasons="补充整改材料")
    assert RepairRequest.objects.count() == 2


# --- Deciding ---------------------------------------------------------------------------------


def test_an_approved_repair_stops_the_record_counting_at_once(penalised, staff):
    rating = rating_of(penalised["enterprise"])
    assert (rating.total, rating.grade) == (Decimal("57.0"), Grade.B)
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")

    decided = repair_decide(actor=staff, request=request, approved=True, decision="整改到位")

    assert decided.status == RepairRequest.Status.APPROVED and decided.decided_by == staff
    event = CreditEvent.objects.get(pk=penalised["penalty"].pk)
    assert event.status == CreditEvent.Status.REPAIRED and "整改到位" in event.status_reason
    assert event.history.latest().history_user == staff
    rating.refresh_from_db()
    assert (rating.total, rating.grade) == (Decimal("62.0"), Grade.A)
    assert rating.status == Rating.Status.DRAFT
    assert "信用修复" in rating.history.latest().history_change_reason
    # A fresh computation agrees: the repaired record no longer counts.
    rate_year()
    assert rating_of(penalised["enterprise"]).total == Decimal("62.0")


def test_without_recompute_the_repair_counts_from_the_next_computation(penalised, staff):
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")
    repair_decide(actor=staff, request=request, approved=True, decision="整改到位", recompute=False)
    assert rating_of(penalised["enterprise"]).total == Decimal("57.0")
    rate_year()
    assert rating_of(penalised["enterprise"]).total == Decimal("62.0")


def test_a_publicised_rating_is_recomputed_and_its_spot_check_called_off(penalised, staff):
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(penalised["enterprise"])
    task = SupervisionTask.objects.get(rating=rating)
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")

    repair_decide(actor=staff, request=request, approved=True, decision="整改到位")

    rating.refresh_from_db()
    assert (rating.grade, rating.status) == (Grade.A, Rating.Status.PUBLICISED)
    task.refresh_from_db()
    assert task.status == SupervisionTask.Status.CANCELLED


def test_a_repair_never_changes_a_final_rating(penalised, staff, clock):
    ratings_publish(actor=staff, year=YEAR)
    clock.move_to(at(datetime.date(2025, 11, 27)))
    ratings_finalise_due(today=datetime.date(2025, 11, 27))
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")

    repair_decide(actor=staff, request=request, approved=True, decision="整改到位")

    rating = rating_of(penalised["enterprise"])
    assert (rating.total, rating.grade, rating.status) == (Decimal("57.0"), Grade.B, "final")
    assert CreditEvent.objects.get(pk=penalised["penalty"].pk).status == "repaired"


def test_a_rejected_repair_leaves_record_and_rating(penalised, staff):
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")
    history = rating_of(penalised["enterprise"]).history.count()
    decided = repair_decide(actor=staff, request=request, approved=False, decision="未见整改证明")
    assert decided.status == RepairRequest.Status.REJECTED
    assert CreditEvent.objects.get(pk=penalised["penalty"].pk).status == "active"
    rating = rating_of(penalised["enterprise"])
    assert rating.total == Decimal("57.0") and rating.history.count() == history


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_a_decided_request_cannot_be_decided_again(penalised, staff, first, second):
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")
    repair_decide(actor=staff, request=request, approved=first, decision="已审核")
    with pytest.raises(RepairTransitionError):
        repair_decide(actor=staff, request=request, approved=second, decision="再审核")


def test_a_decision_needs_its_reasons(penalised, staff):
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")
    with pytest.raises(ValidationError):
        repair_decide(actor=staff, request=request, approved=True, decision="")
    assert CreditEvent.objects.get(pk=penalised["penalty"].pk).status == "active"


@pytest.mark.parametrize("status", [CreditEvent.Status.REPAIRED, CreditEvent.Status.REVOKED])
def test_only_an_active_record_becomes_repaired(penalised, staff, status):
    CreditEvent.objects.filter(pk=penalised["penalty"].pk).update(status=status)
    with pytest.raises(CreditEventTransitionError):
        credit_event_mark_repaired(actor=staff, event=penalised["penalty"], reason="修复")
    assert CreditEvent.objects.get(pk=penalised["penalty"].pk).status == status


def test_a_record_revoked_meanwhile_cannot_be_approved(penalised, staff):
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改")
    credit_event_revoke(actor=staff, event=penalised["penalty"], reason="投诉被撤回")
    with pytest.raises(CreditEventTransitionError):
        repair_decide(actor=staff, request=request, approved=True, decision="整改到位")
    assert RepairRequest.objects.get(pk=request.pk).status == RepairRequest.Status.SUBMITTED


# --- Admin pages ------------------------------------------------------------------------------


def test_staff_approve_a_repair_in_the_admin(workflow_admin, admin_client, penalised, staff):
    request = repair_submit(actor=staff, event=penalised["penalty"], reasons="已整改并公示")
    listing = admin_client.get("/admin/credit/repairrequest/")
    assert listing.status_code == 200 and "审核" in listing.content.decode()

    url = f"/admin/credit/repairrequest/{request.pk}/decide/"
    page = admin_client.get(url)
    assert page.status_code == 200 and "已整改并公示" in page.content.decode()
    incomplete = admin_client.post(url, {"outcome": "approved"})
    assert incomplete.status_code == 200  # the decision text is missing
    response = admin_client.post(
        url, {"outcome": "approved", "decision": "整改到位，准予修复", "recompute": "on"}
    )

    assert response.status_code == 302
    assert RepairRequest.objects.get(pk=request.pk).status == RepairRequest.Status.APPROVED
    assert CreditEvent.objects.get(pk=penalised["penalty"].pk).status == "repaired"
    assert rating_of(penalised["enterprise"]).grade == Grade.A


def test_staff_register_a_repair_request_in_the_admin(
    workflow_admin, admin_client, penalised, django_assert_max_num_queries
):
    assert admin_client.get("/admin/credit/repairrequest/add/").status_code == 200
    response = admin_client.post(
        "/admin/credit/repairrequest/add/",
        {"event": penalised["penalty"].pk, "reasons": "企业提交书面申请"},
    )
    assert response.status_code == 302
    request = RepairRequest.objects.get()
    assert request.submitted_by.username == "admin"
    for _ in range(20):
        event = CreditEventFactory(enterprise=penalised["enterprise"], kind=EventKind.PENALTY)
        RepairRequest.objects.create(event=event, reasons="已整改", due_on=request.due_on)
    with django_assert_max_num_queries(12):
        assert admin_client.get("/admin/credit/repairrequest/").status_code == 200
