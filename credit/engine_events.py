"""A run's credit events of the rated year, aggregated once for both subject types.

The inputs of enterprises and of workers both count the year's credit events. Aggregated
separately, each build read the year's events (and, with years of history in the table,
sorted them on disk). A run instead aggregates them once into its own UNLOGGED table, one
row per subject: each event has exactly one subject (`credit_event_one_subject`), so
grouping by (enterprise_id, worker_id) gives one row per enterprise or worker, with the
same counts and review averages as aggregating each type apart. The inputs builds of the
two types then read that table (`engine_inputs`, `events_table`).

The year's window is read through the index on `occurred_on`. Only constants and column
names are formatted into the SQL; veto parameters are query parameters.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import connection

from .engine import INPUTS_TABLE_PREFIX
from .engine_inputs import event_count_columns, veto_filters, veto_prefix, year_params

if TYPE_CHECKING:
    from .engine import CompiledStandard

# Memory for the one aggregation of the year (in the database server's process, not the
# worker's): enough to hash every subject's counts without spilling at province scale.
EVENTS_WORK_MEM = "128MB"


def events_table_build(standards: list[CompiledStandard], *, year: int, as_of: date,
                       table: str) -> None:  # fmt: skip
    """Aggregate the year's events of every subject for `standards` into `table`."""
    params = year_params(year, as_of)
    counts: dict[str, str] = {}
    vetoes: list[str] = []
    for compiled in standards:
        for name, expression in event_count_columns(compiled):
            counts.setdefault(name, expression)
        vetoes += veto_filters(compiled.vetoes, params, prefix=veto_prefix(compiled))
    select = ",\n    ".join(
        [
            "enterprise_id",
            "worker_id",
            *counts.values(),
            "AVG(value) FILTER (WHERE kind = 'review') AS review_avg",
            "COUNT(*) FILTER (WHERE kind = 'review') AS review_count",
            *vetoes,
        ]
    )
    sql = f"""
SELECT {select}
FROM credit_creditevent
WHERE status = 'active'
  AND occurred_on >= %(year_start)s AND occurred_on <= %(year_end)s
  AND (disclosure_until IS NULL OR disclosure_until >= %(as_of)s)
GROUP BY enterprise_id, worker_id
"""
    with connection.cursor() as cursor:
        # SET LOCAL lasts until the end of the transaction the build runs in.
        cursor.execute(f"SET LOCAL work_mem = '{EVENTS_WORK_MEM}'")
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE UNLOGGED TABLE {table} AS {sql}", params)
        # The marker row (no subject) that says the table is complete.
        cursor.execute(f"INSERT INTO {table} (enterprise_id, worker_id) VALUES (0, 0)")


def events_table_ready(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE enterprise_id = 0 AND worker_id = 0)"
        )
        return cursor.fetchone()[0]


def events_table_name(run_id: int) -> str:
    """Named like the run's inputs tables, so that their clean-up drops it too."""
    return f"{INPUTS_TABLE_PREFIX}{int(run_id)}_events"
