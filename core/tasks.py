from celery import shared_task

from .outbox import OutboxMessage, outbox_deliver, outbox_drain


@shared_task(
    name="core.tasks.deliver_outbox",
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def deliver_outbox(outbox: str, ids: list[int]) -> int:
    """Send rows of one outbox after commit; safe to run twice (a row is sent at most once)."""
    return sum(outbox_deliver(outbox, pk) == OutboxMessage.Status.SENT for pk in ids)


@shared_task(name="core.tasks.drain_outboxes", soft_time_limit=240, time_limit=300)
def drain_outboxes() -> int:
    """Every few minutes: send what the broker, a worker or a gateway left pending."""
    return outbox_drain()
