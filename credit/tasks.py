from celery import shared_task
from django.utils import timezone

from .models import RatingChunk
from .services import rating_chunk_compute, rating_run_year


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
def yearly_rating() -> int:
    """Beat, once a year on the configured date: rate the current year."""
    run = rating_run_year(actor=None, year=timezone.localdate().year)
    return run.pk
