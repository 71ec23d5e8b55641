"""Inspection rounds in the database: the population by grade, the draw recorded and
replayed from its seed, rotation across rounds, results becoming credit events and
notices, the public page and the back office."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from credit.models import CreditEvent, EventKind, Rating, RectificationNotice, Severity
from credit.services.management import key_list_add
from inspections import selectors
from inspections.models import DEFAULT_RATES, RATE_FIELDS, Inspection, InspectionRound, Stratum
from inspections.services import inspection_record, round_draw
from tests.factories.credit_workflows import RatingFactory
from tests.factories.registry import EnterpriseFactory
from zhouqu_jiazheng.roles import CREDIT_OFFICER

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)
ALL = dict.fromkeys(RATE_FIELDS.values(), 100)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 10, 2, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def inspectors(django_user_model):
    group = Group.objects.get(name=CREDIT_OFFICER)
    users = []
    for n in range(5):
        user = django_user_model.objects.create_user(f"jiancha{n}", is_staff=True)
        user.groups.add(group)
        users.append(user)
    # Not in the pool: inactive, or not in the group.
    django_user_model.objects.create_user("lizhi", is_staff=True, is_active=False).groups.add(group)
    django_user_model.objects.create_user("other", is_staff=True)
    return users


def graded(grade, status=Rating.Status.FINAL, year=2025):
    enterprise = EnterpriseFactory()
    RatingFactory(enterprise=enterprise, grade=grade, status=status, year=year)
    return enterprise


def draw_round(actor, seed=42, title="2026年第一季度双随机抽查", rates=None, **kwargs):
    return round_draw(
        actor=actor,
        title=title,
        starts_on=kwargs.get("starts_on", TODAY),
        ends_on=kwargs.get("ends_on", TODAY + datetime.timedelta(days=30)),
        rates=rates or ALL,
        seed=seed,
    )


def test_the_population_goes_by_key_list_then_latest_published_grade(inspectors):
    aaa = graded("AAA")
    b = graded("B", status=Rating.Status.PUBLICISED)
    draft_only = graded("AAA", status=Rating.Status.DRAFT)
    not_graded = graded("N")
    listed = graded("AAA")
    key_list_add(actor=None, enterprise=listed, reason="严重失信", basis="判决书", starts_on=TODAY)
    older = graded("B")
    RatingFactory(
        enterprise=older,
        grade="AA",
        status=Rating.Status.FINAL,
        year=2026,
        standard=Rating.objects.get(enterprise=older).standard,
    )
    closed = graded("A")
    closed.business_status = closed.BusinessStatus.DEREGISTERED
    closed.save()
    strata = selectors.population(TODAY)
    assert strata[aaa.pk] == Stratum.AAA
    assert strata[b.pk] == Stratum.B
    assert strata[draft_only.pk] == Stratum.UNRATED
    assert strata[not_graded.pk] == Stratum.UNRATED
    assert strata[listed.pk] == Stratum.KEY_LIST
    assert strata[older.pk] == Stratum.AA
    assert closed.pk not in strata


def test_a_round_records_its_seed_and_replays_to_the_same_draw(inspectors):
    for grade in ("AAA", "AA", "A", "B", "N") * 4:
        graded(grade)
    rates = {**DEFAULT_RATES}
    inspection_round = draw_round(inspectors[0], seed=987654321, rates=rates)
    assert inspection_round.seed == 987654321
    assert inspection_round.drawn_by == inspectors[0]
    assert inspection_round.history.first().history_change_reason.startswith(
        "双随机抽取：种子987654321"
    )
    assert selectors.round_matches_seed(inspection_round)
    # Tampering with the record is found out.
    inspection = inspection_round.inspections.first()
    Inspection.objects.filter(pk=inspection.pk).update(scheduled_on=TODAY)
    inspection.inspectors.set(inspectors[-2:])
    assert not selectors.round_matches_seed(InspectionRound.objects.get(pk=inspection_round.pk))


def test_each_inspection_gets_two_inspectors_from_the_pool(inspectors):
    for _ in range(6):
        graded("B")
    inspection_round = draw_round(inspectors[0])
    pool = set(inspectors)
    assert inspection_round.inspections.count() == 6
    for inspection in inspection_round.inspections.all():
        chosen = set(inspection.inspectors.all())
        assert len(chosen) == 2 and chosen <= pool


def test_nobody_inspects_the_same_enterprise_twice_in_a_row(inspectors):
    for _ in range(8):
        graded("B")
    last: dict[int, set[int]] = {}
    for n in range(6):
        inspection_round = draw_round(inspectors[0], seed=n, title=f"第{n}轮")
        for inspection in inspection_round.inspections.prefetch_related("inspectors"):
            ids = {u.pk for u in inspection.inspectors.all()}
            assert not ids & last.get(inspection.enterprise_id, set())
            last[inspection.enterprise_id] = ids


def test_bad_rates_and_periods_are_refused(inspectors):
    with pytest.raises(ValidationError):
        draw_round(inspectors[0], rates={**ALL, "rate_b": 101})
    with pytest.raises(ValidationError):
        draw_round(inspectors[0], starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        draw_round(inspectors[0], title=" ")


# --- Results --------------------------------------------------------------------------------


@pytest.fixture
def inspections(inspectors):
    for _ in range(3):
        graded("B")
    return list(draw_round(inspectors[0]).inspections.order_by("pk"))


def record(inspection, result, actor=None, **kwargs):
    return inspection_record(
        actor=actor,
        inspection=inspection,
        result=result,
        findings=kwargs.pop("findings", "未公示收费标准"),
        done_on=kwargs.pop("done_on", TODAY),
        **kwargs,
    )


def test_a_pass_becomes_a_positive_spot_check_record_and_no_notice(inspections):
    done = record(inspections[0], Inspection.Result.PASSED)
    assert done.result_event.kind == EventKind.SPOT_CHECK_PASSED
    assert done.result_event.source == CreditEvent.Source.INSPECTION
    assert done.notice is None


def test_a_failure_becomes_a_negative_record_and_a_notice(inspections):
    done = record(
        inspections[0],
        Inspection.Result.FAILED,
        severity=Severity.SERIOUS,
        requirements="补办健康证",
        deadline=TODAY + datetime.timedelta(days=15),
    )
    assert done.result_event.kind == EventKind.SPOT_CHECK_FAILED
    assert done.result_event.severity == Severity.SERIOUS
    notice = done.notice
    assert notice.enterprise == done.enterprise
    assert notice.requirements == "补办健康证"
    assert notice.deadline == TODAY + datetime.timedelta(days=15)
    assert notice.status == RectificationNotice.Status.ISSUED


def test_an_order_to_rectify_is_a_minor_record_and_a_notice(inspections):
    done = record(inspections[0], Inspection.Result.RECTIFY)
    assert done.result_event.severity == Severity.MINOR
    assert done.notice.requirements == "未公示收费标准"


def test_results_are_recorded_once_and_checked(inspections):
    with pytest.raises(ValidationError):
        record(inspections[0], Inspection.Result.PASSED, findings="  ")
    with pytest.raises(ValidationError):
        record(inspections[0], Inspection.Result.PASSED, done_on=TODAY + datetime.timedelta(1))
    with pytest.raises(ValidationError):
        record(inspections[0], "maybe")
    record(inspections[0], Inspection.Result.PASSED)
    with pytest.raises(ValidationError):
        record(inspections[0], Inspection.Result.FAILED)


def test_the_round_is_finished_with_its_last_result(inspections):
    inspection_round = inspections[0].round
    for inspection in inspections:
        assert InspectionRound.objects.get(pk=inspection_round.pk).status == "drawn"
        record(inspection, Inspection.Result.PASSED)
    assert InspectionRound.objects.get(pk=inspection_round.pk).status == "finished"


# --- The public page (一公开) ------------------------------------------------------------------


def test_the_public_page_shows_counts_per_grade_and_disclosed_results(client, inspections):
    passed = record(inspections[0], Inspection.Result.PASSED)
    failed = record(inspections[1], Inspection.Result.FAILED)
    CreditEvent.objects.filter(pk=failed.result_event_id).update(status=CreditEvent.Status.REPAIRED)
    page = client.get(reverse("inspections:list")).content.decode()
    assert "2026年第一季度双随机抽查" in page
    assert "B 诚信警示" in page and "随机种子 42" in page
    assert passed.enterprise.name in page
    assert failed.enterprise.name not in page  # repaired: off the page
    assert inspections[2].enterprise.name not in page  # not inspected yet


def test_the_home_page_and_credit_lookup_link_the_inspection_page(client):
    assert reverse("inspections:list") in client.get("/").content.decode()
    assert reverse("inspections:list") in client.get(reverse("credit:lookup")).content.decode()


# --- The back office --------------------------------------------------------------------------


def test_staff_draw_a_round_and_record_a_result_in_the_admin(staff_client, inspectors):
    enterprise = graded("B")
    data = {
        "title": "2026年春季抽查",
        "starts_on": "2026-03-10",
        "ends_on": "2026-04-10",
        "seed": "7",
        **dict.fromkeys(RATE_FIELDS.values(), "100"),
    }
    response = staff_client.post(reverse("admin:inspections_inspectionround_add"), data)
    assert response.status_code == 302
    inspection = Inspection.objects.get(enterprise=enterprise)
    assert inspection.round.seed == 7
    page = staff_client.get(
        reverse("admin:inspections_inspectionround_change", args=[inspection.round_id])
    )
    assert "结果与记录一致" in page.content.decode()
    url = reverse("admin:inspections_inspection_record", args=[inspection.pk])
    response = staff_client.post(
        url,
        {"result": "rectify", "done_on": "2026-03-10", "findings": "服务合同不规范"},
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.notice.enterprise == enterprise


def test_a_leader_may_read_but_not_record(client, django_user_model, inspections):
    leader = django_user_model.objects.create_user("lingdao", is_staff=True)
    leader.groups.add(Group.objects.get(name="领导"))
    client.force_login(leader)
    url = reverse("admin:inspections_inspection_record", args=[inspections[0].pk])
    assert client.post(url, {"result": "passed"}).status_code == 403
    changelist = client.get(reverse("admin:inspections_inspection_changelist"))
    assert changelist.status_code == 200
