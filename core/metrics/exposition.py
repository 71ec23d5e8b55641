"""The text a scrape of `/metrics` gets."""

import os
from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

from .collector import ProjectCollector
from .requests import MULTIPROC_DIR_ENV


class _Scrape:
    def __init__(self, *collectors) -> None:
        self.collectors = collectors

    def collect(self) -> Iterable[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def _process_metrics():
    """This process's registry, or the sum of every web process's files in multiprocess mode."""
    if not os.environ.get(MULTIPROC_DIR_ENV):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def metrics_exposition() -> tuple[bytes, str]:
    """(body, content type) in Prometheus's text format."""
    return generate_latest(_Scrape(_process_metrics(), ProjectCollector())), CONTENT_TYPE_LATEST
