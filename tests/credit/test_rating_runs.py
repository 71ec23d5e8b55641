"""Rating-run orchestration: one unfinished run per year, runs that are no longer current
change nothing, stalled runs resume, staff cancel a stuck run, a year already final is not
run again."""

import datetime
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from django.utils import timezone

from credit import engine
from credit.models import Rating, RatingChunk, RatingRun
from credit.services import (
    rating_chunk_compute,
    rating_run_cancel,
    rating_run_start,
    rating_run_year,
    rating_runs_resume_stalled,
)
from credit.tasks import resume_stalled_runs, yearly_rating
from tests.rating_faults import synthetic_county
from zhouqu_jiazheng import roles

YEAR = 2025
ALL_FINAL = "2025年度评价结果均已确定，重新评价不会改变结果"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _november_2025():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def county(db, default_standards):
    """A small county with a spread of grades (synthetic data, as the benchmark's)."""
    synthetic_county(enterprises=6, workers=40, inputs=400, year=YEAR)


def snapshot() -> dict:
    """Every rating of the year by subject, with what a run computes."""
    return {
        (r.enterprise_id, r.worker_id): (
            r.total, r.grade, r.compliance, r.quality, r.reputation, r.commitment, r.inputs,
            r.status,
        )
        for r in Rating.objects.filter(year=YEAR)
    }  # fmt: skip


def clean_run_snapshot() -> dict:
    """The ratings a clean run computes, then forgotten (as if never run)."""
    rating_run_year(actor=None, year=YEAR, sync=True)
    expected = snapshot()
    Rating.objects.all().delete()
    RatingRun.objects.all().delete()
    assert expected
    return expected


def user_with_role(django_user_model, role: str, username: str):
    user = django_user_model.objects.create_user(username, password="pw-Test-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


# --- One unfinished run per year ---------------------------------------------------------------


def test_a_second_run_of_a_year_is_refused_while_one_is_unfinished(
    county, client, django_user_model
):
    stuck = rating_run_start(actor=None, year=YEAR, chunk_size=5)
    rating_chunk_compute(chunk_id=stuck.chunks.order_by("pk").first().pk)

    with pytest.raises(ValidationError) as refused:
        rating_run_year(actor=None, year=YEAR)
    assert f"批次 {stuck.pk}" in refused.value.messages[0]
    assert "2025年度已有评价批次正在进行" in refused.value.messages[0]

    with pytest.raises(CommandError, match=f"批次 {stuck.pk}"):
        call_command("run_rating", year=YEAR)

    client.force_login(user_with_role(django_user_model, roles.CREDIT_OFFICER, "xy"))
    start = reverse("admin:credit_ratingrun_start")
    page = client.get(start).content.decode()
    assert f"批次 {stuck.pk}" in page  # said before anyone presses the button
    response = client.post(start, {"year": str(YEAR)})
    assert response.status_code == 200
    assert f"批次 {stuck.pk}" in response.content.decode()

    assert yearly_rating() is None  # beat's task neither fails nor starts a second run
    assert RatingRun.objects.count() == 1


def test_the_database_holds_one_unfinished_run_per_year(county):
    run = rating_run_start(actor=None, year=YEAR)
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingRun.objects.create(
            year=YEAR, enterprise_standard=run.enterprise_standard,
            worker_standard=run.worker_standard,
        )  # fmt: skip
    rating_run_cancel(actor=None, run=run)
    assert rating_run_year(actor=None, year=YEAR, sync=True).status == "done"


def test_the_yearly_task_delivered_twice_starts_one_run(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = yearly_rating()
    assert RatingRun.objects.get(pk=first).status == "done"
    with django_capture_on_commit_callbacks(execute=True):
        assert yearly_rating() is None  # redelivered after the run finished
    assert RatingRun.objects.count() == 1
    assert RatingRun.objects.get().origin == "schedule"


# --- A run that is no longer current changes nothing --------------------------------------------

ORDERS = ["before_the_new_run", "between_its_chunks", "after_it_finished"]


@pytest.mark.parametrize("when", ORDERS)
def test_stale_chunks_of_a_cancelled_run_change_nothing(county, when):
    """The reproduced incident, in process: a run stuck short of some chunks is cancelled, the
    year runs again, and the old run's chunk tasks are delivered again at any moment. Before
    the fix the old run's last chunk finished it and its clean-up deleted the new ratings."""
    expected = clean_run_snapshot()
    old = rating_run_start(actor=None, year=YEAR, chunk_size=5)
    old_chunks = list(old.chunks.order_by("pk").values_list("pk", flat=True))
    for chunk_id in old_chunks[:-2]:  # stuck two chunks short
        rating_chunk_compute(chunk_id=chunk_id)
    rating_run_cancel(actor=None, run=old)

    def stale_tasks_arrive():
        for chunk_id in reversed(old_chunks):  # done and missing ones alike
            assert rating_chunk_compute(chunk_id=chunk_id) is False

    if when == "before_the_new_run":
        stale_tasks_arrive()
    new = rating_run_start(actor=None, year=YEAR, chunk_size=5)
    new_chunks = list(new.chunks.order_by("pk").values_list("pk", flat=True))
    for index, chunk_id in enumerate(new_chunks):
        rating_chunk_compute(chunk_id=chunk_id)
        if when == "between_its_chunks" and index == len(new_chunks) // 2:
            stale_tasks_arrive()
    if when == "after_it_finished":
        stale_tasks_arrive()

    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == "done" and old.status == "cancelled"
    assert snapshot() == expected
    assert Rating.objects.filter(year=YEAR).count() == len(expected)
    assert not Rating.objects.filter(year=YEAR).exclude(run=new).exists()
    assert old.chunks.filter(done_at__isnull=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_chunk_computed_while_its_run_is_cancelled_keeps_nothing(default_standards, monkeypatch):
    """The check is made under the run row's lock at the end of the chunk, not only when it
    starts: a cancel committed while the chunk computes discards the chunk's ratings."""
    synthetic_county(enterprises=3, workers=10, inputs=50, year=YEAR)
    run = rating_run_start(actor=None, year=YEAR)
    chunk = run.chunks.order_by("pk").first()
    rate_range = engine.rate_range

    def cancelled_meanwhile(*args, **kwargs):
        count = rate_range(*args, **kwargs)

        def cancel():
            rating_run_cancel(actor=None, run=run)
            connections.close_all()

        canceller = threading.Thread(target=cancel)
        canceller.start()
        canceller.join(10)
        return count

    monkeypatch.setattr(engine, "rate_range", cancelled_meanwhile)
    assert rating_chunk_compute(chunk_id=chunk.pk) is False
    chunk.refresh_from_db()
    run.refresh_from_db()
    assert chunk.done_at is None and run.status == "cancelled" and run.chunks_done == 0
    assert not Rating.objects.exists()


def test_a_finished_run_delivered_again_withdraws_nothing(county):
    first = rating_run_year(actor=None, year=YEAR, sync=True, chunk_size=5)
    second = rating_run_year(actor=None, year=YEAR, sync=True, chunk_size=5)
    expected = snapshot()
    # Every task of the first run again, and its finishing step.
    for chunk in first.chunks.all():
        assert rating_chunk_compute(chunk_id=chunk.pk) is False
    with transaction.atomic():
        from credit.services.rating import _finish_if_complete

        _finish_if_complete(first.pk)
    assert snapshot() == expected
    assert set(Rating.objects.values_list("run", flat=True)) == {second.pk}


# --- Stalled runs resume -------------------------------------------------------------------------


def test_a_stalled_run_is_resumed_by_the_periodic_task(county, settings):
    settings.CREDIT_RATING_STALL_SECONDS = 600
    expected = clean_run_snapshot()
    run = rating_run_start(actor=None, year=YEAR, chunk_size=5)  # its tasks lost
    first = run.chunks.order_by("pk").first()
    rating_chunk_compute(chunk_id=first.pk)

    assert resume_stalled_runs() == []  # progress a moment ago: left alone
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert resume_stalled_runs() == [run.pk]  # tasks run in process here
        assert resume_stalled_runs() == []  # resumed once
    run.refresh_from_db()
    assert run.status == "done" and run.resumed_count == 1
    assert snapshot() == expected


def test_a_run_never_started_by_a_worker_is_resumed_too(county):
    run = rating_run_start(actor=None, year=YEAR)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert rating_runs_resume_stalled() == [run.pk]
    run.refresh_from_db()
    assert run.status == "done"


def test_finished_and_cancelled_runs_are_never_resumed(county):
    done = rating_run_year(actor=None, year=YEAR, sync=True)
    cancelled = rating_run_start(actor=None, year=YEAR)
    rating_run_cancel(actor=None, run=cancelled)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert rating_runs_resume_stalled() == []
    assert not RatingChunk.objects.filter(run=cancelled, done_at__isnull=False).exists()
    assert done.status == "done"


# --- Staff cancel a stuck run; the run page shows what is missing --------------------------------


def test_staff_see_the_missing_chunks_and_cancel_a_stuck_run(county, client, django_user_model):
    run = rating_run_start(actor=None, year=YEAR, chunk_size=5)
    chunks = list(run.chunks.order_by("subject_type", "low"))
    for chunk in chunks[:-2]:
        rating_chunk_compute(chunk_id=chunk.pk)
    officer = user_with_role(django_user_model, roles.CREDIT_OFFICER, "xy")
    client.force_login(officer)
    page_url = reverse("admin:credit_ratingrun_progress", args=[run.pk])

    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        page = client.get(page_url).content.decode()
    assert "未完成的批次（2批）" in page
    for chunk in chunks[-2:]:
        assert f"{chunk.low}–{chunk.high - 1}" in page
    assert "没有进展" in page and "取消本批次" in page

    cancel_url = reverse("admin:credit_ratingrun_cancel", args=[run.pk])
    assert client.get(cancel_url).status_code == 403  # POST only
    response = client.post(cancel_url)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled" and run.cancelled_by == officer
    page = client.get(page_url).content.decode()
    assert "已取消" in page and "取消本批次" not in page
    assert "xy" in run.message
    # The year can be run again at once.
    assert rating_run_year(actor=officer, year=YEAR, sync=True).status == "done"


def test_the_cancel_action_is_offered_to_those_who_run_ratings_only(
    county, client, django_user_model
):
    run = rating_run_start(actor=None, year=YEAR)
    changelist = reverse("admin:credit_ratingrun_changelist")
    action = {"action": "cancel_runs", "_selected_action": [str(run.pk)]}

    leader = user_with_role(django_user_model, roles.LEADER, "ld")
    client.force_login(leader)
    assert "cancel_runs" not in client.get(changelist).content.decode()
    client.post(changelist, action)
    assert client.post(reverse("admin:credit_ratingrun_cancel", args=[run.pk])).status_code == 403
    page = client.get(reverse("admin:credit_ratingrun_progress", args=[run.pk])).content.decode()
    assert "取消本批次" not in page
    run.refresh_from_db()
    assert run.status == "pending"

    client.force_login(user_with_role(django_user_model, roles.CREDIT_OFFICER, "xy"))
    assert "cancel_runs" in client.get(changelist).content.decode()
    response = client.post(changelist, action, follow=True)
    assert "已取消1个评价批次" in response.content.decode()
    run.refresh_from_db()
    assert run.status == "cancelled"
    response = client.post(changelist, action, follow=True)  # again: said, not an error page
    assert "不能取消" in response.content.decode()


# --- A year whose ratings are all final ------------------------------------------------------


def test_a_year_whose_ratings_are_all_final_is_not_run_again(county, client, django_user_model):
    rating_run_year(actor=None, year=YEAR, sync=True)
    Rating.objects.filter(year=YEAR).update(status=Rating.Status.FINAL)
    before = snapshot()

    with pytest.raises(CommandError, match=ALL_FINAL):
        call_command("run_rating", year=YEAR)
    with pytest.raises(CommandError, match=ALL_FINAL):
        call_command("run_rating", year=YEAR, sync=True)

    client.force_login(user_with_role(django_user_model, roles.CREDIT_OFFICER, "xy"))
    start = reverse("admin:credit_ratingrun_start")
    assert ALL_FINAL in client.get(start).content.decode()  # before starting
    response = client.post(start, {"year": str(YEAR)})
    assert response.status_code == 200
    page = response.content.decode()
    assert ALL_FINAL in page and "共评价" not in page

    assert RatingRun.objects.count() == 1
    assert snapshot() == before

    # One rating still open: a run may change it, so it starts.
    Rating.objects.filter(year=YEAR).order_by("pk").filter(
        pk=Rating.objects.filter(year=YEAR).order_by("pk").first().pk
    ).update(status=Rating.Status.PUBLICISED)
    call_command("run_rating", year=YEAR, sync=True)
    assert RatingRun.objects.count() == 2


def test_drafts_of_subjects_no_longer_rated_are_withdrawn_with_their_history(county):
    from registry.models import Enterprise

    rating_run_year(actor=None, year=YEAR, sync=True)
    closed = list(Enterprise.objects.order_by("pk")[:2])
    withdrawn = set(Rating.objects.filter(enterprise__in=closed).values_list("pk", flat=True))
    assert len(withdrawn) == 2
    Enterprise.objects.filter(pk__in=[e.pk for e in closed]).update(business_status="suspended")
    kept = Rating.objects.count() - 2

    second = rating_run_year(actor=None, year=YEAR, sync=True)

    assert not Rating.objects.filter(pk__in=withdrawn).exists()
    assert Rating.objects.filter(run=second).count() == kept == Rating.objects.count()
    deletions = Rating.history.filter(id__in=withdrawn, history_type="-")
    assert {row.id for row in deletions} == withdrawn
    assert all(row.history_change_reason and row.year == YEAR for row in deletions)
    assert {row.enterprise_id for row in deletions} == {e.pk for e in closed}
