from celery import shared_task

from .services import complaints_check_deadlines


@shared_task(name="complaints.tasks.check_deadlines", soft_time_limit=600, time_limit=720)
def check_deadlines() -> dict[str, int]:
    """Hourly: deadline states of open cases, and warnings to their officers."""
    return complaints_check_deadlines()
