"""A rating run whose Celery worker is killed (SIGKILL) half-way, with real worker processes,
Redis and PostgreSQL: the run is resumed, or cancelled and run again, and the killed
worker's task, delivered again by Redis, changes nothing. Either way every subject ends with
exactly one rating, equal to a clean run's."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from credit.models import Rating, RatingChunk, RatingRun
from credit.services import rating_run_cancel, rating_run_year, rating_runs_resume_stalled
from tests.rating_faults import (
    ChunkBlocker,
    broker_url,
    kill,
    queue_drained,
    redeliver_unacked,
    start_worker,
    stop_worker,
    synthetic_county,
    wait_for,
    worker_backends,
)
from zhouqu_jiazheng import roles

YEAR = 2025


def snapshot() -> dict:
    return {
        (r.enterprise_id, r.worker_id): (
            r.total, r.grade, r.compliance, r.quality, r.reputation, r.commitment, r.inputs,
        )
        for r in Rating.objects.filter(year=YEAR)
    }  # fmt: skip


def run_killed_half_way(app, queue: str, expected: dict):
    """Start a run on `queue`, kill its worker in the middle of a chunk, and let a fresh
    worker compute every chunk still queued. Returns (run, the fresh worker, missing chunk)."""
    first = start_worker(queue, broker_url(), "first")
    try:
        run = rating_run_year(actor=None, year=YEAR, chunk_size=5)  # queued at once
        workers = list(run.chunks.filter(subject_type="worker").order_by("low"))
        # Hold the third worker chunk that has a rated subject: two chunks are done before it.
        held = [c for c in workers if any(c.low <= w < c.high for _, w in expected if w)][2]
        subject = next(w for _, w in expected if w and held.low <= w < held.high)
        blocker = ChunkBlocker(held, subject, run.worker_standard_id, YEAR)
        try:
            wait_for(lambda: worker_backends(queue, waiting_on_lock=True), what="the held chunk")
            kill(first)
        finally:
            blocker.release()
    finally:
        # Killed on the way through; a failure before the kill must not leave it running
        # (its database session would keep the test database from being dropped).
        stop_worker(first)
    wait_for(lambda: not worker_backends(queue), what="the killed worker's session to end")
    run.refresh_from_db()
    done_when_killed = run.chunks_done
    assert 0 < done_when_killed < run.chunks_total

    second = start_worker(queue, broker_url(), "second")
    # The queued chunks are computed; the held one is lost with the killed worker.
    wait_for(
        lambda: RatingRun.objects.get(pk=run.pk).chunks_done == run.chunks_total - 1,
        what="the chunks still queued",
    )
    run.refresh_from_db()
    assert run.status == "running"
    assert list(run.chunks.filter(done_at__isnull=True)) == [held]
    return run, second, held


@pytest.fixture
def county(transactional_db, default_standards):
    synthetic_county(enterprises=4, workers=40, inputs=300, year=YEAR)
    rating_run_year(actor=None, year=YEAR, sync=True)
    expected = snapshot()
    Rating.objects.all().delete()
    RatingRun.objects.all().delete()
    return expected


@pytest.fixture
def queue(settings):
    name = f"test-rating-{uuid.uuid4().hex[:10]}"
    settings.CELERY_BULK_QUEUE = name
    return name


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_s_run_is_resumed_and_its_late_task_changes_nothing(
    county, queue, real_broker, client, django_user_model
):
    run, worker, held = run_killed_half_way(real_broker, queue, county)
    try:
        # Staff see which chunk is missing; a second run of the year is refused.
        officer = django_user_model.objects.create_user("xy", password="pw", is_staff=True)
        officer.groups.add(Group.objects.get(name=roles.CREDIT_OFFICER))
        client.force_login(officer)
        page = client.get(reverse("admin:credit_ratingrun_progress", args=[run.pk]))
        assert f"{held.low}–{held.high - 1}" in page.content.decode()
        with pytest.raises(CommandError, match=f"批次 {run.pk}"):
            call_command("run_rating", year=YEAR)

        # No progress for longer than CREDIT_RATING_STALL_SECONDS: the watchdog queues the
        # missing chunk again and the run finishes.
        later = timezone.now() + timedelta(hours=1)
        assert rating_runs_resume_stalled(now=later) == [run.pk]
        wait_for(lambda: RatingRun.objects.get(pk=run.pk).status == "done", what="the run")
        assert snapshot() == county

        # An hour on, Redis hands the killed worker's task to the worker again.
        assert redeliver_unacked(real_broker, queue) == 1
        wait_for(lambda: queue_drained(real_broker, queue), what="the redelivered task")
    finally:
        stop_worker(worker)
    assert snapshot() == county
    assert Rating.objects.filter(year=YEAR).count() == len(county)
    assert set(Rating.objects.values_list("run", flat=True)) == {run.pk}


@pytest.mark.django_db(transaction=True)
def test_a_stuck_run_cancelled_and_run_again_is_not_undone_by_its_late_tasks(
    county, queue, real_broker
):
    old, worker, held = run_killed_half_way(real_broker, queue, county)
    try:
        rating_run_cancel(actor=None, run=old)
        # The killed worker's task arrives before the new run...
        assert redeliver_unacked(real_broker, queue) == 1
        wait_for(lambda: queue_drained(real_broker, queue), what="the redelivered task")
        call_command("run_rating", year=YEAR)
        new = RatingRun.objects.exclude(pk=old.pk).get()
        wait_for(lambda: RatingRun.objects.get(pk=new.pk).status == "done", what="the new run")
        # ...and every task of the old run once more after it, in reverse order.
        from credit.tasks import rate_chunk

        for chunk_id in old.chunks.order_by("-pk").values_list("pk", flat=True):
            rate_chunk.apply_async(args=[chunk_id], queue=queue)
        wait_for(lambda: queue_drained(real_broker, queue), what="the old run's tasks")
    finally:
        stop_worker(worker)
    old.refresh_from_db()
    assert old.status == "cancelled"
    assert RatingChunk.objects.get(pk=held.pk).done_at is None
    assert snapshot() == county
    assert Rating.objects.filter(year=YEAR).count() == len(county)
    assert set(Rating.objects.values_list("run", flat=True)) == {new.pk}
