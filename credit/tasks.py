from celery import shared_task
from django.utils import timezone

from .models import RatingChunk
from .services import (
    rating_chunk_compute,
    rating_inputs_tables_clean,
    rating_run_scheduled,
    rating_runs_resume_stalled,
)
from .services.management import key_list_expire_due
from .services.publication import ratings_finalise_due


@shared_task(
    name="credit.tasks.rate_chunk",
    acks_late=True,  # proven idempotent: a chunk is computed once, in one transaction
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
    autoretry_for=(ConnectionError,),
    retry_backoff=10,
    max_retries=3,
)
def rate_chunk(chunk_id: int) -> bool:
    if not RatingChunk.objects.filter(pk=chunk_id).exists():
        return False
    return rating_chunk_compute(chunk_id=chunk_id)


@shared_task(name="credit.tasks.yearly_rating", soft_time_limit=300, time_limit=360)
def yearly_rating() -> int | None:
    """Beat, once a year on the configured date: rate the current year. Idempotent: the
    schedule starts one run per year, and none while another run of the year is unfinished."""
    run = rating_run_scheduled(year=timezone.localdate().year)
    return run.pk if run else None


@shared_task(name="credit.tasks.resume_stalled_runs", soft_time_limit=60, time_limit=90)
def resume_stalled_runs() -> list[int]:
    """Every few minutes: queue again the missing chunks of rating runs without progress for
    CREDIT_RATING_STALL_SECONDS (their tasks were lost with a killed worker). Idempotent:
    a chunk is computed once however often it is queued."""
    return rating_runs_resume_stalled()


@shared_task(name="credit.tasks.finalise_due_ratings", soft_time_limit=15 * 60, time_limit=20 * 60)
def finalise_due_ratings() -> int:
    """Daily: publicised ratings whose publicity period is over and that have no open
    objection become final. Idempotent: a second run the same day finds nothing to do."""
    return ratings_finalise_due(today=timezone.localdate())


@shared_task(name="credit.tasks.expire_key_list", soft_time_limit=5 * 60, time_limit=6 * 60)
def expire_key_list() -> int:
    """Daily: key-management list entries whose period has ended leave the list.
    Idempotent: an entry already removed is skipped."""
    return key_list_expire_due(today=timezone.localdate())


@shared_task(name="credit.tasks.clean_rating_inputs", soft_time_limit=5 * 60, time_limit=6 * 60)
def clean_rating_inputs() -> int:
    """Daily: drop the scratch inputs tables of rating runs cancelled, abandoned or deleted.
    Idempotent."""
    return rating_inputs_tables_clean()
