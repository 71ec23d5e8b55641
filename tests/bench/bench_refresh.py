"""The daily record refresh at county-and-beyond scale (1,000,000 workers by default).

Reports the refresh's wall time and throughput, the Python heap it needed (tracemalloc
peak: it must not grow with the number of workers), a second, idempotent run, and the ratio
to a baseline measured in the same run: one plain UPDATE writing every worker row once.

Both are timed as a deployment runs them, outside any test transaction, each on a settled
table (VACUUM ANALYZE first, so neither pays for the other's dead rows); the refresh's
inputs are reset before each of its runs. Times are the medians of three runs. Set
BENCH_REFRESH_WORKERS (default 1,000,000 × BENCH_SCALE) to change the size.
"""

import statistics
import time
import tracemalloc

import pytest
from django.db import connection

from registry.models import DocumentNotice
from registry.services import records_refresh
from tests.bench.server import RUNS, scaled

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = scaled("BENCH_REFRESH_WORKERS", 1_000_000, least=1000)
TABLES = ["registry_enterprise", "registry_worker", "registry_healthcertificate"]


def populate(workers: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO registry_enterprise (name, kind, uscc, legal_representative,
                registered_address, business_address, township_id, phone, contact_person, email,
                business_status, business_scope, document_status, completeness, missing_mask,
                is_stale, created_at, updated_at)
            SELECT 'bench-' || i, 'company', 'B' || lpad(i::text, 17, '0'), '王', '', '地址',
                (SELECT min(id) FROM registry_township), '13909410000', '', '', 'operating', '',
                'missing', 0, 0, false, now(), now()
            FROM generate_series(1, %(enterprises)s) AS i
            """,
            {"enterprises": max(1, workers // 50)},
        )
        cursor.execute(
            """
            INSERT INTO registry_worker (name, gender, ethnicity, id_number_encrypted,
                id_number_hash, id_number_masked, id_last4, birth_date, phone_encrypted,
                phone_masked, phone_hash, address,
                education, photo, document_status, completeness, missing_mask,
                last_confirmed_at, is_stale, created_at, updated_at)
            SELECT 'w' || i, 'F', '汉族', 'x', md5(i::text) || md5((-i)::text), '623023**', '0000',
                date '1980-01-01', '', CASE WHEN i %% 3 = 0 THEN '' ELSE '138****0000' END,
                CASE WHEN i %% 3 = 0 THEN '' ELSE md5(i::text) END, '', '',
                CASE WHEN i %% 2 = 0 THEN 'p.png' ELSE '' END, 'missing', 0, 0,
                now() - (i %% 700) * interval '1 day', false, now() - interval '800 days', now()
            FROM generate_series(1, %(workers)s) AS i
            """,
            {"workers": workers},
        )
        cursor.execute(
            """
            INSERT INTO registry_healthcertificate (worker_id, number, issuer, valid_from,
                valid_to, validity, verified, created_at, scan)
            SELECT id, '', '', date '2025-01-01',
                current_date + ((id % 400) - 100) * interval '1 day', 'valid', true, now(), ''
            FROM registry_worker WHERE id % 4 <> 0
            """
        )
        cursor.execute(
            """
            INSERT INTO registry_employment (worker_id, enterprise_id, position, started_on,
                end_reason)
            SELECT w.id, e.min_id + (w.id % e.n), '', date '2024-01-01', ''
            FROM registry_worker w,
                 (SELECT min(id) AS min_id, count(*) AS n FROM registry_enterprise) e
            WHERE w.id % 10 <> 0
            """
        )
        cursor.execute("ANALYZE")


def settle() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def reset() -> None:
    """The registers as populate() wrote them, before any refresh."""
    DocumentNotice.objects.all().delete()
    with connection.cursor() as cursor:
        for table in ("registry_enterprise", "registry_worker"):
            cursor.execute(
                f"UPDATE {table} SET document_status = 'missing', completeness = 0, "
                "missing_mask = 0, is_stale = false"
            )
        cursor.execute(
            "UPDATE registry_healthcertificate SET validity = 'valid', expiry_notified_at = NULL"
        )
    settle()


def test_refresh_of_a_million_workers(bench):
    started = time.perf_counter()
    populate(WORKERS)
    settle()
    bench.record("workers", WORKERS)
    bench.record("populate_s", time.perf_counter() - started, "s")

    refreshes, seconds, baselines, peak = [], [], [], 0
    for run in range(RUNS):
        if run:
            reset()
        tracemalloc.start()
        started = time.perf_counter()
        report = records_refresh()
        refreshes.append(time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert report.workers_updated > 0

        started = time.perf_counter()
        second = records_refresh()
        seconds.append(time.perf_counter() - started)
        assert second.workers_updated == 0 and second.documents_changed == 0

        settle()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE registry_worker SET updated_at = updated_at")
        baselines.append(time.perf_counter() - started)
        settle()

    refresh, baseline = statistics.median(refreshes), statistics.median(baselines)
    bench.record("refresh_s", refresh, "s")
    bench.record("workers_per_s", WORKERS / refresh, "rows/s")
    bench.record("workers_updated", report.workers_updated)
    bench.record("notices_sent", report.notices_sent)
    bench.record("python_heap_peak_mb", peak / 1_048_576, "MB")
    bench.record("second_run_s", statistics.median(seconds), "s")
    bench.record("baseline_single_update_s", baseline, "s")
    bench.record("ratio_to_single_update", refresh / baseline, "x")
    assert peak < 64 * 1_048_576, "the refresh must not hold the registers in memory"
