from celery import shared_task

from .services.codes import code_deliver


@shared_task(name="incentives.tasks.deliver_code", soft_time_limit=60, time_limit=90)
def deliver_code(code_id: int) -> str:
    """Send one SMS code; safe to run twice (a code is sent at most once). No retries: a
    code lives ten minutes, and a resident whose SMS failed asks for a new one."""
    return code_deliver(code_id=code_id)
