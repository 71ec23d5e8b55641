from celery import shared_task

from .services import records_refresh


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
