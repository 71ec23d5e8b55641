"""The dashboard uncached and the annual report, on the synthetic county.

    make bench PYTEST_ARGS=tests/bench/bench_dashboard.py
    ADMIN_BENCH_WORKERS=200000 ADMIN_BENCH_ENTERPRISES=20000 make bench ...

The data set is `manage.py generate_synthetic` (committed and vacuumed, as autovacuum keeps
a live database), with a final rating of the year before for every subject and of the year
for half of them, then for all of them: the annual report is built at both sizes (1× and
2× ratings), timed and its peak of Python memory traced (tracemalloc). The dashboard (the
admin index) is then timed with its cached figures deleted before every request, against
the Township list (19 rows, the cheapest admin page) in the same run; medians of
`DASHBOARD_BENCH_REQUESTS` (3) requests, after one to warm the process.
"""

import os
import statistics
import time
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit.models import EvaluationStandard, Rating
from reporting.dashboard import dashboard_cache_key
from reporting.models import AnnualReport
from reporting.services import annual_report_build

WORKERS = int(os.environ.get("ADMIN_BENCH_WORKERS", 20_000))
ENTERPRISES = int(os.environ.get("ADMIN_BENCH_ENTERPRISES", 2_000))
REQUESTS = int(os.environ.get("DASHBOARD_BENCH_REQUESTS", 3))
YEAR = 2025
PEAK_TARGET_MB = 512
# From 1× to 2× the ratings the report's peak memory stays roughly flat.
GROWTH_TARGET = 1.25

# Final ratings of `year` for the subjects whose id has the parity asked (or all), spread
# over totals and grades, written as the engine would.
RATINGS_SQL = """
INSERT INTO credit_rating (year, compliance, quality, reputation, commitment, total, grade,
    vetoed, veto_reason, explanation, status, computed_at, enterprise_id, worker_id,
    standard_id, inputs, not_graded_reason)
SELECT %(year)s, 30, 30, 20, 10, 40 + (s.id %% 600) / 10.0,
    CASE WHEN s.id %% 5 = 0 THEN 'AAA' WHEN s.id %% 5 = 1 THEN 'AA' WHEN s.id %% 5 = 2 THEN 'A'
         WHEN s.id %% 5 = 3 THEN 'B' ELSE 'C' END,
    false, '', '{}'::jsonb, 'final', now(), s.enterprise_id, s.worker_id, %(standard)s, '', ''
FROM (SELECT id, id AS enterprise_id, NULL::bigint AS worker_id FROM registry_enterprise
      UNION ALL
      SELECT id, NULL, id FROM registry_worker) AS s
WHERE %(parity)s < 0 OR s.id %% 2 = %(parity)s
"""


def _rate(year: int, parity: int) -> None:
    standard = EvaluationStandard.objects.order_by("pk").first().pk
    with connection.cursor() as cursor:
        cursor.execute(RATINGS_SQL, {"year": year, "standard": standard, "parity": parity})
        cursor.execute("VACUUM (ANALYZE) credit_rating")


def _build_report() -> tuple[float, float, int]:
    """Seconds of one build, the peak of Python memory (MB) of another, and the rows."""
    times, peak, rows = [], 0.0, 0
    for traced in (False, True):
        report = AnnualReport.objects.create(year=YEAR)
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        report = annual_report_build(report_id=report.pk)
        times.append(time.perf_counter() - started)
        if traced:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        assert report.status == AnnualReport.Status.DONE, report.message
        rows = report.rows_done
    return times[0], peak, rows


def _median_ms(client, url: str, *, uncached: bool) -> tuple[float, int]:
    def get():
        if uncached:
            cache.delete(dashboard_cache_key(YEAR))
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, url
        return elapsed

    get()  # warm the process
    times = [get() for _ in range(REQUESTS)]
    if uncached:
        cache.delete(dashboard_cache_key(YEAR))
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


@pytest.mark.django_db(transaction=True)
def test_dashboard_uncached_and_annual_report_at_scale(bench, default_standards):
    started = time.perf_counter()
    call_command(
        "generate_synthetic",
        enterprises=ENTERPRISES,
        workers=WORKERS,
        inputs=WORKERS * 2,
        year=YEAR,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    _rate(YEAR - 1, -1)
    _rate(YEAR, 0)
    bench.record("generate_s", time.perf_counter() - started, "s")
    bench.record("workers", WORKERS)
    bench.record("enterprises", ENTERPRISES)

    seconds_1, peak_1, rows_1 = _build_report()
    _rate(YEAR, 1)
    seconds_2, peak_2, rows_2 = _build_report()
    assert rows_2 == Rating.objects.filter(year=YEAR).count() > rows_1
    bench.record("report_rows_1x", rows_1)
    bench.record("report_rows_2x", rows_2)
    bench.record("report_build_1x_s", seconds_1, "s")
    bench.record("report_build_2x_s", seconds_2, "s")
    bench.record("report_peak_1x_mb", peak_1, "MB")
    bench.target("report_peak_2x_mb", peak_2, at_most=PEAK_TARGET_MB, unit="MB")
    bench.target("report_peak_growth_2x_over_1x", peak_2 / peak_1, at_most=GROWTH_TARGET)

    user = get_user_model().objects.create_superuser("bench-root", password="pw-Bench-2025")
    client = Client()
    client.force_login(user)
    baseline, baseline_queries = _median_ms(
        client, reverse("admin:registry_township_changelist"), uncached=False
    )
    dashboard, queries = _median_ms(client, f"{reverse('admin:index')}?year={YEAR}", uncached=True)
    cached, cached_queries = _median_ms(
        client, f"{reverse('admin:index')}?year={YEAR}", uncached=False
    )
    bench.record("baseline_township_list_ms", baseline, "ms")
    bench.record("baseline_queries", baseline_queries)
    bench.record("dashboard_cached_ms", cached, "ms")
    bench.record("dashboard_cached_queries", cached_queries)
    bench.record("dashboard_uncached_ms", dashboard, "ms")
    bench.record("dashboard_uncached_queries", queries)
    bench.record("dashboard_uncached_x_baseline", dashboard / baseline, "×")
    bench.target("dashboard_uncached_s", dashboard / 1000, at_most=1, unit="s")
