from celery import shared_task

from .services import complaints_check_deadlines, notification_deliver, notifications_drain


@shared_task(
    name="complaints.tasks.deliver_notifications",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send queued messages about cases; safe to run twice (each is sent at most once)."""
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)


@shared_task(name="complaints.tasks.drain_notifications", soft_time_limit=240, time_limit=300)
def drain_notifications() -> int:
    """Every few minutes: send what the broker, a worker or the gateway left pending."""
    return notifications_drain()


@shared_task(name="complaints.tasks.check_deadlines", soft_time_limit=600, time_limit=720)
def check_deadlines() -> dict[str, int]:
    """Hourly: deadline states of open cases, and warnings to their officers."""
    return complaints_check_deadlines()
