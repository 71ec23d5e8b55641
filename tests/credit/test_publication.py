import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from credit.models import (
    EventKind,
    Grade,
    Objection,
    Rating,
    Severity,
    SubjectType,
    SupervisionTask,
)
from credit.services import rating_run_start
from credit.services.objections import objection_submit
from credit.services.publication import (
    RATING_MACHINE,
    RatingTransitionError,
    rating_finalise,
    rating_recompute_recorded,
    rating_transition,
    ratings_finalise_due,
    ratings_publish,
)
from credit.tasks import finalise_due_ratings
from tests.credit.test_engine import a_good_enterprise
from tests.factories.credit import CreditEventFactory
from tests.factories.credit_workflows import (
    PUBLISHED_AT,
    YEAR,
    RatingFactory,
    at,
    employed_worker,
    penalised_enterprise,
    rate_year,
    rating_of,
)
from zhouqu_jiazheng.schedule import PERIODIC_TASKS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong", password="pw-Test-123", is_staff=True)


@pytest.fixture
def rated_year():
    """A year rated: an AA enterprise and its two AA workers, a B enterprise, and a B worker
    whose employer is B too: six ratings, three of them B."""
    good = a_good_enterprise()
    penalised, _ = penalised_enterprise()
    worker = employed_worker()
    rate_year()
    return {"good": good, "penalised": penalised, "worker": worker}


def test_publication_publicises_every_draft_for_the_configured_period(rated_year, staff):
    report = ratings_publish(actor=staff, year=YEAR)

    assert report.published == Rating.objects.filter(year=YEAR).count() == 6
    assert set(Rating.objects.values_list("status", flat=True)) == {Rating.Status.PUBLICISED}
    rating = rating_of(rated_year["good"])
    assert rating.publicity_starts_on == datetime.date(2025, 11, 20)
    assert rating.publicity_ends_on == datetime.date(2025, 11, 26)  # 7 calendar days
    assert (report.starts_on, report.ends_on) == (
        rating.publicity_starts_on,
        rating.publicity_ends_on,
    )
    latest = rating.history.latest()
    assert latest.history_user == staff and latest.status == Rating.Status.PUBLICISED


def test_publicity_period_follows_the_setting(rated_year, staff, settings):
    settings.CREDIT_PUBLICITY_DAYS = 10
    ratings_publish(actor=staff, year=YEAR)
    assert rating_of(rated_year["good"]).publicity_ends_on == datetime.date(2025, 11, 29)


def test_publication_opens_exactly_one_supervision_task_per_b_rating(rated_year, staff, settings):
    settings.CREDIT_SUPERVISION_DAYS = 20
    b_ratings = set(Rating.objects.filter(grade=Grade.B).values_list("pk", flat=True))
    assert len(b_ratings) == 3  # the penalised enterprise, the worker and the worker's employer

    report = ratings_publish(actor=staff, year=YEAR)

    assert report.supervision_tasks == 3
    tasks = SupervisionTask.objects.all()
    assert {t.rating_id for t in tasks} == b_ratings and tasks.count() == 3
    task = tasks.get(rating__enterprise=rated_year["penalised"])
    assert task.enterprise == rated_year["penalised"] and task.worker is None
    assert task.due_on == datetime.date(2025, 12, 10)
    assert task.status == SupervisionTask.Status.OPEN and "B级" in task.reason
    assert task.history.get().history_user == staff
    assert not SupervisionTask.objects.filter(rating__enterprise=rated_year["good"]).exists()


def test_a_second_publication_publishes_only_new_drafts_and_duplicates_no_task(rated_year, staff):
    ratings_publish(actor=staff, year=YEAR)
    with pytest.raises(RatingTransitionError, match="没有待公示"):
        ratings_publish(actor=staff, year=YEAR)

    newcomer, _ = penalised_enterprise()  # registered after the first publication
    rate_year()
    report = ratings_publish(actor=staff, year=YEAR)

    assert report.published == 1 and report.supervision_tasks == 1
    assert SupervisionTask.objects.count() == 4
    assert SupervisionTask.objects.filter(rating=rating_of(newcomer)).count() == 1


def test_publication_by_subject_type(rated_year, staff):
    report = ratings_publish(actor=staff, year=YEAR, subject_type=SubjectType.WORKER)
    assert report.published == 3 and report.supervision_tasks == 1
    assert rating_of(rated_year["worker"]).status == Rating.Status.PUBLICISED
    assert rating_of(rated_year["good"]).status == Rating.Status.DRAFT


@pytest.mark.parametrize("running", [False, True])
def test_publication_refused_while_a_run_of_the_year_is_unfinished(rated_year, staff, running):
    run = rating_run_start(actor=None, year=YEAR)
    if running:
        run.status = run.Status.RUNNING
        run.save()
    with pytest.raises(RatingTransitionError, match="正在计算中"):
        ratings_publish(actor=staff, year=YEAR)
    assert not Rating.objects.exclude(status=Rating.Status.DRAFT).exists()


ILLEGAL = [
    (before, after)
    for before in Rating.Status.values
    for after in Rating.Status.values
    if after not in RATING_MACHINE.transitions[before]
]


def test_the_transition_map_is_draft_publicised_final_only():
    assert RATING_MACHINE.transitions == {
        "draft": {"publicised"},
        "publicised": {"final"},
        "final": set(),
    }


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_every_illegal_rating_transition_is_refused(staff, before, after):
    rating = RatingFactory(status=before)
    with pytest.raises(RatingTransitionError):
        rating_transition(actor=staff, ratings=[rating], to=after)
    rating.refresh_from_db()
    assert rating.status == before


def test_one_illegal_rating_stops_the_whole_batch(staff):
    draft = RatingFactory()
    final = RatingFactory(status=Rating.Status.FINAL)
    with pytest.raises(RatingTransitionError):
        rating_transition(actor=staff, ratings=[draft, final], to=Rating.Status.PUBLICISED)
    assert Rating.objects.get(pk=draft.pk).status == Rating.Status.DRAFT


def test_a_draft_cannot_be_finalised_without_publicity(staff):
    rating = RatingFactory()
    with pytest.raises(RatingTransitionError):
        rating_finalise(actor=staff, rating=rating)


def test_finalisation_only_after_the_publicity_period(rated_year, staff, clock):
    ratings_publish(actor=staff, year=YEAR)
    rating = rating_of(rated_year["good"])

    for day in (datetime.date(2025, 11, 20), datetime.date(2025, 11, 26)):  # first, last day
        clock.move_to(at(day))
        assert ratings_finalise_due(today=day) == 0
        with pytest.raises(RatingTransitionError, match="公示期满后"):
            rating_finalise(actor=staff, rating=rating)

    clock.move_to(at(datetime.date(2025, 11, 27)))
    rating = rating_finalise(actor=staff, rating=rating)
    rating.refresh_from_db()
    assert rating.status == Rating.Status.FINAL and rating.finalised_at is not None
    assert rating.history.latest().history_user == staff
    with pytest.raises(RatingTransitionError):  # final is final
        rating_finalise(actor=staff, rating=rating)


def test_daily_finalisation_skips_ratings_with_an_open_objection(rated_year, staff, clock):
    ratings_publish(actor=staff, year=YEAR)
    contested = rating_of(rated_year["penalised"])
    objection_submit(actor=staff, rating=contested, reasons="处罚已被撤销")

    clock.move_to(at(datetime.date(2025, 11, 27)))
    assert finalise_due_ratings.delay().get() == 5  # the Celery task, run in process
    assert ratings_finalise_due(today=datetime.date(2025, 11, 27)) == 0  # idempotent
    contested.refresh_from_db()
    assert contested.status == Rating.Status.PUBLICISED
    with pytest.raises(RatingTransitionError, match="异议"):
        rating_finalise(actor=staff, rating=contested)
    final = Rating.objects.filter(status=Rating.Status.FINAL)
    assert final.count() == 5 and all(r.finalised_at for r in final)
    assert final.first().history.latest().history_change_reason == "公示期满，自动确定"

    Objection.objects.filter(rating=contested).update(status=Objection.Status.REJECTED)
    assert ratings_finalise_due(today=datetime.date(2025, 11, 28)) == 1


def test_final_ratings_never_change_silently(rated_year, staff, clock):
    ratings_publish(actor=staff, year=YEAR)
    clock.move_to(at(datetime.date(2025, 11, 27)))
    ratings_finalise_due(today=datetime.date(2025, 11, 27))
    before = list(
        Rating.objects.order_by("pk").values_list("pk", "total", "grade", "status", "computed_at")
    )
    penalised = rated_year["penalised"]
    CreditEventFactory(enterprise=penalised, kind=EventKind.PENALTY, severity=Severity.SERIOUS)
    CreditEventFactory(enterprise=rated_year["good"], kind=EventKind.AWARD)

    with pytest.raises(ValidationError, match="评价结果均已确定"):
        rate_year()  # a re-run of the year would change nothing: refused, said so

    after = list(
        Rating.objects.order_by("pk").values_list("pk", "total", "grade", "status", "computed_at")
    )
    assert after == before
    rating = rating_of(penalised)
    with pytest.raises(RatingTransitionError, match="已确定"):
        rating_recompute_recorded(actor=staff, rating=rating, reason="试图重算")
    assert rating_of(penalised).total == Decimal("57.0")


def test_daily_tasks_are_scheduled():
    specs = {spec.name: spec.task for spec in PERIODIC_TASKS}
    assert specs["zqjz:credit-finalise-ratings"] == "credit.tasks.finalise_due_ratings"
    assert specs["zqjz:credit-key-list-expiry"] == "credit.tasks.expire_key_list"
