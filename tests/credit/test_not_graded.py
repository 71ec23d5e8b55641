"""A subject registered less than the standard's minimum period before the rating is not
graded that year (暂不评级, with the reason): no supervision task, not in the grade
distribution (counted apart), nowhere shown or counted as a grade."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from credit.engine import compile_standard, rate_range, score
from credit.engine_inputs import evaluation_date, inputs_for_range
from credit.models import (
    EvaluationStandard,
    Grade,
    KeyListEntry,
    Rating,
    RatingRun,
    SubjectType,
    SupervisionTask,
)
from credit.services.publication import rating_transition, ratings_publish
from credit.services.rating import rating_run_year
from incentives.standing import enterprise_standing
from reporting.dashboard import dashboard_figures
from reporting.publicity import key_facts
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 2, tzinfo=datetime.UTC), tick=False):
        yield


def new_workers(employer, n: int = 4, started_on=TODAY):
    """Workers imported today: employed from today, no document yet."""
    workers = [WorkerFactory(name="丹珠") for _ in range(n)]
    for worker in workers:
        EmploymentFactory(worker=worker, enterprise=employer, started_on=started_on)
    return workers


def rating(subject) -> Rating:
    field = "worker" if subject.__class__.__name__ == "Worker" else "enterprise"
    return Rating.objects.get(year=YEAR, **{field: subject})


def test_workers_imported_today_are_not_graded_and_not_supervised(admin_client):
    employer = EnterpriseFactory()
    newcomers = new_workers(employer)
    veteran = WorkerFactory()  # on file for years, no document either
    EmploymentFactory(worker=veteran, enterprise=employer, started_on=datetime.date(2023, 3, 1))
    run = rating_run_year(actor=None, year=YEAR, sync=True)

    for worker in newcomers:
        r = rating(worker)
        assert r.grade == Grade.NOT_GRADED and r.get_grade_display() == "暂不评级"
        assert r.not_graded_reason == (
            "2025年11月20日起从事家政服务，至评价日不满6个月，本年度暂不评级"
        )
    # A documented subject with missing documents is still graded as before.
    assert (rating(veteran).grade, rating(veteran).total) == (Grade.B, Decimal("32.0"))

    report = ratings_publish(actor=None, year=YEAR)
    tasks = SupervisionTask.objects.all()
    assert {t.worker_id for t in tasks if t.worker_id} == {veteran.pk}
    assert report.supervision_tasks == tasks.count()

    # The run's distribution counts them apart, outside the grades and their total.
    page = admin_client.get(reverse("admin:credit_ratingrun_progress", args=[run.pk]))
    text = page.content.decode()
    assert "暂不评级（另计）" in text
    assert "<td>1</td><td>4</td></tr>" in text.replace("\n", "")  # workers: total 1, apart 4
    # The rating list filters them and shows the reason on the rating's page.
    listed = admin_client.get(reverse("admin:credit_rating_changelist"), {"grade": "N"})
    assert listed.content.decode().count("暂不评级") >= 4
    detail = admin_client.get(reverse("admin:credit_rating_change", args=[rating(newcomers[0]).pk]))
    assert "本年度暂不评级" in detail.content.decode()


@pytest.mark.parametrize(
    ("started_on", "months", "graded"),
    [
        (datetime.date(2025, 5, 20), 6, True),  # exactly six months before the evaluation
        (datetime.date(2025, 5, 21), 6, False),
        (datetime.date(2025, 1, 10), 12, False),
        (TODAY, 0, True),
    ],
)
def test_the_minimum_period_is_a_field_of_the_standard(started_on, months, graded):
    EvaluationStandard.objects.filter(year=YEAR).update(min_registered_months=months)
    (worker,) = new_workers(EnterpriseFactory(), n=1, started_on=started_on)
    rating_run_year(actor=None, year=YEAR, sync=True)
    assert (rating(worker).grade != Grade.NOT_GRADED) is graded


def test_the_first_employment_counts_not_the_latest():
    worker = WorkerFactory()
    EmploymentFactory(
        worker=worker, started_on=datetime.date(2020, 1, 1), ended_on=datetime.date(2025, 9, 30)
    )
    EmploymentFactory(worker=worker, started_on=datetime.date(2025, 10, 1))
    rating_run_year(actor=None, year=YEAR, sync=True)
    assert rating(worker).grade == Grade.B


def test_a_new_enterprise_is_not_graded_by_its_founding_or_its_dossier():
    founded = EnterpriseFactory(established_on=datetime.date(2025, 8, 1))
    unknown = EnterpriseFactory(established_on=None)  # dossier opened today
    old = EnterpriseFactory()
    rating_run_year(actor=None, year=YEAR, sync=True)
    assert rating(founded).not_graded_reason == (
        "成立（登记）于2025年8月1日，至评价日不满6个月，本年度暂不评级"
    )
    assert rating(unknown).grade == Grade.NOT_GRADED
    assert "2025年11月20日" in rating(unknown).not_graded_reason
    assert rating(old).grade == Grade.A and rating(old).not_graded_reason == ""


def test_a_veto_still_grades_a_new_subject_b():
    enterprise = EnterpriseFactory(established_on=datetime.date(2025, 10, 1))
    KeyListEntry.objects.create(
        enterprise=enterprise, reason="严重失信", basis="处罚决定书",
        starts_on=datetime.date(2025, 10, 15), ends_on=datetime.date(2028, 10, 15),
    )  # fmt: skip
    rating_run_year(actor=None, year=YEAR, sync=True)
    r = rating(enterprise)
    assert (r.grade, r.vetoed, r.not_graded_reason) == (Grade.B, True, "")


def test_both_engine_paths_agree_on_who_is_not_graded():
    employer = EnterpriseFactory(established_on=datetime.date(2025, 9, 9))
    EnterpriseFactory(established_on=None)
    new_workers(employer, n=2)
    EmploymentFactory(worker=WorkerFactory(), enterprise=employer)
    as_of = evaluation_date(YEAR, TODAY)
    now = datetime.datetime(2025, 11, 20, 2, tzinfo=datetime.UTC)
    for subject_type in SubjectType.values:
        standard = EvaluationStandard.objects.get(year=YEAR, subject_type=subject_type)
        compiled = compile_standard(standard)
        python = {
            row["subject_id"]: score(compiled, row)
            for row in inputs_for_range(compiled, YEAR, as_of, 0, 10**9)
        }
        rate_range(compiled, year=YEAR, as_of=as_of, low=0, high=10**9, run_id=None, now=now)
        stored = Rating.objects.filter(**{f"{subject_type}__isnull": False})
        assert {r.grade for r in stored} >= {Grade.NOT_GRADED}
        for r in stored:
            expected = python[r.enterprise_id or r.worker_id]
            assert (r.grade, r.not_graded_reason) == (expected.grade, expected.not_graded_reason)


def _finalise_year() -> None:
    ratings_publish(actor=None, year=YEAR)
    ratings = list(Rating.objects.filter(year=YEAR))
    with time_machine.travel(datetime.datetime(2025, 12, 10, 2, tzinfo=datetime.UTC)):
        rating_transition(actor=None, ratings=ratings, to=Rating.Status.FINAL)


def test_not_graded_is_respected_wherever_grades_are_counted_or_shown(client):
    newcomer = EnterpriseFactory(name="新开家政服务部", established_on=datetime.date(2025, 10, 8))
    graded = EnterpriseFactory(name="老字号家政公司")
    new_workers(graded, n=3)
    rating_run_year(actor=None, year=YEAR, sync=True)
    _finalise_year()

    figures = dashboard_figures(year=YEAR, today=TODAY)
    assert sum(row.enterprises for row in figures.grades) == 1
    assert sum(row.workers for row in figures.grades) == 0
    assert (figures.not_graded.enterprises, figures.not_graded.workers) == (1, 3)

    facts = key_facts(YEAR)
    assert (facts.rated_enterprises, facts.rated_workers) == (1, 0)

    # Public look-up: the reason instead of a grade and scores.
    page = client.get(reverse("credit:lookup"), {"q": "新开家政"}).content.decode()
    assert "暂不评级" in page and "成立（登记）于2025年10月8日" in page
    assert "总分" not in page

    standing = enterprise_standing(newcomer, TODAY)
    assert not standing.meets(Grade.A)
    assert "暂不评级" in standing.verdict(Grade.A)
    assert not SupervisionTask.objects.filter(enterprise=newcomer).exists()
    assert RatingRun.objects.get().status == "done"


def test_the_annual_report_lists_not_graded_apart():
    from reporting.annual_figures import annual_report_figures
    from reporting.annual_workbook import grade_rows

    EnterpriseFactory(established_on=datetime.date(2025, 10, 8))
    EnterpriseFactory()
    rating_run_year(actor=None, year=YEAR, sync=True)
    _finalise_year()
    rows = grade_rows(annual_report_figures(year=YEAR))
    total, apart = rows[-2], rows[-1]
    assert total[0] == "合计" and total[1] == 1
    assert apart[0] == "暂不评级（不计入等级分布）" and apart[1] == 1


def test_an_upheld_objection_does_not_grade_a_subject_not_graded():
    from credit.services.objections import objection_decide, objection_submit

    enterprise = EnterpriseFactory(established_on=datetime.date(2025, 10, 8))
    rating_run_year(actor=None, year=YEAR, sync=True)
    ratings_publish(actor=None, year=YEAR)
    objection = objection_submit(actor=None, rating=rating(enterprise), reasons="请复核")
    objection_decide(actor=None, objection=objection, upheld=True, decision="复核。")
    r = rating(enterprise)
    assert r.grade == Grade.NOT_GRADED and "2025年10月8日" in r.not_graded_reason


def test_the_published_standard_states_the_minimum_period(client):
    EvaluationStandard.objects.filter(year=YEAR, subject_type="worker").update(
        min_registered_months=3
    )
    page = client.get(reverse("credit:standard")).content.decode()
    assert "成立（登记）不满6个月的，当年度暂不评级" in page
    assert "从事家政服务不满3个月的，当年度暂不评级" in page
