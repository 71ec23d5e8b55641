"""Gauges read at scrape time: each source is a few cheap, bounded queries.

- every registered outbox (core.outbox): pending rows, age of the oldest pending row,
  failed rows, and the failed text messages (undeliverable, or given up after retries);
  one aggregate query per outbox, over its pending and failed rows only;
- the broker's queues: the length of each Celery queue and the messages taken by workers
  but not yet acknowledged (one Redis round trip);
- Celery task failures and last successes, as the workers recorded them (`store`);
- what apps register in METRIC_SOURCES (functions returning metric families, e.g. the
  rating runs' progress from the credit app).

A source that fails (database or Redis down) is left out of the scrape and reported by
`zqjz_metrics_source_up{source}` 0; the scrape itself still answers.
"""

import logging
import time
from collections.abc import Callable, Iterable

import redis
from celery import current_app
from django.conf import settings
from django.db.models import Count, Min, Q
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from core.outbox import OutboxMessage, outboxes
from core.plugins import Registry

from .store import task_records

logger = logging.getLogger(__name__)

MetricSource = Callable[[], Iterable[Metric]]
METRIC_SOURCES: Registry[MetricSource] = Registry("metric sources")

# kombu's Redis transport keeps a queue's messages of priority 3, 6 and 9 in lists of their own.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)


def outbox_metrics() -> Iterable[Metric]:
    Status = OutboxMessage.Status
    pending = GaugeMetricFamily(
        "zqjz_outbox_pending", "Outbox rows waiting to be sent.", labels=["outbox"]
    )
    oldest = GaugeMetricFamily(
        "zqjz_outbox_oldest_pending_age_seconds",
        "Age of the oldest pending row of the outbox (0 when none is pending).",
        labels=["outbox"],
    )
    failed = GaugeMetricFamily(
        "zqjz_outbox_failed", "Outbox rows given up (failed for good).", labels=["outbox"]
    )
    sms_failed = GaugeMetricFamily(
        "zqjz_sms_failed",
        "Text messages failed for good: undeliverable (no number any more, expired) or "
        "gateway (still failing after the retries).",
        labels=["outbox", "reason"],
    )
    now = time.time()
    is_failed = Q(status=Status.FAILED)
    undeliverable = Q(last_error__startswith="Undeliverable")
    for outbox in outboxes():
        aggregates = {
            "pending": Count("pk", filter=Q(status=Status.PENDING)),
            "oldest": Min("created_at", filter=Q(status=Status.PENDING)),
            "failed": Count("pk", filter=is_failed),
        }
        if outbox.sms is not False:
            is_sms = Q() if outbox.sms is True else outbox.sms
            aggregates["undeliverable"] = Count("pk", filter=is_failed & is_sms & undeliverable)
            aggregates["gateway"] = Count("pk", filter=is_failed & is_sms & ~undeliverable)
        row = outbox.model.objects.filter(status__in=[Status.PENDING, Status.FAILED]).aggregate(
            **aggregates
        )
        label = outbox.label
        pending.add_metric([label], row["pending"])
        age = now - row["oldest"].timestamp() if row["oldest"] else 0.0
        oldest.add_metric([label], max(0.0, age))
        failed.add_metric([label], row["failed"])
        if outbox.sms is not False:
            sms_failed.add_metric([label, "undeliverable"], row["undeliverable"])
            sms_failed.add_metric([label, "gateway"], row["gateway"])
    return [pending, oldest, failed, sms_failed]


def _queue_names() -> list[str]:
    queues = current_app.conf.task_queues or ()
    names = [queue.name for queue in queues] or [settings.CELERY_TASK_DEFAULT_QUEUE]
    return sorted(set(names))


def queue_metrics() -> Iterable[Metric]:
    url = str(settings.CELERY_BROKER_URL or "")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return []
    names = _queue_names()
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.llen(name)
                for step in PRIORITY_STEPS:
                    pipe.llen(f"{name}{PRIORITY_SEPARATOR}{step}")
            pipe.hlen("unacked")
            lengths = pipe.execute()
    finally:
        client.close()
    depth = GaugeMetricFamily(
        "zqjz_celery_queue_length", "Tasks waiting in the broker queue.", labels=["queue"]
    )
    per_queue = 1 + len(PRIORITY_STEPS)
    for index, name in enumerate(names):
        depth.add_metric([name], sum(lengths[index * per_queue : (index + 1) * per_queue]))
    unacked = GaugeMetricFamily(
        "zqjz_celery_unacked",
        "Tasks delivered to workers and not yet acknowledged (running or prefetched).",
        value=lengths[-1],
    )
    return [depth, unacked]


def task_metrics() -> Iterable[Metric]:
    failures, successes = task_records()
    failed = CounterMetricFamily(
        "zqjz_celery_task_failures",
        "Celery tasks that failed (after their retries), by task.",
        labels=["task"],
    )
    for task, count in failures.items():
        failed.add_metric([task], count)
    last = GaugeMetricFamily(
        "zqjz_celery_task_last_success_timestamp_seconds",
        "When the task last succeeded (Unix time), by task.",
        labels=["task"],
    )
    for task, when in successes.items():
        last.add_metric([task], when)
    return [failed, last]


BUILT_IN: tuple[tuple[str, MetricSource], ...] = (
    ("outboxes", outbox_metrics),
    ("broker", queue_metrics),
    ("tasks", task_metrics),
)


class ProjectCollector:
    """The prometheus_client collector of all sources above, run at every scrape."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "zqjz_metrics_source_up",
            "1 when the source of metrics answered this scrape, 0 when it failed.",
            labels=["source"],
        )
        for name, source in (*BUILT_IN, *METRIC_SOURCES.items()):
            try:
                families = list(source())
            except Exception:  # a source down must not take the other metrics with it
                logger.exception("metrics source %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up
