"""The yearly rating on the synthetic province (BENCH_RATING_SCALE as bench_rating.py) with
a Celery worker killed half-way (SIGKILL of a real worker process while it writes a chunk).

Two workers compute the run on their own queue; the one holding a chunk is killed and a
fresh one started in its place. Two ways out are measured, each on a fresh run:
- resumed: the watchdog (`credit.tasks.resume_stalled_runs`) finds the run without progress
  for CREDIT_RATING_STALL_SECONDS (5 s here) and queues the lost chunk again;
- cancelled and run again: staff cancel the stuck run and start the year again.
Then Redis hands the killed worker's task out again, as it does after the visibility
timeout. Printed: the ratings after a clean run, when stuck, after the recovery and after the
late task, and whether the ratings equal the clean run's, subject by subject.
"""

import time
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from credit.models import Rating, RatingRun
from credit.services import rating_run_cancel, rating_run_year, rating_runs_resume_stalled
from tests.bench.bench_rating import sizes, wipe
from tests.rating_faults import (
    ChunkBlocker,
    kill,
    queue_drained,
    redeliver_unacked,
    start_worker,
    stop_worker,
    synthetic_county,
    wait_for,
    worker_backends,
)

YEAR = 2025
COMPARED = (
    "enterprise_id, worker_id, total, grade, compliance, quality, reputation, commitment, inputs"
)


def _ratings() -> int:
    return Rating.objects.filter(year=YEAR).count()


def _reset_runs() -> None:
    with connection.cursor() as cursor:  # not .delete(): no history rows for a benchmark reset
        cursor.execute("TRUNCATE credit_rating, credit_ratingchunk, credit_ratingrun CASCADE")


def _differences() -> int:
    """Subjects whose rating differs from the clean run's (either way), plus subjects rated
    twice."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM (SELECT {COMPARED} FROM credit_rating WHERE year = %s"
            f" EXCEPT SELECT {COMPARED} FROM bench_clean_ratings) a)"
            f" + (SELECT COUNT(*) FROM (SELECT {COMPARED} FROM bench_clean_ratings"
            f" EXCEPT SELECT {COMPARED} FROM credit_rating WHERE year = %s) b)"
            " + (SELECT COUNT(*) - COUNT(DISTINCT (enterprise_id, worker_id)) FROM credit_rating"
            " WHERE year = %s)",
            [YEAR, YEAR, YEAR],
        )
        return cursor.fetchone()[0]


def _killed_half_way(app, queue: str, workers: dict):
    """Start a run, kill the worker writing its fifth worker chunk, start another worker in
    its place and wait until every chunk still queued is done."""
    run = rating_run_year(actor=None, year=YEAR)  # queued at once (autocommit)
    chunks = list(run.chunks.filter(subject_type="worker").order_by("low"))
    held = chunks[min(4, len(chunks) - 1)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(worker_id) FROM bench_clean_ratings WHERE worker_id >= %s"
            " AND worker_id < %s",
            [held.low, held.high],
        )
        subject = cursor.fetchone()[0]
    blocker = ChunkBlocker(held, subject, run.worker_standard_id, YEAR)
    try:
        wait_for(lambda: worker_backends(queue, waiting_on_lock=True), what="the held chunk",
                 timeout=1800)  # fmt: skip
        name = worker_backends(queue, waiting_on_lock=True)[0]
        kill(workers.pop(name))
        killed_at = time.monotonic()
    finally:
        blocker.release()
    wait_for(lambda: name not in worker_backends(queue), what="the killed worker's session")
    replacement = f"{name}-restarted"
    workers[replacement] = start_worker(queue, app.conf.broker_url, replacement)
    wait_for(
        lambda: RatingRun.objects.get(pk=run.pk).chunks_done == run.chunks_total - 1,
        what="the chunks still queued", timeout=1800,
    )  # fmt: skip
    run.refresh_from_db()
    assert run.status == "running", "the run should be stuck one chunk short"
    return run, killed_at


@pytest.mark.django_db(transaction=True)
def test_rating_run_with_a_killed_worker(bench, default_standards, real_broker, settings):
    full = sizes(1.0)
    bench.record("enterprises", full["enterprises"])
    bench.record("workers", full["workers"])
    wipe()
    synthetic_county(**full, year=YEAR)

    started = time.perf_counter()
    rating_run_year(actor=None, year=YEAR, sync=True)
    bench.record("clean_run_one_process_s", time.perf_counter() - started, "s")
    clean = _ratings()
    bench.record("ratings_clean_run", clean)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_clean_ratings")
        cursor.execute(
            f"CREATE UNLOGGED TABLE bench_clean_ratings AS SELECT {COMPARED} FROM credit_rating"
            " WHERE year = %s",
            [YEAR],
        )
    queue = f"bench-rating-fault-{uuid.uuid4().hex[:8]}"
    settings.CELERY_BULK_QUEUE = queue
    settings.CREDIT_RATING_STALL_SECONDS = 5
    workers = {name: start_worker(queue, real_broker.conf.broker_url, name) for name in "ab"}
    try:
        # 1. Resumed by the watchdog.
        _reset_runs()
        run, killed_at = _killed_half_way(real_broker, queue, workers)
        bench.record("resumed_ratings_when_stuck", _ratings())
        bench.record("resumed_missing_chunks", run.chunks_total - run.chunks_done)
        wait_for(lambda: rating_runs_resume_stalled() == [run.pk], what="the watchdog")
        wait_for(lambda: RatingRun.objects.get(pk=run.pk).status == "done", what="the run")
        bench.record("resumed_kill_to_done_s", time.monotonic() - killed_at, "s")
        bench.record("resumed_ratings_after", _ratings())
        bench.record("resumed_late_tasks_redelivered", redeliver_unacked(real_broker, queue))
        wait_for(lambda: queue_drained(real_broker, queue), what="the late task")
        bench.record("resumed_ratings_after_late_task", _ratings())
        resumed_differences = _differences()
        bench.record("resumed_subjects_differing_from_clean_run", resumed_differences)

        # 2. Cancelled by staff and run again.
        _reset_runs()
        old, killed_at = _killed_half_way(real_broker, queue, workers)
        bench.record("cancelled_ratings_when_stuck", _ratings())
        rating_run_cancel(actor=None, run=old)
        call_command("run_rating", year=YEAR)
        new = RatingRun.objects.exclude(pk=old.pk).get()
        wait_for(lambda: RatingRun.objects.get(pk=new.pk).status == "done", what="the new run",
                 timeout=1800)  # fmt: skip
        bench.record("cancelled_kill_to_new_run_done_s", time.monotonic() - killed_at, "s")
        bench.record("cancelled_ratings_after_new_run", _ratings())
        bench.record("cancelled_late_tasks_redelivered", redeliver_unacked(real_broker, queue))
        wait_for(lambda: queue_drained(real_broker, queue), what="the late task")
        bench.record("cancelled_ratings_after_late_task", _ratings())
        cancelled_differences = _differences()
        bench.record("cancelled_subjects_differing_from_clean_run", cancelled_differences)
    finally:
        for process in workers.values():
            stop_worker(process)
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_clean_ratings")
    bench.record(
        "equal_to_clean_run", "yes" if resumed_differences == cancelled_differences == 0 else "no"
    )
    wipe()
    assert resumed_differences == 0 and cancelled_differences == 0
