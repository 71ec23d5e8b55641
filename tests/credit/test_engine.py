import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from credit.engine import compile_standard, score
from credit.engine_inputs import evaluation_date, inputs_for_range
from credit.models import (
    CreditEvent,
    EvaluationStandard,
    EventKind,
    Grade,
    Indicator,
    KeyListEntry,
    Rating,
    RatingChunk,
    RatingRun,
    Severity,
    SubjectType,
)
from credit.rules import RULE_KINDS, grade_for
from credit.services import rating_chunk_compute, rating_run_start, rating_run_year
from registry.services import records_refresh
from tests.factories.credit import CreditEventFactory
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    QualificationFactory,
    SkillFactory,
    TrainingFactory,
    WorkerFactory,
)

YEAR = 2025
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)):
        yield


def standard(subject_type):
    return EvaluationStandard.objects.get(year=YEAR, subject_type=subject_type, status="active")


def test_default_standards_are_worth_100_points_each():
    for subject_type in SubjectType.values:
        s = standard(subject_type)
        assert sum(i.weight for i in s.indicators.all()) == 100
        assert {i.dimension for i in s.indicators.all()} == {
            "compliance", "quality", "reputation", "commitment"
        }  # fmt: skip
        assert s.vetoes.count() == 3


@pytest.mark.parametrize(
    ("total", "grade"),
    [("100", "AAA"), ("90.0", "AAA"), ("89.9", "AA"), ("80", "AA"), ("79.9", "A"),
     ("60", "A"), ("59.9", "B"), ("0", "B")],
)  # fmt: skip
def test_grades_follow_the_thresholds_exactly(total, grade):
    assert grade_for(Decimal(total), Decimal(90), Decimal(80), Decimal(60)) == grade


def a_good_enterprise():
    enterprise = EnterpriseFactory(
        last_confirmed_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    )
    QualificationFactory(enterprise=enterprise)
    for _ in range(2):
        worker = WorkerFactory(photo="p.png", last_confirmed_at=enterprise.last_confirmed_at)
        EmploymentFactory(worker=worker, enterprise=enterprise)
        HealthCertificateFactory(worker=worker, valid_to=datetime.date(2026, 6, 30))
        BackgroundCheckFactory(worker=worker)
        TrainingFactory(worker=worker, hours=24, completed_on=datetime.date(2025, 4, 1))
        SkillFactory(worker=worker)
    return enterprise


def rate(subject, subject_type):
    compiled = compile_standard(standard(subject_type))
    rows = list(inputs_for_range(compiled, YEAR, evaluation_date(YEAR, datetime.date(2025, 11, 20)),
                                 subject.pk, subject.pk + 1))  # fmt: skip
    return score(compiled, rows[0])


def test_an_exemplary_enterprise_explained_indicator_by_indicator():
    enterprise = a_good_enterprise()
    records_refresh()
    enterprise.refresh_from_db()
    for value in (5, 5, 4, 5):
        CreditEventFactory(enterprise=enterprise, kind=EventKind.SERVICE_REVIEW, value=value)
    CreditEventFactory(enterprise=enterprise, kind=EventKind.AWARD, severity=Severity.GENERAL)
    result = rate(enterprise, SubjectType.ENTERPRISE)
    points = {code: Decimal(p) for code, _, p in result.explanation}
    assert points["E-C1"] == 10 and points["E-C2"] == 10 and points["E-C3"] == 10
    assert points["E-Q2"] == 10  # 24 hours per head
    # 4.75 average -> (4.75 - 1) / 4 * 15 = 14.0625
    assert points["E-R1"] == Decimal("14.1")
    assert points["E-P3"] == Decimal("2.5")
    # completeness: the enterprise has no offering -> 5 of 6 items -> 83 % of 5 points
    assert points["E-Q3"] == Decimal("4.2")
    expected = sum(points.values())
    assert result.total == expected
    assert result.grade == Grade.AAA if expected >= 90 else Grade.AA


def test_negative_events_deduct_by_severity_and_vetoes_force_b():
    enterprise = a_good_enterprise()
    CreditEventFactory(enterprise=enterprise, kind=EventKind.PENALTY, severity=Severity.MINOR)
    CreditEventFactory(enterprise=enterprise, kind=EventKind.PENALTY, severity=Severity.GENERAL)
    result = rate(enterprise, SubjectType.ENTERPRISE)
    assert {c: p for c, _, p in result.explanation}["E-C3"] == "3.0"  # 10 - 2 - 5
    assert not result.vetoed

    CreditEventFactory(
        enterprise=enterprise, kind=EventKind.SUBSTANTIATED_COMPLAINT, tag="人身安全",
        severity=Severity.SERIOUS,
    )  # fmt: skip
    result = rate(enterprise, SubjectType.ENTERPRISE)
    assert result.vetoed and result.grade == Grade.B
    assert "人身安全" in result.veto_reason


def test_key_list_forces_b():
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    KeyListEntry.objects.create(
        worker=worker, reason="严重失信", basis="法院判决", starts_on=datetime.date(2025, 3, 1),
        ends_on=datetime.date(2028, 3, 1),
    )  # fmt: skip
    result = rate(worker, SubjectType.WORKER)
    assert result.grade == Grade.B and "重点管理名单" in result.veto_reason


def test_repaired_revoked_and_expired_events_stop_counting():
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    counting = CreditEventFactory(worker=worker, kind=EventKind.CONTRACT_DISPUTE)
    base = {c: p for c, _, p in rate(worker, SubjectType.WORKER).explanation}["W-P1"]
    assert base == "5.0"
    for change in (
        {"status": CreditEvent.Status.REPAIRED},
        {"status": CreditEvent.Status.REVOKED},
        {"disclosure_until": datetime.date(2025, 11, 1)},
    ):
        CreditEvent.objects.filter(pk=counting.pk).update(
            status=CreditEvent.Status.ACTIVE, disclosure_until=datetime.date(2026, 6, 1)
        )
        CreditEvent.objects.filter(pk=counting.pk).update(**change)
        points = {c: p for c, _, p in rate(worker, SubjectType.WORKER).explanation}["W-P1"]
        assert points == "10.0", change


def test_events_of_other_years_do_not_count():
    worker = WorkerFactory()
    EmploymentFactory(worker=worker)
    CreditEventFactory(worker=worker, kind=EventKind.CONTRACT_DISPUTE,
                       occurred_on=datetime.date(2024, 12, 31))  # fmt: skip
    points = {c: p for c, _, p in rate(worker, SubjectType.WORKER).explanation}["W-P1"]
    assert points == "10.0"


def test_a_run_rates_every_active_subject_once():
    enterprise = a_good_enterprise()
    EnterpriseFactory(business_status="deregistered")
    idle = WorkerFactory()  # never employed: not rated
    run = rating_run_year(actor=None, year=YEAR, sync=True, chunk_size=2)
    assert run.status == "done" and run.progress_percent == 100
    assert Rating.objects.filter(enterprise=enterprise).count() == 1
    assert Rating.objects.filter(enterprise__isnull=False).count() == 1
    assert Rating.objects.filter(worker__isnull=False).count() == 2
    assert not Rating.objects.filter(worker=idle).exists()
    assert run.subjects_done == 3
    assert standard(SubjectType.ENTERPRISE).locked_at is not None


def test_rerun_and_redelivered_chunk_leave_one_identical_rating():
    a_good_enterprise()
    rating_run_year(actor=None, year=YEAR, sync=True)
    first = list(Rating.objects.order_by("pk").values_list(
        "enterprise_id", "worker_id", "total", "grade", "inputs"))  # fmt: skip

    rating_run_year(actor=None, year=YEAR, sync=True)  # a re-run
    run = rating_run_start(actor=None, year=YEAR)
    chunk = RatingChunk.objects.filter(run=run).first()
    assert rating_chunk_compute(chunk_id=chunk.pk) is True
    assert rating_chunk_compute(chunk_id=chunk.pk) is False  # the same task delivered again
    # A worker that dies before committing leaves nothing behind: simulated by rolling
    # back a computation of the other chunk, which is then computed again.
    other = RatingChunk.objects.filter(run=run).exclude(pk=chunk.pk).get()
    with pytest.raises(RuntimeError), transaction.atomic():
        rating_chunk_compute(chunk_id=other.pk)
        raise RuntimeError("worker lost")
    other.refresh_from_db()
    assert other.done_at is None
    assert rating_chunk_compute(chunk_id=other.pk) is True
    run.refresh_from_db()
    assert run.status == "done" and run.chunks_done == run.chunks_total == 2

    second = list(Rating.objects.order_by("pk").values_list(
        "enterprise_id", "worker_id", "total", "grade", "inputs"))  # fmt: skip
    assert first == second
    assert Rating.objects.count() == 3


def test_a_rating_appearing_after_the_range_was_found_empty_is_upserted(monkeypatch):
    """A range's first computation inserts without the upsert; if a rating of the range
    appeared meanwhile (another run of the same year), the unique constraint refuses the
    insert and the upsert follows: still exactly one rating per subject, the new one."""
    from credit import engine

    enterprise = a_good_enterprise()
    rating_run_year(actor=None, year=YEAR, sync=True)
    Rating.objects.filter(enterprise=enterprise).update(total=Decimal("1.0"), grade="B")
    monkeypatch.setattr(engine, "_range_has_ratings", lambda *args: False)
    rating_run_year(actor=None, year=YEAR, sync=True)
    rating = Rating.objects.get(enterprise=enterprise)
    assert rating.total > Decimal("1.0") and rating.grade != "B"
    assert Rating.objects.count() == 3


def test_published_ratings_are_not_overwritten_by_a_rerun():
    enterprise = a_good_enterprise()
    rating_run_year(actor=None, year=YEAR, sync=True)
    rating = Rating.objects.get(enterprise=enterprise)
    Rating.objects.filter(pk=rating.pk).update(status="final", total=Decimal("77.0"))
    CreditEventFactory(enterprise=enterprise, kind=EventKind.PENALTY, severity=Severity.SERIOUS)
    rating_run_year(actor=None, year=YEAR, sync=True)
    rating.refresh_from_db()
    assert rating.total == Decimal("77.0") and rating.status == "final"


@pytest.mark.django_db(transaction=True)
def test_two_workers_computing_chunks_of_one_run_do_not_skip_each_other(default_standards):
    """Regression: the chunk lock also locked the run row, so a second worker computing
    another chunk at the same moment skipped it and the run never finished."""
    import threading

    from django.db import connections

    a_good_enterprise()
    run = rating_run_start(actor=None, year=YEAR)
    first, second = RatingChunk.objects.filter(run=run).order_by("pk")
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            # Another worker in the middle of its chunk holds the run row.
            RatingRun.objects.select_for_update().get(pk=run.pk)
            holding.set()
            release.wait(5)
        connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    holding.wait(5)
    threading.Timer(0.5, release.set).start()
    assert rating_chunk_compute(chunk_id=first.pk) is True
    thread.join()
    assert rating_chunk_compute(chunk_id=second.pk) is True
    run.refresh_from_db()
    assert run.status == "done"


def test_the_sql_rules_agree_with_the_python_rules_on_every_subject():
    """The PostgreSQL path compiles the rules to SQL; the Python rules are the reference."""
    from credit.engine import explanation_from_inputs, rate_range
    from credit.management.commands.generate_synthetic import generate

    generate(enterprises=60, workers=600, inputs=12_000, year=YEAR)
    a_good_enterprise()
    # Registered too recently to be graded (暂不评级): by founding, by dossier, by work.
    EnterpriseFactory(established_on=datetime.date(2025, 9, 1))
    EnterpriseFactory(established_on=None)
    EmploymentFactory(started_on=datetime.date(2025, 10, 1))
    as_of = evaluation_date(YEAR, datetime.date(2025, 11, 20))
    now = datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)
    compiled_rows = {t: list(standard(t).indicators.all()) for t in SubjectType.values}
    for subject_type, model in (("enterprise", "enterprise"), ("worker", "worker")):
        compiled = compile_standard(standard(subject_type))
        python = {
            row["subject_id"]: score(compiled, row)
            for row in inputs_for_range(compiled, YEAR, as_of, 0, 10**9)
        }
        count = rate_range(compiled, year=YEAR, as_of=as_of, low=0, high=10**9, run_id=None,
                           now=now)  # fmt: skip
        assert count == len(python) > 0
        stored = Rating.objects.filter(**{f"{model}__isnull": False})
        assert stored.count() == len(python)
        for rating in stored:
            expected = python[rating.enterprise_id or rating.worker_id]
            assert rating.total == expected.total
            assert (rating.compliance, rating.quality, rating.reputation, rating.commitment) == (
                tuple(expected.dimensions[d] for d in
                      ("compliance", "quality", "reputation", "commitment"))
            )  # fmt: skip
            assert rating.grade == expected.grade
            assert (rating.vetoed, rating.veto_reason) == (expected.vetoed, expected.veto_reason)
            assert rating.not_graded_reason == expected.not_graded_reason
            assert rating.inputs == expected.inputs
            # Shown later, the stored inputs give the explanation the Python rules gave.
            assert (
                explanation_from_inputs(subject_type, compiled_rows[subject_type], rating.inputs)
                == expected.explanation
            )


def test_a_run_materialises_its_inputs_once_and_drops_them_when_done():
    from django.db import connection

    from credit.engine import inputs_table_name

    enterprise = a_good_enterprise()
    run = rating_run_start(actor=None, year=YEAR, chunk_size=1)
    chunks = list(RatingChunk.objects.filter(run=run, subject_type="worker").order_by("low"))
    table = inputs_table_name(run.pk, "worker")
    assert rating_chunk_compute(chunk_id=chunks[0].pk) is True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE subject_id > 0")
        assert cursor.fetchone()[0] == 2  # both workers, built by the first chunk
        # A crash empties an unlogged table: the next chunk must not rate nobody.
        cursor.execute(f"TRUNCATE {table}")
    for chunk in RatingChunk.objects.filter(run=run).exclude(pk=chunks[0].pk):
        rating_chunk_compute(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert run.status == "done" and run.subjects_done == 3
    assert Rating.objects.filter(run=run).count() == 3
    assert Rating.objects.get(enterprise=enterprise).inputs
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s), to_regclass(%s)",
                       [table, inputs_table_name(run.pk, "enterprise")])  # fmt: skip
        assert cursor.fetchone() == (None, None)


def test_inputs_tables_of_abandoned_or_deleted_runs_are_dropped_daily():
    from django.db import connection

    from credit.engine import inputs_table_name
    from credit.engine_events import events_table_name
    from credit.tasks import clean_rating_inputs

    def exists(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            return cursor.fetchone()[0]

    clean_rating_inputs()  # tables that tests run before this one left behind
    a_good_enterprise()
    run = rating_run_start(actor=None, year=YEAR, chunk_size=1)
    first, *others = RatingChunk.objects.filter(run=run).order_by("subject_type", "low")
    rating_chunk_compute(chunk_id=first.pk)
    table = inputs_table_name(run.pk, first.subject_type)
    orphan = inputs_table_name(run.pk + 1000, "worker")  # a run deleted since
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE {orphan} (subject_id bigint)")

    assert clean_rating_inputs() == 1  # the running run keeps its table
    assert exists(table) and not exists(orphan)
    assert clean_rating_inputs() == 0

    # The run's tasks were lost; a day later its tables go too: the inputs and the year's
    # events aggregated for both subject types.
    with time_machine.travel(datetime.datetime(2025, 11, 21, 11, tzinfo=datetime.UTC)):
        assert clean_rating_inputs() == 2
    assert not exists(table) and not exists(events_table_name(run.pk))
    # Should its chunks come after all, they build the inputs again and rate correctly.
    for chunk in others:
        rating_chunk_compute(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert run.status == "done" and Rating.objects.filter(run=run).count() == 3


def test_a_recomputed_rating_is_explained_from_its_new_inputs():
    from credit.selectors import rating_explanation
    from credit.services import rating_subject_recompute

    enterprise = a_good_enterprise()
    rating_run_year(actor=None, year=YEAR, sync=True)
    rating = Rating.objects.select_related("standard").get(enterprise=enterprise)
    before = {row.code: row for row in rating_explanation(rating).rows}
    assert before["E-C3"].shown == "0条" and before["E-C3"].points == 10
    CreditEventFactory(enterprise=enterprise, kind=EventKind.PENALTY, severity=Severity.GENERAL)
    rating = rating_subject_recompute(rating=rating)
    after = {row.code: row for row in rating_explanation(rating).rows}
    assert after["E-C3"].shown == "1条（一般1）" and after["E-C3"].points == 5
    assert sum(row.points for row in after.values()) == rating.total


def test_a_rated_subject_cannot_be_deleted():
    """The database does not check a rating's keys row by row (for the engine's bulk
    writes); Django still protects them."""
    from django.db.models import ProtectedError

    enterprise = a_good_enterprise()
    rating_run_year(actor=None, year=YEAR, sync=True)
    rating = Rating.objects.get(enterprise=enterprise)
    with pytest.raises(ProtectedError) as protected:
        enterprise.delete()
    assert rating in protected.value.protected_objects
    with pytest.raises(ProtectedError) as protected:
        rating.standard.delete()
    assert rating in protected.value.protected_objects
    worker_rating = Rating.objects.filter(worker__isnull=False).first()
    with pytest.raises(ProtectedError) as protected:
        worker_rating.worker.delete()
    assert worker_rating in protected.value.protected_objects


def test_every_rule_choice_is_one_rule_kind():
    assert set(RULE_KINDS) == set(Indicator.Rule.values)
