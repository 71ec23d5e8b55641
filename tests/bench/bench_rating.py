"""The yearly rating at province scale (20,000 enterprises, 200,000 workers, 2,000,000
credit inputs a year, with BENCH_RATING_HISTORY_YEARS years of them, 3 by default, in the
table; scale with BENCH_RATING_SCALE or BENCH_SCALE, e.g. 0.1 for a quick look).

Reported, all measured in the same run:
- the engine's wall time for the whole year, twice: `run_rating --sync` in one process, and
  the production path, `run_rating` queueing the chunks for two Celery worker processes on
  the `bulk` queue (the machine has two cores); and the peak memory of those processes.
  Both are timed from the start of the command, once its process has loaded Django; the
  second is also given from spawning that process (Python and Django starting up);
- the baseline: one hand-written SQL statement computing the same totals for every subject
  (no chunks, no writes), and the engine's ratio to it (target ≤ 2);
- the naive per-subject ORM loop on a 2,000-subject sample, extrapolated to all subjects,
  and how many times faster the engine is (target ≥ 20);
- the engine's wall time on half the data, and the full/half ratio (target ≤ 2.3), as the
  median of three paired runs (half, then full, each on freshly generated data);
- the peak memory of the process doing the run (its own VmHWM; target ≤ 512 MB).
The engine's one-process time is the median of the three full-size runs; the baseline runs
right after each of them on the same data, and the ratio is the median of the three.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.db import connection, transaction

from credit.engine import compile_standard, score
from credit.engine_inputs import evaluation_date
from credit.management.commands.generate_synthetic import generate
from credit.models import (
    CreditEvent,
    EvaluationStandard,
    KeyListEntry,
    Rating,
    RatingRun,
    SubjectType,
)
from credit.rules import event_column
from registry.models import (
    BackgroundCheck,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    SkillCertificate,
    TrainingRecord,
    Worker,
)
from tests.bench.server import broker_url, scale

ROOT = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("BENCH_RATING_SCALE", str(scale())))
YEAR = 2025
TODAY = date(2025, 11, 20)
SIZES = {"enterprises": 20_000, "workers": 200_000, "inputs": 2_000_000}
HISTORY_YEARS = int(os.environ.get("BENCH_RATING_HISTORY_YEARS", "3"))
PAIRS = 3

DEDUCT = "GREATEST(0, {weight} - ({minor} * ev.{kind}_minor + {general} * ev.{kind}_general" \
         " + {serious} * ev.{kind}_serious))"  # fmt: skip


def _events_columns(kinds: list[str]) -> str:
    columns = []
    for kind in kinds:
        for severity in ("minor", "general", "serious"):
            columns.append(
                f"COUNT(*) FILTER (WHERE kind = '{kind}' AND severity = '{severity}') "
                f"AS {kind}_{severity}"
            )
    return ",\n      ".join(columns)


def _deduct(weight, kinds, minor=2, general=5, serious=10) -> str:
    parts = " + ".join(
        f"({minor} * COALESCE(ev.{k}_minor, 0) + {general} * COALESCE(ev.{k}_general, 0)"
        f" + {serious} * COALESCE(ev.{k}_serious, 0))"
        for k in kinds
    )
    return f"GREATEST(0, {weight} - ({parts}))"


def _count(kinds) -> str:
    return " + ".join(
        f"COALESCE(ev.{k}_{s}, 0)" for k in kinds for s in ("minor", "general", "serious")
    )


KINDS = ["complaint", "complaint_late", "penalty", "spot_failed", "spot_passed", "award",
         "dispute", "other_negative", "other_positive"]  # fmt: skip
EVENTS_CTE = f"""
  SELECT {{fk}} AS subject_id,
      {_events_columns(KINDS)},
      AVG(value) FILTER (WHERE kind = 'review') AS review_avg,
      COUNT(*) FILTER (WHERE kind = 'review') AS review_count
  FROM credit_creditevent
  WHERE {{fk}} IS NOT NULL AND status = 'active'
    AND occurred_on BETWEEN %(year_start)s AND %(year_end)s
    AND (disclosure_until IS NULL OR disclosure_until >= %(as_of)s)
  GROUP BY {{fk}}
"""
REVIEW = (
    "CASE WHEN COALESCE(ev.review_count, 0) < 3 THEN 12.0 "
    "ELSE ROUND(15 * (ev.review_avg - 1) / 4, 1) END"
)

BASELINE_SQL = f"""
WITH eev AS ({EVENTS_CTE.format(fk="enterprise_id")}),
wev AS ({EVENTS_CTE.format(fk="worker_id")}),
q AS (
  SELECT enterprise_id AS subject_id, COUNT(*) AS total,
    COUNT(*) FILTER (WHERE valid_to IS NULL OR valid_to >= %(as_of)s) AS valid,
    MAX(CASE WHEN kind = 'licence' AND (valid_to IS NULL OR valid_to >= %(as_of)s)
        THEN 1 ELSE 0 END) AS licence_valid
  FROM registry_enterprisequalification WHERE verified GROUP BY enterprise_id),
st AS (
  SELECT e.enterprise_id AS subject_id, COUNT(*) AS total,
    COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM registry_healthcertificate h
      WHERE h.worker_id = e.worker_id AND h.verified
        AND (h.valid_to IS NULL OR h.valid_to >= %(as_of)s))) AS health_valid
  FROM registry_employment e WHERE e.ended_on IS NULL GROUP BY e.enterprise_id),
etr AS (
  SELECT e.enterprise_id AS subject_id, SUM(t.hours) AS hours
  FROM registry_employment e JOIN registry_trainingrecord t ON t.worker_id = e.worker_id
  WHERE e.ended_on IS NULL AND t.verified
    AND t.completed_on BETWEEN %(year_start)s AND %(year_end)s
  GROUP BY e.enterprise_id),
wtr AS (
  SELECT worker_id AS subject_id, SUM(hours) AS hours FROM registry_trainingrecord
  WHERE verified AND completed_on BETWEEN %(year_start)s AND %(year_end)s GROUP BY worker_id),
b AS (
  SELECT DISTINCT ON (worker_id) worker_id AS subject_id, result FROM registry_backgroundcheck
  ORDER BY worker_id, checked_on DESC, id DESC)
SELECT 'enterprise', s.id,
  (CASE WHEN COALESCE(q.licence_valid, 0) = 1 THEN ROUND(10.0 * q.valid / q.total, 1) ELSE 0 END)
  + (CASE WHEN COALESCE(st.total, 0) = 0 THEN 5.0
          ELSE ROUND(10.0 * st.health_valid / st.total, 1) END)
  + {_deduct(10, ["penalty"])}
  + {_deduct(10, ["spot_failed"])}
  + (CASE WHEN COALESCE(st.total, 0) = 0 THEN 0
          ELSE ROUND(10 * LEAST(1, COALESCE(etr.hours, 0) / st.total / 24.0), 1) END)
  + ROUND(5 * s.completeness / 100.0, 1)
  + {REVIEW}
  + {_deduct(10, ["complaint"])}
  + {_deduct(8, ["complaint_late"], 2, 2, 4)}
  + {_deduct(7, ["dispute", "other_negative"])}
  + LEAST(5, 2.5 * ({_count(["award", "spot_passed", "other_positive"])}))
FROM registry_enterprise s
LEFT JOIN q ON q.subject_id = s.id
LEFT JOIN st ON st.subject_id = s.id
LEFT JOIN etr ON etr.subject_id = s.id
LEFT JOIN eev ev ON ev.subject_id = s.id
WHERE s.business_status = 'operating'
UNION ALL
SELECT 'worker', s.id,
  (CASE WHEN EXISTS (SELECT 1 FROM registry_healthcertificate h WHERE h.worker_id = s.id
        AND h.verified AND (h.valid_to IS NULL OR h.valid_to >= %(as_of)s)) THEN 15 ELSE 0 END)
  + (CASE WHEN b.result = 'passed' THEN 15 ELSE 0 END)
  + ROUND(15 * LEAST(1, COALESCE(wtr.hours, 0) / 24.0), 1)
  + (CASE WHEN EXISTS (SELECT 1 FROM registry_skillcertificate k WHERE k.worker_id = s.id
        AND k.verified) THEN 5 ELSE 0 END)
  + ROUND(10 * s.completeness / 100.0, 1)
  + {REVIEW}
  + {_deduct(10, ["complaint"])}
  + {_deduct(10, ["dispute", "other_negative"])}
  + LEAST(5, 2.5 * ({_count(["award", "other_positive"])}))
FROM registry_worker s
LEFT JOIN b ON b.subject_id = s.id
LEFT JOIN wtr ON wtr.subject_id = s.id
LEFT JOIN wev ev ON ev.subject_id = s.id
WHERE EXISTS (SELECT 1 FROM registry_employment e WHERE e.worker_id = s.id
  AND e.started_on <= %(year_end)s AND (e.ended_on IS NULL OR e.ended_on >= %(year_start)s))
"""


def sizes(factor: float) -> dict[str, int]:
    return {key: max(10, int(value * SCALE * factor)) for key, value in SIZES.items()}


def wipe() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE credit_rating, credit_ratingchunk, credit_ratingrun, credit_creditevent,"
            " credit_keylistentry, registry_employment, registry_healthcertificate,"
            " registry_backgroundcheck, registry_trainingrecord, registry_skillcertificate,"
            " registry_enterprisequalification, registry_worker, registry_enterprise CASCADE"
        )


def engine_in_worker_process() -> tuple[float, float]:
    """Run the whole year's rating (`run_rating --sync`) in a child process, like a Celery
    worker would; return (engine seconds measured inside it, the child's peak RSS in MB)."""
    db = connection.settings_dict
    environment = dict(os.environ)
    environment["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    environment["DJANGO_SETTINGS_MODULE"] = "zhouqu_jiazheng.settings"
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    script = (
        "import datetime, time, django, time_machine\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)):\n"
        "    started = time.perf_counter()\n"
        "    call_command('run_rating', year=2025, sync=True)\n"
        "    print('ENGINE_SECONDS', time.perf_counter() - started)\n"
        # The process's own high-water mark. Not ru_maxrss: Linux carries the parent's peak
        # over into a child through fork and exec, so a big test process would be counted.
        "print('PEAK_KB', next(int(line.split()[1]) for line in open('/proc/self/status')"
        " if line.startswith('VmHWM:')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    seconds = float(result.stdout.split("ENGINE_SECONDS")[1].split()[0])
    return seconds, int(result.stdout.split("PEAK_KB")[1].split()[0]) / 1024


TRAVEL = (
    "import datetime, sys, time_machine\n"
    "traveller = time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC))\n"
    "traveller.start()\n"
)
WORKER_SCRIPT = TRAVEL + (
    "from pathlib import Path\n"
    "from celery.__main__ import main\n"
    "from celery.signals import worker_ready\n"
    "ready_file = Path(sys.argv[2])\n"
    "worker_ready.connect(lambda **kwargs: ready_file.touch(), weak=False)\n"
    "sys.argv = ['celery', '-A', 'zhouqu_jiazheng', 'worker', '--pool', 'solo', '--queues',"
    " 'bulk', '--loglevel', 'WARNING', '--without-gossip', '--without-mingle',"
    " '--hostname', sys.argv[1]]\n"
    "main()\n"
)
TRIGGER_SCRIPT = TRAVEL + (
    "import django, time\n"
    "django.setup()\n"
    "from django.core.management import call_command\n"
    "print('COMMAND_STARTED', time.monotonic())\n"  # time_machine leaves monotonic alone
    "call_command('run_rating', year=2025)\n"
)
BENCH_BROKER = broker_url()  # make bench: TEST_BROKER_URL; emptied before use


def _peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _wait_for_workers(ready_files: list[Path], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(path.exists() for path in ready_files):
            return
        time.sleep(0.2)
    pytest.fail("the Celery workers did not start")


def engine_with_celery_workers(workers: int = 2) -> tuple[float, float, float]:
    """The production path: `run_rating` queues the chunks on the `bulk` queue and `workers`
    Celery worker processes compute them. Returns (wall seconds from the start of the
    command until the run is done, like the one-process figure; the same from spawning the
    command's process, i.e. with Python and Django starting up; the largest worker's peak
    RSS in MB)."""
    import redis

    redis.Redis.from_url(BENCH_BROKER).flushdb()
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": BENCH_BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "zhouqu_jiazheng.settings",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    ready_dir = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    ready_files = [ready_dir / f"bench{n}.ready" for n in range(workers)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT, f"{path.stem}@localhost", str(path)],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for path in ready_files
    ]  # fmt: skip
    try:
        _wait_for_workers(ready_files)  # started and connected before the clock starts
        spawned = time.monotonic()
        trigger = subprocess.run(
            [sys.executable, "-c", TRIGGER_SCRIPT], cwd=ROOT, env=environment, check=True,
            capture_output=True, text=True,
        )  # fmt: skip
        command_started = float(trigger.stdout.split("COMMAND_STARTED")[1].split()[0])
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            run = RatingRun.objects.order_by("-pk").first()
            if run and run.status == RatingRun.Status.DONE:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the rating run did not finish within 30 minutes")
        done = time.monotonic()
        peak = max(_peak_rss_mb(p.pid) for p in processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(ready_dir, ignore_errors=True)
    return done - command_started, done - spawned, peak


def baseline_totals() -> tuple[float, dict]:
    params = {"as_of": TODAY, "year_start": date(YEAR, 1, 1), "year_end": date(YEAR, 12, 31)}
    started = time.perf_counter()
    # In a transaction: SET LOCAL does nothing outside one, and the test runs in autocommit
    # mode (the baseline ran with JIT compilation, about a second slower, until this).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(BASELINE_SQL, params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, {(kind, pk): total for kind, pk, total in rows}


def naive_rating(subject, subject_type: str, compiled) -> None:
    """What a straightforward per-subject ORM implementation does, for comparison."""
    as_of = evaluation_date(YEAR, TODAY)
    year_range = (date(YEAR, 1, 1), date(YEAR, 12, 31))
    f = {"subject_id": subject.pk, "completeness": subject.completeness}
    f["confirmed_recent"] = int(
        bool(subject.last_confirmed_at) and (TODAY - subject.last_confirmed_at.date()).days <= 365
    )
    key = "enterprise" if subject_type == SubjectType.ENTERPRISE else "worker"
    events = CreditEvent.objects.filter(**{key: subject}, occurred_on__range=year_range)
    for event in events.counting_on(as_of):
        column = event_column(event.kind, event.severity)
        f[column] = f.get(column, 0) + 1
    reviews = [e.value for e in events.counting_on(as_of) if e.kind == "review"]
    f["review_count"] = len(reviews)
    f["review_avg"] = sum(reviews) / len(reviews) if reviews else None
    f["key_list"] = KeyListEntry.objects.filter(
        **{key: subject}, status="active", starts_on__lte=as_of, ends_on__gt=as_of
    ).exists()
    if subject_type == SubjectType.ENTERPRISE:
        quals = list(EnterpriseQualification.objects.filter(enterprise=subject, verified=True))
        valid = [q for q in quals if q.valid_to is None or q.valid_to >= as_of]
        f["quals_total"], f["quals_valid"] = len(quals), len(valid)
        f["licence_valid"] = any(q.kind == "licence" for q in valid)
        staff = list(Employment.objects.filter(enterprise=subject, ended_on__isnull=True))
        f["staff_total"] = len(staff)
        f["staff_health_valid"] = sum(
            HealthCertificate.objects.filter(worker_id=e.worker_id, verified=True)
            .exclude(valid_to__lt=as_of)
            .exists()
            for e in staff
        )
        f["staff_training_hours"] = sum(
            t.hours
            for e in staff
            for t in TrainingRecord.objects.filter(
                worker_id=e.worker_id, verified=True, completed_on__range=year_range
            )
        )
    else:
        f["health_valid"] = (
            HealthCertificate.objects.filter(worker=subject, verified=True)
            .exclude(valid_to__lt=as_of)
            .exists()
        )
        latest = BackgroundCheck.objects.filter(worker=subject).order_by("-checked_on").first()
        f["background_passed"] = bool(latest and latest.result == "passed")
        f["has_skill"] = SkillCertificate.objects.filter(worker=subject, verified=True).exists()
        f["training_hours"] = sum(
            t.hours
            for t in TrainingRecord.objects.filter(
                worker=subject, verified=True, completed_on__range=year_range
            )
        )
    result = score(compiled, f)
    Rating.objects.update_or_create(
        year=YEAR,
        **{key: subject},
        defaults={
            "standard_id": compiled.standard_id, "compliance": result.dimensions["compliance"],
            "quality": result.dimensions["quality"],
            "reputation": result.dimensions["reputation"],
            "commitment": result.dimensions["commitment"], "total": result.total,
            "grade": result.grade, "inputs": result.inputs,
            "computed_at": datetime(2025, 11, 20, 10), "status": "draft",
        },
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_rating_engine_at_province_scale(bench, default_standards):
    full, half = sizes(1.0), sizes(0.5)
    bench.record("enterprises", full["enterprises"])
    bench.record("workers", full["workers"])
    bench.record("credit_inputs_per_year", full["inputs"])
    bench.record("history_years", HISTORY_YEARS)
    half_runs, full_runs, generate_runs, baseline_runs, peaks = [], [], [], [], []
    for _pair in range(PAIRS):  # half then full, each on freshly generated data
        wipe()
        generate(**half, year=YEAR, history_years=HISTORY_YEARS)
        seconds, peak = engine_in_worker_process()
        half_runs.append(seconds)
        peaks.append(peak)
        wipe()
        started = time.perf_counter()
        generate(**full, year=YEAR, history_years=HISTORY_YEARS)
        generate_runs.append(time.perf_counter() - started)
        seconds, peak = engine_in_worker_process()
        full_runs.append(seconds)
        peaks.append(peak)
        # The baseline on the same data right after, so both see the same load.
        baseline_runs.append(baseline_totals())
    peak_mb = max(peaks)  # the largest peak of the processes that did a run
    engine_s = statistics.median(full_runs)
    bench.record("generate_s", statistics.median(generate_runs), "s")
    rated = Rating.objects.count()
    bench.record("subjects_rated", rated)
    bench.record("engine_one_process_runs_s", ", ".join(f"{t:.2f}" for t in full_runs))
    bench.record("engine_one_process_s", engine_s, "s")
    bench.record("engine_one_process_subjects_per_s", rated / engine_s, "subjects/s")
    bench.target("engine_one_process_peak_rss_mb", peak_mb, at_most=512, unit="MB")
    bench.record("engine_one_process_half_size_runs_s", ", ".join(f"{t:.2f}" for t in half_runs))
    bench.record("engine_one_process_half_size_s", statistics.median(half_runs), "s")
    bench.target(
        "full_to_half_ratio",
        statistics.median(f / h for h, f in zip(half_runs, full_runs, strict=True)),
        at_most=2.3,
    )

    with connection.cursor() as cursor:  # not .delete(): no history rows for a benchmark reset
        cursor.execute("TRUNCATE credit_rating, credit_ratingchunk, credit_ratingrun CASCADE")
    celery_s, celery_with_startup_s, worker_peak_mb = engine_with_celery_workers(workers=2)
    assert Rating.objects.count() == rated
    bench.record("engine_two_celery_workers_s", celery_s, "s")
    bench.record("engine_two_celery_workers_with_process_startup_s", celery_with_startup_s, "s")
    bench.target("celery_worker_peak_rss_mb", worker_peak_mb, at_most=512, unit="MB")

    baseline_s = statistics.median(seconds for seconds, _ in baseline_runs)
    totals = baseline_runs[-1][1]  # the last pair's data, which the tables still hold
    bench.record("baseline_single_sql_runs_s", ", ".join(f"{t:.2f}" for t, _ in baseline_runs))
    bench.record("baseline_single_sql_s", baseline_s, "s")
    bench.target(
        "engine_one_process_ratio_to_baseline",
        statistics.median(e / b for e, (b, _) in zip(full_runs, baseline_runs, strict=True)),
        at_most=2,
    )
    bench.record("engine_two_workers_ratio_to_baseline", celery_s / baseline_s, "x")
    engine_totals = {
        ("enterprise" if e else "worker", e or w): t
        for e, w, t in Rating.objects.values_list("enterprise_id", "worker_id", "total")
    }
    assert set(engine_totals) == set(totals), "engine and baseline rate different subjects"
    worst = max(abs(Decimal(engine_totals[k]) - Decimal(totals[k])) for k in totals)
    bench.record("max_total_difference_vs_baseline", float(worst), "points")

    standards = {
        kind: compile_standard(EvaluationStandard.objects.get(year=YEAR, subject_type=kind,
                                                              status="active"))
        for kind in SubjectType.values
    }  # fmt: skip
    sample = [(e, SubjectType.ENTERPRISE) for e in Enterprise.objects.filter(
        business_status="operating").order_by("pk")[:200]]  # fmt: skip
    sample += [(w, SubjectType.WORKER) for w in Worker.objects.order_by("pk")[:1800]]
    with time_machine.travel(datetime(2025, 11, 20, 10)):
        started = time.perf_counter()
        for subject, kind in sample:
            naive_rating(subject, kind, standards[kind])
        naive_s = time.perf_counter() - started
    extrapolated = naive_s / len(sample) * rated
    bench.record("naive_sample_subjects", len(sample))
    bench.record("naive_sample_s", naive_s, "s")
    bench.record("naive_extrapolated_s", extrapolated, "s")
    bench.target("engine_one_process_speedup_vs_naive", extrapolated / engine_s, at_least=20)

    wipe()

    assert worst <= Decimal("0.1"), "the engine and the baseline disagree on totals"
