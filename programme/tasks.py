from celery import shared_task

from .services import task_reminders_send


@shared_task(name="programme.tasks.remind_plan_tasks", soft_time_limit=300, time_limit=360)
def remind_plan_tasks() -> int:
    """Daily: remind task owners before and at the due date, each stage once."""
    return task_reminders_send()
