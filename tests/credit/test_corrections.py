"""An upheld objection or an approved repair changes only what the decision corrected: the
rating is scored again from the facts it was computed from plus the decided corrections;
facts recorded since count for the next computation. A changed grade is publicised again."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from credit.models import (
    CreditEvent,
    EvaluationStandard,
    EventKind,
    Grade,
    Rating,
    Severity,
    SupervisionTask,
    VetoRule,
)
from credit.selectors import rating_explanation
from credit.services import credit_event_revoke
from credit.services.objections import (
    Corrections,
    MissingEvent,
    objection_decide,
    objection_submit,
)
from credit.services.publication import ratings_finalise_due, ratings_publish
from credit.services.repair import repair_decide, repair_submit
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    penalised_enterprise,
    rate_year,
    rating_of,
)
from tests.factories.registry import (
    EmploymentFactory,
    HealthCertificateFactory,
    QualificationFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


def qiaoshou():
    """巧手家政: a licence, one worker with a health certificate, one (wrong) penalty."""
    enterprise, penalty = penalised_enterprise()
    enterprise.name = "巧手家政"
    enterprise.save()
    QualificationFactory(enterprise=enterprise)
    worker = WorkerFactory()
    EmploymentFactory(worker=worker, enterprise=enterprise)
    HealthCertificateFactory(worker=worker)
    return enterprise, penalty


def later_facts(enterprise, clock, *, days: int = 2) -> None:
    """What was recorded after the rating: two complaints found substantiated and a worker
    taken on that day without a health certificate."""
    clock.shift(datetime.timedelta(days=days))
    for title in ("保洁不到位", "服务超时收费"):
        CreditEventFactory(
            enterprise=enterprise,
            kind=EventKind.SUBSTANTIATED_COMPLAINT,
            severity=Severity.GENERAL,
            occurred_on=datetime.date(2025, 11, 21),
            title=title,
        )
    EmploymentFactory(
        worker=WorkerFactory(), enterprise=enterprise, started_on=datetime.date(2025, 11, 22)
    )


def explained(rating) -> dict:
    rating = Rating.objects.select_related("standard").get(pk=rating.pk)
    return {row.code: (row.shown, row.points) for row in rating_explanation(rating).rows}


def test_an_upheld_objection_changes_only_what_it_decided(staff, clock):
    enterprise, penalty = qiaoshou()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    before, rows_before = rating.total, explained(rating)
    later_facts(enterprise, clock)
    objection = objection_submit(actor=staff, rating=rating, reasons="处罚已被撤销")

    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="处罚决定已被复议撤销，删除该记录。",
        corrections=Corrections(revoke=[penalty]),
    )

    rating.refresh_from_db()
    # The penalty's 5 points come back; the later complaints and worker do not enter.
    assert rating.total == before + Decimal("5.0")
    rows_after = explained(rating)
    assert rows_after["E-C3"] == ("0条", Decimal("10.0"))
    assert {c: r for c, r in rows_after.items() if c != "E-C3"} == {
        c: r for c, r in rows_before.items() if c != "E-C3"
    }
    assert rating.computed_at == PUBLISHED_AT  # still the facts of that day
    # The later facts stay in the file and count for the next computation.
    assert (
        CreditEvent.objects.filter(
            enterprise=enterprise, kind=EventKind.SUBSTANTIATED_COMPLAINT, status="active"
        ).count()
        == 2
    )


def test_a_missing_record_recorded_on_objection_counts_and_nothing_else(staff, clock):
    enterprise, _ = qiaoshou()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    before = rating.total
    later_facts(enterprise, clock)
    objection = objection_submit(actor=staff, rating=rating, reasons="漏记表彰")
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="补录县级表彰。",
        corrections=Corrections(
            record=[MissingEvent(EventKind.AWARD, datetime.date(2025, 5, 1), "县级诚信家政企业")]
        ),
    )
    rating.refresh_from_db()
    assert rating.total >= before
    after = explained(rating)
    assert any(shown == "1项" for shown, _ in after.values())


def test_an_upheld_objection_with_nothing_corrected_changes_nothing(staff, clock):
    enterprise, _ = qiaoshou()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    before = (rating.total, rating.grade, rating.inputs)
    later_facts(enterprise, clock)
    objection = objection_submit(actor=staff, rating=rating, reasons="请复核")
    objection_decide(actor=staff, objection=objection, upheld=True, decision="复核无误。")
    rating.refresh_from_db()
    assert (rating.total, rating.grade, rating.inputs) == before


def test_revoking_a_record_made_after_the_rating_does_not_raise_it(staff, clock):
    enterprise, _ = qiaoshou()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    before = rating.total
    later_facts(enterprise, clock)
    late = CreditEvent.objects.filter(kind=EventKind.SUBSTANTIATED_COMPLAINT).first()
    objection = objection_submit(actor=staff, rating=rating, reasons="投诉不实")
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="投诉经复查不属实。",
        corrections=Corrections(revoke=[late]),
    )
    rating.refresh_from_db()
    late.refresh_from_db()
    assert late.status == CreditEvent.Status.REVOKED
    assert rating.total == before  # it never counted in this rating


def test_a_record_restored_after_the_rating_did_not_count_in_it(staff, clock):
    enterprise, penalty = qiaoshou()
    credit_event_revoke(actor=staff, event=penalty, reason="录入有误")
    clock.shift(datetime.timedelta(hours=1))
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    before = rating.total
    clock.shift(datetime.timedelta(days=1))
    CreditEvent.objects.filter(pk=penalty.pk).update(status=CreditEvent.Status.ACTIVE)
    penalty.refresh_from_db()
    penalty.status_reason = "来源记录恢复"
    penalty.save()
    objection = objection_submit(actor=staff, rating=rating, reasons="处罚已撤销")
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="撤销该记录。",
        corrections=Corrections(revoke=[penalty]),
    )
    rating.refresh_from_db()
    assert rating.total == before


def test_a_changed_grade_is_publicised_again(staff, clock, settings):
    settings.CREDIT_PUBLICITY_DAYS = 7
    enterprise, penalty = penalised_enterprise()  # 57 points, B
    rate_year()
    ratings_publish(actor=staff, year=YEAR)  # 20–26 November
    rating = rating_of(enterprise)
    assert (rating.grade, rating.publicity_ends_on) == (Grade.B, datetime.date(2025, 11, 26))
    later_facts(enterprise, clock, days=3)  # 23 November
    objection = objection_submit(actor=staff, rating=rating, reasons="处罚已撤销")
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="处罚决定已撤销。",
        corrections=Corrections(revoke=[penalty]),
    )

    rating.refresh_from_db()
    assert (rating.total, rating.grade) == (Decimal("62.0"), Grade.A)
    assert rating.status == Rating.Status.PUBLICISED
    assert (rating.publicity_starts_on, rating.publicity_ends_on) == (
        datetime.date(2025, 11, 23),
        datetime.date(2025, 11, 29),
    )
    reason = rating.history.first().history_change_reason
    assert "重新公示" in reason and "B变为A" in reason
    assert SupervisionTask.objects.get(rating=rating).status == SupervisionTask.Status.CANCELLED
    # The first period's end no longer finalises it.
    assert ratings_finalise_due(today=datetime.date(2025, 11, 27)) == 0
    assert ratings_finalise_due(today=datetime.date(2025, 11, 30)) == 1


def test_an_unchanged_grade_keeps_its_publicity_period(staff, clock):
    enterprise, penalty = penalised_enterprise()
    CreditEventFactory(enterprise=enterprise, kind=EventKind.PENALTY, title="第二次处罚")
    rate_year()  # 52 points, B
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    period = (rating.publicity_starts_on, rating.publicity_ends_on)
    clock.shift(datetime.timedelta(days=2))
    objection = objection_submit(actor=staff, rating=rating, reasons="其中一次处罚已撤销")
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="撤销一次处罚。",
        corrections=Corrections(revoke=[penalty]),
    )
    rating.refresh_from_db()
    assert (rating.total, rating.grade) == (Decimal("57.0"), Grade.B)
    assert (rating.publicity_starts_on, rating.publicity_ends_on) == period


def test_an_approved_repair_changes_only_the_repaired_record(staff, clock):
    enterprise, penalty = qiaoshou()
    rate_year()
    rating = rating_of(enterprise)
    before, rows_before = rating.total, explained(rating)
    later_facts(enterprise, clock)
    request = repair_submit(actor=staff, event=penalty, reasons="已整改并公示收费标准")
    repair_decide(actor=staff, request=request, approved=True, decision="整改到位，准予修复。")
    rating.refresh_from_db()
    assert rating.total == before + Decimal("5.0")
    rows_after = explained(rating)
    assert {c: r for c, r in rows_after.items() if c != "E-C3"} == {
        c: r for c, r in rows_before.items() if c != "E-C3"
    }


def test_a_repair_published_rating_changing_grade_is_publicised_again(staff, clock):
    enterprise, penalty = penalised_enterprise()
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    clock.shift(datetime.timedelta(days=2))
    request = repair_submit(actor=staff, event=penalty, reasons="已整改")
    repair_decide(actor=staff, request=request, approved=True, decision="准予修复。")
    rating = rating_of(enterprise)
    assert rating.grade == Grade.A
    assert rating.publicity_starts_on == datetime.date(2025, 11, 22)


def test_a_veto_lifted_by_an_objection_is_not_restored_by_later_records(staff, clock):
    standard = EvaluationStandard.objects.get(year=YEAR, subject_type="enterprise")
    VetoRule.objects.create(
        standard=standard,
        kind=VetoRule.Kind.EVENT,
        params={"kinds": ["penalty"], "severities": ["serious"]},
        description="受到严重行政处罚",
    )
    enterprise, penalty = penalised_enterprise(severity=Severity.SERIOUS)
    rate_year()
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(enterprise)
    assert rating.vetoed and rating.grade == Grade.B
    clock.shift(datetime.timedelta(days=1))
    CreditEventFactory(
        enterprise=enterprise,
        kind=EventKind.PENALTY,
        severity=Severity.SERIOUS,
        occurred_on=datetime.date(2025, 11, 21),
        title="公示后的严重处罚",
    )
    objection = objection_submit(actor=staff, rating=rating, reasons="处罚已撤销")
    objection_decide(
        actor=staff,
        objection=objection,
        upheld=True,
        decision="处罚决定已撤销。",
        corrections=Corrections(revoke=[penalty]),
    )
    rating.refresh_from_db()
    assert not rating.vetoed and rating.veto_reason == ""
    assert (rating.total, rating.grade) == (Decimal("62.0"), Grade.A)
