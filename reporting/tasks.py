from celery import shared_task

from .models import AnnualReport
from .services import annual_report_build


@shared_task(
    # The name it was registered under in the project package: builds queued before the
    # move still run.
    name="zhouqu_jiazheng.tasks.build_annual_report",
    # Well below the broker's one-hour visibility timeout; a provincial report takes minutes.
    soft_time_limit=20 * 60,
    time_limit=25 * 60,
)
def build_annual_report(report_id: int) -> bool:
    """Build a queued annual report (bulk queue). Idempotent: a report already claimed by
    a worker is left alone, so a second delivery does nothing."""
    if not AnnualReport.objects.filter(pk=report_id).exists():
        return False
    annual_report_build(report_id=report_id)
    return True
