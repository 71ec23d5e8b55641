"""Writes owned by the project package itself (worker heartbeat, periodic schedule)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from .models import WorkerHeartbeat
from .schedule import PERIODIC_TASKS, PeriodicTaskSpec


def heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    now = timezone.now()
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname, defaults={"last_seen": now, "pings": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(last_seen=now, pings=F("pings") + 1)
        heartbeat.refresh_from_db()
    return heartbeat


def _crontab_for(spec: PeriodicTaskSpec) -> CrontabSchedule:
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=spec.minute,
        hour=spec.hour,
        day_of_week=spec.day_of_week,
        day_of_month=spec.day_of_month,
        month_of_year=spec.month_of_year,
        timezone="Asia/Shanghai",
    )
    return crontab


@transaction.atomic
def periodic_tasks_sync(specs: tuple[PeriodicTaskSpec, ...] = PERIODIC_TASKS) -> list[str]:
    """Create or update the beat schedule from code; idempotent.

    Tasks that the code no longer declares (and that were created by this function) are
    disabled rather than deleted, so their run history stays visible in the admin.
    """
    changes: list[str] = []
    declared = set()
    for spec in specs:
        declared.add(spec.name)
        defaults = {
            "task": spec.task,
            "crontab": _crontab_for(spec),
            "interval": None,
            "queue": spec.queue,
            "enabled": True,
            "description": spec.description,
        }
        task, created = PeriodicTask.objects.update_or_create(name=spec.name, defaults=defaults)
        changes.append(f"{'created' if created else 'updated'} {task.name}")
    stale = PeriodicTask.objects.filter(name__startswith="zqjz:").exclude(name__in=declared)
    for task in stale.filter(enabled=True):
        task.enabled = False
        task.save(update_fields=["enabled"])
        changes.append(f"disabled {task.name}")
    return changes
