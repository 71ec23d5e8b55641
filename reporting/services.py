"""Runs of the annual report (年度工作总结报表): `annual_report_start` queues a build on the
bulk queue (`build_annual_report`); `annual_report_build` writes the workbook
(`annual_workbook`) and saves progress as it goes."""

import datetime
import logging
import tempfile
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from .annual_figures import annual_report_figures
from .annual_workbook import write_workbook
from .models import AnnualReport

logger = logging.getLogger(__name__)

FIRST_YEAR = 2025  # the programme started in 2025
# A build left "running" longer than this died with its worker; a new one may start.
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
# Share of the progress bar taken by the figures before the list, and by saving after it.
PROGRESS_BEFORE_LIST = 5
PROGRESS_AFTER_LIST = 98


def report_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, FIRST_YEAR - 1, -1))


@transaction.atomic
def annual_report_start(*, actor, year: int) -> AnnualReport:
    """Queue the build of `year`'s report; a build of that year already under way is
    returned instead of starting a second one."""
    if year not in report_years():
        raise ValidationError(
            "报告年度应在%(first)s年至今年之间。", code="year", params={"first": FIRST_YEAR}
        )
    running = (
        AnnualReport.objects.select_for_update()
        .filter(
            year=year,
            status__in=(AnnualReport.Status.PENDING, AnnualReport.Status.RUNNING),
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .first()
    )
    if running is not None:
        return running
    report = AnnualReport.objects.create(year=year, requested_by=actor)
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from .tasks import build_annual_report

    build_annual_report.apply_async(args=[report_id], queue=settings.CELERY_BULK_QUEUE)


def _update(report_id: int, **values) -> None:
    AnnualReport.objects.filter(pk=report_id).update(**values)


def annual_report_build(*, report_id: int) -> AnnualReport:
    """Build the workbook of a queued report. Idempotent: a report already built (or being
    built by another worker) is left alone."""
    claimed = AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.PENDING).update(
        status=AnnualReport.Status.RUNNING, started_at=timezone.now(), progress=0
    )
    report = AnnualReport.objects.get(pk=report_id)
    if not claimed:
        return report
    try:
        figures = annual_report_figures(year=report.year)
        _update(report_id, progress=PROGRESS_BEFORE_LIST, rows_total=figures.ratings_listed)

        def on_progress(done: int, total: int) -> None:
            span = PROGRESS_AFTER_LIST - PROGRESS_BEFORE_LIST
            share = PROGRESS_BEFORE_LIST + (span * done // total if total else span)
            _update(report_id, progress=share, rows_done=done, rows_total=total)

        # Spooled to disk past a few MB: a provincial workbook is tens of megabytes.
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
            rows = write_workbook(figures, out, on_progress)
            out.seek(0)
            report.file.save(f"annual-report-{report.year}-{report.pk}.xlsx", File(out), save=False)
        _update(
            report_id,
            file=report.file.name,
            status=AnnualReport.Status.DONE,
            progress=100,
            rows_done=rows,
            rows_total=rows,
            finished_at=timezone.now(),
            message=f"已生成：评价结果名单{rows}行。",
        )
    except SoftTimeLimitExceeded:
        _update(
            report_id,
            status=AnnualReport.Status.FAILED,
            finished_at=timezone.now(),
            message="生成超时，已停止。请稍后重新生成；如仍超时请联系系统管理员。",
        )
    except Exception:
        logger.exception("annual report %s failed", report_id)
        _update(
            report_id,
            status=AnnualReport.Status.FAILED,
            finished_at=timezone.now(),
            message="生成时发生系统错误。可重新生成；如仍失败请联系系统管理员。",
        )
    report.refresh_from_db()
    return report
