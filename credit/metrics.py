"""Rating runs' progress on `/metrics` (core.metrics): one query over the unfinished runs
(at most one per year, see RatingRun.Meta.constraints), labelled by year."""

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from core.metrics.collector import METRIC_SOURCES

from .models import RatingRun

FIELDS = (
    "year",
    "status",
    "subjects_done",
    "subjects_total",
    "chunks_done",
    "chunks_total",
    "created_at",
    "started_at",
    "progressed_at",
)


def rating_run_metrics() -> list[GaugeMetricFamily]:
    runs = list(
        RatingRun.objects.filter(status__in=RatingRun.UNFINISHED).order_by("year").values(*FIELDS)
    )
    now = timezone.now()
    unfinished = GaugeMetricFamily(
        "zqjz_rating_runs_unfinished",
        "Rating runs queued (pending) or being computed (running).",
        labels=["status"],
    )
    for status in RatingRun.UNFINISHED:
        unfinished.add_metric([status], sum(run["status"] == status for run in runs))
    families = {
        name: GaugeMetricFamily(f"zqjz_rating_run_{name}", text, labels=["year"])
        for name, text in (
            ("subjects_done", "Subjects rated so far by the unfinished run of the year."),
            ("subjects_total", "Subjects the unfinished run of the year has to rate."),
            ("chunks_done", "Chunks done by the unfinished run of the year."),
            ("chunks_total", "Chunks of the unfinished run of the year."),
            ("age_seconds", "Time since the unfinished run of the year started (or was queued)."),
            (
                "last_progress_age_seconds",
                "Time since the unfinished run of the year last finished a chunk (or started).",
            ),
        )
    }
    for run in runs:
        year = [str(run["year"])]
        for field in ("subjects_done", "subjects_total", "chunks_done", "chunks_total"):
            families[field].add_metric(year, run[field])
        started = run["started_at"] or run["created_at"]
        families["age_seconds"].add_metric(year, (now - started).total_seconds())
        progressed = run["progressed_at"] or started
        families["last_progress_age_seconds"].add_metric(year, (now - progressed).total_seconds())
    return [unfinished, *families.values()]


def register() -> None:
    METRIC_SOURCES.register(rating_run_metrics, key="rating_runs")
