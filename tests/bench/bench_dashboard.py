"""The dashboard uncached and the annual report, on the synthetic county.

    make bench PYTEST_ARGS=tests/bench/bench_dashboard.py
    ADMIN_BENCH_WORKERS=200000 ADMIN_BENCH_ENTERPRISES=20000 make bench ...

The data set is `manage.py generate_synthetic` (committed and vacuumed, as autovacuum keeps
a live database), with a final rating of the year before for every subject and of the year
for half of them, then for all of them: the annual report is built at both sizes (1× and
2× ratings) and timed. The dashboard (the
admin index) is then timed with its cached figures deleted before every request, against
the Township list (19 rows, the cheapest admin page) in the same run; medians of
`DASHBOARD_BENCH_REQUESTS` (3) requests, after one to warm the process. Each report is built
in its own process, as a bulk worker builds it: its memory is the growth of that process's
peak resident size (VmHWM) and how much it grew during the build.
"""

import json
import os
import statistics
import subprocess
import sys
import time

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

WORKERS = int(os.environ.get("ADMIN_BENCH_WORKERS", 20_000))
ENTERPRISES = int(os.environ.get("ADMIN_BENCH_ENTERPRISES", 2_000))
REQUESTS = int(os.environ.get("DASHBOARD_BENCH_REQUESTS", 3))
# DASHBOARD_BENCH_REPORT=0 times the dashboard only (the two report builds take minutes at
# province scale).
BUILD_REPORTS = os.environ.get("DASHBOARD_BENCH_REPORT", "1") != "0"
# Set DASHBOARD_QUERY_DUMP=<file> to write the time and SQL of every query of the dashboard.
DUMP = os.environ.get("DASHBOARD_QUERY_DUMP")
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


# Builds one report in a fresh process (as a bulk worker does) and prints its seconds, the
# process's resident memory before the build (VmRSS) and its peak (VmHWM) after, in kB.
BUILD_SCRIPT = """
import json, sys, time
import django
django.setup()
from reporting.models import AnnualReport
from reporting.services import annual_report_build
report = AnnualReport.objects.create(year=int(sys.argv[1]))
with open("/proc/self/status") as status:
    before = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
started = time.perf_counter()
report = annual_report_build(report_id=report.pk)
seconds = time.perf_counter() - started
# The process's own high-water mark (VmHWM). Not ru_maxrss: Linux carries the parent's
# peak over into a child through fork and exec, so the big test process would be counted.
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"status": report.status, "rows": report.rows_done, "seconds": seconds,
                  "before_kb": before, "peak_kb": peak, "message": report.message}))
"""


def _build_report(media_root) -> tuple[float, float, float, int]:
    """Seconds of the build, the process's peak memory and its growth during the build
    (MB), and the rows listed."""
    db = connection.settings_dict
    environment = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings",
        MEDIA_ROOT=str(media_root),
    )
    finished = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(YEAR)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["status"] == AnnualReport.Status.DONE, result["message"]
    peak, growth = result["peak_kb"] / 1024, (result["peak_kb"] - result["before_kb"]) / 1024
    return result["seconds"], peak, growth, result["rows"]


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
    if DUMP and uncached:
        with open(DUMP, "w") as dump:
            dump.writelines(f"{q['time']}  {q['sql'][:400]}\n" for q in queries.captured_queries)
    return statistics.median(times) * 1000, len(queries)


@pytest.mark.django_db(transaction=True)
def test_dashboard_uncached_and_annual_report_at_scale(bench, default_standards, tmp_path):
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

    if BUILD_REPORTS:
        seconds_1, peak_1, growth_1, rows_1 = _build_report(tmp_path)
        _rate(YEAR, 1)
        seconds_2, peak_2, growth_2, rows_2 = _build_report(tmp_path)
        assert rows_2 == Rating.objects.filter(year=YEAR).count() > rows_1
        bench.record("report_rows_1x", rows_1)
        bench.record("report_rows_2x", rows_2)
        bench.record("report_build_1x_s", seconds_1, "s")
        bench.record("report_build_2x_s", seconds_2, "s")
        bench.record("report_build_2x_over_1x", seconds_2 / seconds_1, "×")
        bench.record("report_peak_rss_1x_mb", peak_1, "MB")
        bench.record("report_build_growth_1x_mb", growth_1, "MB")
        bench.record("report_build_growth_2x_mb", growth_2, "MB")
        bench.target("report_peak_rss_2x_mb", peak_2, at_most=PEAK_TARGET_MB, unit="MB")
        bench.target("report_peak_rss_2x_over_1x", peak_2 / peak_1, at_most=GROWTH_TARGET)
    else:
        _rate(YEAR, 1)

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
