"""Writing the synthetic data set: every statement an INSERT … SELECT generate_series, so
province scale (100,000 enterprises, 1,000,000 workers, 10,000,000 credit inputs) takes
minutes. Rows are deterministic functions of their position (no randomness): two runs of
the same size produce the same data and the same ratings."""

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.db import connection, transaction

from . import activity, registers
from .personal import parameters

GENERATED_TABLES = (
    "registry_enterprise",
    "registry_enterprisequalification",
    "registry_worker",
    "registry_employment",
    "registry_healthcertificate",
    "registry_backgroundcheck",
    "registry_trainingrecord",
    "registry_skillcertificate",
    "registry_workercard",
    "credit_creditevent",
    "credit_keylistentry",
    "complaints_complaint",
    "complaints_servicereview",
    "incentives_resident",
    "incentives_redemption",
    "incentives_redemptionitem",
)

# Reference data that data migrations seed; a database whose tables were emptied since (a
# flushed test database) gets it back through those migrations' own functions.
REFERENCE_DATA = (
    ("registry_township", "registry.migrations.0002_townships", "create_townships"),
    ("registry_servicecategory", "registry.migrations.0003_service_catalogue", "create_catalogue"),
    ("incentives_incentivemeasure", "incentives.migrations.0002_default_catalogue", "seed"),
)


def ensure_reference_data() -> None:
    for table, module, function in REFERENCE_DATA:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                continue
        getattr(importlib.import_module(module), function)(django_apps, None)


# The indexes that no constraint owns, on the tables written: dropped before the load and
# built again after it, each in one sorted pass (maintaining a dozen indexes row by row made
# the load four fifths index upkeep). Unique indexes built again still refuse duplicates.
SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1
"""


def _secondary_indexes_drop(cursor) -> list[str]:
    cursor.execute(SECONDARY_INDEXES, [list(GENERATED_TABLES)])
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes]


def _indexes_create(cursor, definitions: list[str]) -> None:
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for definition in definitions:
        cursor.execute(definition)
    cursor.execute("RESET maintenance_work_mem")


@dataclass
class Stage:
    name: str
    rows: int
    seconds: float


@dataclass
class Report:
    stages: list[Stage] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(stage.rows for stage in self.stages)

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


def _run(report: Report, name: str, cursor, statements, params: dict) -> None:
    started = time.perf_counter()
    rows = 0
    for sql in statements if isinstance(statements, list) else [statements]:
        cursor.execute(sql, params)
        rows += max(cursor.rowcount, 0)
    report.stages.append(Stage(name, rows, time.perf_counter() - started))


def generate(
    *,
    enterprises: int,
    workers: int,
    inputs: int,
    year: int,
    history_years: int = 1,
    on_stage: Callable[[Stage], None] | None = None,
) -> Report:
    """Write the data set. `inputs` credit inputs are written for each of `history_years`
    consecutive years ending with `year` (the older years first). Returns the rows and
    seconds of each stage, which `on_stage` also receives as each ends."""
    if history_years < 1:
        raise ValueError("history_years must be at least 1")
    ensure_reference_data()
    params = {
        **parameters(),
        "enterprises": enterprises,
        "workers": workers,
        "inputs": inputs,
        "year_start": f"{year}-01-01",
        "complaints": round(workers * activity.COMPLAINTS_PER_WORKER),
        "reviews": round(workers * activity.REVIEWS_PER_WORKER),
        "residents": max(1, round(workers * activity.RESIDENTS_PER_WORKER)),
        "redemptions": round(workers * activity.REDEMPTIONS_PER_WORKER),
    }
    report = Report()

    def run(name, cursor, statements, stage_params=params):
        _run(report, name, cursor, statements, stage_params)
        if on_stage:
            on_stage(report.stages[-1])

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        indexes = _secondary_indexes_drop(cursor)
        report.stages.append(Stage("drop secondary indexes", 0, time.perf_counter() - started))
        run("enterprises", cursor, registers.ENTERPRISES)
        run("enterprise documents", cursor, registers.QUALIFICATIONS)
        run("workers", cursor, registers.WORKERS)
        run("worker records", cursor, registers.WORKER_RECORDS)
        run("service cards", cursor, registers.CARDS)
        for back in range(history_years - 1, -1, -1):
            events = {
                **params,
                "events_year_start": f"{year - back}-01-01",
                "offset": back * inputs,
            }
            run(f"credit inputs {year - back}", cursor, activity.EVENTS, events)
        run("key list", cursor, registers.KEY_LIST)
        run("complaints", cursor, activity.COMPLAINTS)
        run("service reviews", cursor, activity.REVIEWS)
        run("residents", cursor, activity.RESIDENTS)
        run("redemptions", cursor, activity.REDEMPTIONS)
        # The deferred foreign-key checks first: no index can be built on a table with
        # pending trigger events.
        run("foreign-key checks", cursor, "SET CONSTRAINTS ALL IMMEDIATE")
        started = time.perf_counter()
        _indexes_create(cursor, indexes)
        report.stages.append(Stage("build secondary indexes", 0, time.perf_counter() - started))
        if on_stage:
            on_stage(report.stages[-1])
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # in a test's transaction: VACUUM cannot run there
            cursor.execute("ANALYZE")
        else:
            # Settle the new rows as autovacuum would (hint bits, visibility map,
            # statistics), so that autovacuum does not start on them in the middle of a
            # measurement and the first statement to read them does not pay for it.
            for table in GENERATED_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    report.stages.append(Stage("vacuum and analyze", 0, time.perf_counter() - started))
    if on_stage:
        on_stage(report.stages[-1])
    return report
