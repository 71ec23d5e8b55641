import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from credit.models import CreditEvent, EventKind, Grade, Objection, Rating, SupervisionTask
from credit.services.objections import (
    OBJECTION_MACHINE,
    Corrections,
    MissingEvent,
    ObjectionTransitionError,
    objection_decide,
    objection_submit,
)
from credit.services.publication import ratings_publish
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    RatingFactory,
    at,
    penalised_enterprise,
    rate_year,
    rating_of,
    use_workflow_admin,
)
from zhouqu_jiazheng.roles import LEADER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


@pytest.fixture
def contested(staff):
    """A B enterprise (57 points, one penalty) whose rating is publicised."""
    enterprise, penalty = penalised_enterprise()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    return {"enterprise": enterprise, "penalty": penalty, "rating": rating_of(enterprise)}


@pytest.fixture
def workflow_admin():
    use_workflow_admin()


# --- Submitting -------------------------------------------------------------------------------


def test_an_objection_is_lodged_with_a_deadline(contested, staff, settings):
    settings.CREDIT_OBJECTION_DECISION_DAYS = 12
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="处罚已撤销")
    assert objection.status == Objection.Status.SUBMITTED
    assert objection.due_on == datetime.date(2025, 12, 2)  # 20 November + 12 calendar days
    assert objection.submitted_by == staff
    assert objection.history.get().history_user == staff


@pytest.mark.parametrize("status", [Rating.Status.DRAFT, Rating.Status.FINAL])
def test_objections_only_to_publicised_ratings(staff, status):
    rating = RatingFactory(status=status)
    with pytest.raises(ObjectionTransitionError, match="公示中"):
        objection_submit(actor=staff, rating=rating, reasons="分数有误")
    assert not Objection.objects.exists()


def test_objections_only_within_the_publicity_period(contested, staff, clock):
    clock.move_to(at(datetime.date(2025, 11, 26)))  # the last day still counts
    objection_submit(actor=staff, rating=contested["rating"], reasons="分数有误")
    Objection.objects.update(status=Objection.Status.REJECTED)

    clock.move_to(at(datetime.date(2025, 11, 27)))
    with pytest.raises(ObjectionTransitionError, match="异议受理期限"):
        objection_submit(actor=staff, rating=contested["rating"], reasons="分数有误")


def test_one_open_objection_per_rating(contested, staff):
    first = objection_submit(actor=staff, rating=contested["rating"], reasons="处罚已撤销")
    with pytest.raises(ObjectionTransitionError, match="待处理的异议"):
        objection_submit(actor=staff, rating=contested["rating"], reasons="再次提出")
    objection_decide(actor=staff, objection=first, upheld=False, decision="处罚决定有效")
    # Decided: another objection within the period is allowed.
    objection_submit(actor=staff, rating=contested["rating"], reasons="补充新证据")
    assert Objection.objects.count() == 2


def test_reasons_are_required(contested, staff):
    with pytest.raises(ValidationError):
        objection_submit(actor=staff, rating=contested["rating"], reasons="  ")


# --- Deciding ---------------------------------------------------------------------------------


def test_an_upheld_objection_changes_the_rating_and_records_why(contested, staff):
    rating = contested["rating"]
    assert (rating.total, rating.grade) == (Decimal("57.0"), Grade.B)
    task = SupervisionTask.objects.get(rating=rating)
    objection = objection_submit(actor=staff, rating=rating, reasons="该处罚已被复议撤销")

    decided = objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="经核实，行政处罚已于10月被复议机关撤销，撤销该记录。",
        corrections=Corrections(revoke=[contested["penalty"]]),
    )

    rating.refresh_from_db()
    assert (rating.total, rating.grade) == (Decimal("62.0"), Grade.A)
    assert rating.status == Rating.Status.PUBLICISED
    assert decided.status == Objection.Status.UPHELD
    assert (decided.previous_total, decided.previous_grade) == (Decimal("57.0"), Grade.B)
    assert decided.decided_by == staff and decided.decided_at is not None
    change = rating.history.latest()
    assert change.history_user == staff
    assert "复议机关撤销" in change.history_change_reason
    assert change.total == Decimal("62.0")
    penalty = CreditEvent.objects.get(pk=contested["penalty"].pk)
    assert penalty.status == CreditEvent.Status.REVOKED and "异议" in penalty.status_reason
    # No longer B: its spot check is called off, with the reason.
    task.refresh_from_db()
    assert task.status == SupervisionTask.Status.CANCELLED and "异议" in task.findings


def test_an_upheld_objection_can_record_a_missing_positive_record(contested, staff):
    objection = objection_submit(
        actor=staff, rating=contested["rating"], reasons="获县级表彰未录入"
    )
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="补录县级表彰。",
        corrections=Corrections(
            record=[MissingEvent(EventKind.AWARD, datetime.date(2025, 5, 1), "县级巾帼家政表彰")]
        ),
    )
    award = CreditEvent.objects.get(kind=EventKind.AWARD)
    assert award.enterprise == contested["enterprise"]
    assert award.source_ref == f"credit.Objection:{objection.pk}#1"
    rating = rating_of(contested["enterprise"])
    assert rating.total > Decimal("57.0")


def test_a_rejected_objection_leaves_the_rating_as_it_is(contested, staff):
    rating = contested["rating"]
    before = (rating.total, rating.grade, rating.computed_at, rating.history.count())
    objection = objection_submit(actor=staff, rating=rating, reasons="分数太低")

    decided = objection_decide(
        actor=staff, objection=objection, upheld=False, decision="评分依据充分，维持原结果。"
    )

    rating.refresh_from_db()
    assert (rating.total, rating.grade, rating.computed_at, rating.history.count()) == before
    assert decided.status == Objection.Status.REJECTED
    assert decided.previous_total is None and decided.previous_grade == ""
    assert CreditEvent.objects.get(pk=contested["penalty"].pk).status == CreditEvent.Status.ACTIVE
    assert SupervisionTask.objects.get(rating=rating).status == SupervisionTask.Status.OPEN


def test_a_rejected_objection_corrects_nothing(contested, staff):
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="分数太低")
    with pytest.raises(ValidationError, match="不能更正"):
        objection_decide(
            actor=staff,
            objection=objection,
            upheld=False,
            decision="不成立",
            corrections=Corrections(revoke=[contested["penalty"]]),
        )
    assert CreditEvent.objects.get(pk=contested["penalty"].pk).status == CreditEvent.Status.ACTIVE
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.SUBMITTED


def test_a_decision_needs_its_reasons(contested, staff):
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="分数太低")
    with pytest.raises(ValidationError):
        objection_decide(actor=staff, objection=objection, upheld=False, decision=" ")


def test_corrections_only_to_the_objecting_subjects_records(contested, staff):
    stranger = CreditEventFactory(enterprise=penalised_enterprise()[0], kind=EventKind.PENALTY)
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="分数太低")
    with pytest.raises(ValidationError, match="不属于"):
        objection_decide(
            actor=staff,
            objection=objection,
            upheld=True,
            decision="撤销",
            corrections=Corrections(revoke=[stranger]),
        )
    assert CreditEvent.objects.get(pk=stranger.pk).status == CreditEvent.Status.ACTIVE


@pytest.mark.parametrize("first", [True, False])
@pytest.mark.parametrize("second", [True, False])
def test_a_decided_objection_cannot_be_decided_again(contested, staff, first, second):
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="分数太低")
    objection_decide(actor=staff, objection=objection, upheld=first, decision="已处理")
    with pytest.raises(ObjectionTransitionError):
        objection_decide(actor=staff, objection=objection, upheld=second, decision="再处理")
    assert OBJECTION_MACHINE.transitions[Objection.Status.UPHELD] == set()
    assert OBJECTION_MACHINE.transitions[Objection.Status.REJECTED] == set()


# --- Admin pages ------------------------------------------------------------------------------


def test_staff_decide_an_objection_in_the_admin(workflow_admin, admin_client, contested, staff):
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="处罚已撤销")
    listing = admin_client.get("/admin/credit/objection/")
    assert listing.status_code == 200
    assert "处理异议" in listing.content.decode()

    url = f"/admin/credit/objection/{objection.pk}/decide/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "处罚已撤销" in page.content.decode() and "未按规定公示收费标准" in page.content.decode()

    response = admin_client.post(
        url,
        {
            "outcome": "upheld",
            "decision": "处罚已撤销，撤销该记录。",
            "revoke": [contested["penalty"].pk],
        },
    )
    assert response.status_code == 302
    rating = rating_of(contested["enterprise"])
    assert (rating.total, rating.grade) == (Decimal("62.0"), Grade.A)
    assert rating.history.latest().history_user.username == "admin"
    shown = admin_client.get(response["Location"]).content.decode()
    assert "等级已变更，重新公示至2025年11月26日" in shown

    # Decided: the page now shows the refusal instead of deciding twice.
    again = admin_client.post(url, {"outcome": "rejected", "decision": "再处理"})
    assert again.status_code == 200
    assert "不能变更" in again.content.decode()
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.UPHELD


def test_admin_change_page_is_read_only(workflow_admin, admin_client, contested, staff):
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="处罚已撤销")
    url = f"/admin/credit/objection/{objection.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"status": "upheld"}).status_code == 403
    assert admin_client.post(f"/admin/credit/objection/{objection.pk}/delete/").status_code == 403
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.SUBMITTED


def test_staff_register_an_objection_on_behalf_of_a_subject(
    workflow_admin, admin_client, contested
):
    assert admin_client.get("/admin/credit/objection/add/").status_code == 200
    response = admin_client.post(
        "/admin/credit/objection/add/",
        {"rating": contested["rating"].pk, "reasons": "企业书面提出异议"},
    )
    assert response.status_code == 302
    assert Objection.objects.get().submitted_by.username == "admin"
    # A second one is refused on the form.
    again = admin_client.post(
        "/admin/credit/objection/add/", {"rating": contested["rating"].pk, "reasons": "再次"}
    )
    assert again.status_code == 200 and "待处理的异议" in again.content.decode()


def test_read_only_roles_cannot_decide(workflow_admin, client, contested, staff, django_user_model):
    leader = django_user_model.objects.create_user("lingdao-t", password="pw", is_staff=True)
    leader.groups.add(Group.objects.get(name=LEADER))
    client.force_login(leader)
    objection = objection_submit(actor=staff, rating=contested["rating"], reasons="分数太低")
    assert client.get("/admin/credit/objection/").status_code == 200
    url = f"/admin/credit/objection/{objection.pk}/decide/"
    assert client.post(url, {"outcome": "rejected", "decision": "x"}).status_code == 403
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.SUBMITTED
