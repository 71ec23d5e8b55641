from celery import shared_task

from .services import records_refresh
from .services.refresh import notice_deliver


@shared_task(name="registry.tasks.refresh_records", soft_time_limit=50 * 60, time_limit=55 * 60)
def refresh_records() -> dict:
    """Daily: document validity, dossier completeness, stale flags, expiry notices.

    Idempotent (a second run the same day changes and sends nothing), so a redelivery after
    a worker dies is harmless.
    """
    report = records_refresh()
    return {
        "documents_changed": report.documents_changed,
        "enterprises_updated": report.enterprises_updated,
        "workers_updated": report.workers_updated,
        "notices_sent": report.notices_sent,
    }


@shared_task(
    name="registry.tasks.deliver_notices",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def deliver_notices(notice_ids: list[int]) -> int:
    """Send queued reminders; safe to run twice (each notice is sent at most once)."""
    return sum(notice_deliver(notice_id=notice_id) for notice_id in notice_ids)
