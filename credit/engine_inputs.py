"""The rating engine's inputs: for one id range of one subject type, a single SELECT that
returns every input of every subject in the range (see `credit.engine`).

Each input table is aggregated in its own derived table (GROUP BY subject) and LEFT JOINed
to the subjects, so no join can multiply another's rows; every derived table is restricted
to the same id range. Only constants and column names are formatted into the SQL; every
value, including the admin-edited parameters of veto rules, is a query parameter.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from registry.models import CURRENT_EMPLOYMENT_SQL

from .models import KEY_LIST_ON_SQL, EventKind, Severity, SubjectType, VetoRule
from .rules import EVENT_KINDS, SEVERITIES, event_column

if TYPE_CHECKING:
    from .engine import CompiledStandard, CompiledVeto


def veto_filters(vetoes: tuple[CompiledVeto, ...], params: dict, prefix: str = "") -> list[str]:
    """COUNT(*) FILTER columns for the event vetoes; user-entered values become parameters.
    `prefix` goes before the columns' and the parameters' names."""
    columns = []
    for veto in vetoes:
        if veto.kind != VetoRule.Kind.EVENT:
            continue
        name = f"{prefix}{veto.column}"
        conditions = []
        kinds = [k for k in veto.params.get("kinds", []) if k in EventKind.values]
        if not kinds:
            raise ValidationError(f"一票否决“{veto.description}”没有有效的信用记录类型。")
        names = []
        for index, kind in enumerate(kinds):
            params[f"{name}_k{index}"] = kind
            names.append(f"%({name}_k{index})s")
        conditions.append(f"kind IN ({', '.join(names)})")
        tags = [str(t) for t in veto.params.get("tags", []) if str(t).strip()]
        if tags:
            names = []
            for index, tag in enumerate(tags):
                params[f"{name}_t{index}"] = tag
                names.append(f"%({name}_t{index})s")
            conditions.append(f"tag IN ({', '.join(names)})")
        severities = [s for s in veto.params.get("severities", []) if s in Severity.values]
        if severities:
            names = []
            for index, severity in enumerate(severities):
                params[f"{name}_s{index}"] = severity
                names.append(f"%({name}_s{index})s")
            conditions.append(f"severity IN ({', '.join(names)})")
        columns.append(f"COUNT(*) FILTER (WHERE {' AND '.join(conditions)}) AS {name}")
    return columns


def _event_columns(compiled: CompiledStandard) -> list[tuple[str, str]]:
    """(kind, severity) of the event counts the standard's indicators read, and no more:
    every count is one more FILTER evaluated on each of the year's events."""
    return [
        (kind, severity)
        for kind in EVENT_KINDS
        for severity in SEVERITIES
        if event_column(kind, severity) in compiled.inputs
    ]


def event_count_columns(compiled: CompiledStandard) -> list[tuple[str, str]]:
    """(name, aggregate) of each event count the standard reads."""
    return [
        (
            event_column(kind, severity),
            f"COUNT(*) FILTER (WHERE kind = '{kind}' AND severity = '{severity}') "
            f"AS {event_column(kind, severity)}",
        )
        for kind, severity in _event_columns(compiled)
    ]


def veto_prefix(compiled: CompiledStandard) -> str:
    """A run's events table holds both standards' veto counts, numbered alike (veto_0, …):
    there each carries its subject type (`credit.engine_events`)."""
    return f"{compiled.subject_type}_"


def events_from_table(fk: str, compiled: CompiledStandard, table: str) -> str:
    """The derived table `ev` read from a run's events table (`credit.engine_events`)."""
    prefix = veto_prefix(compiled)
    columns = [name for name, _aggregate in event_count_columns(compiled)]
    columns += ["review_avg", "review_count"]
    columns += [f"{prefix}{v.column} AS {v.column}"
                for v in compiled.vetoes if v.kind == VetoRule.Kind.EVENT]  # fmt: skip
    return f"""(
  SELECT {", ".join([f"{fk} AS subject_id", *columns])}
  FROM {table}
  WHERE {fk} >= %(low)s AND {fk} < %(high)s
) ev"""


def _events_table(
    fk: str, compiled: CompiledStandard, params: dict, events_table: str | None = None
) -> tuple[str, list[str]]:
    vetoes = compiled.vetoes
    used = _event_columns(compiled)
    counts = [aggregate for _name, aggregate in event_count_columns(compiled)]
    veto_columns = veto_filters(vetoes, params)
    select = ",\n    ".join(
        [
            f"{fk} AS subject_id",
            *counts,
            "AVG(value) FILTER (WHERE kind = 'review') AS review_avg",
            "COUNT(*) FILTER (WHERE kind = 'review') AS review_count",
            *veto_columns,
        ]
    )
    table = (
        events_from_table(fk, compiled, events_table)
        if events_table
        else f"""(
  SELECT {select}
  FROM credit_creditevent
  WHERE {fk} >= %(low)s AND {fk} < %(high)s
    AND status = 'active'
    AND occurred_on >= %(year_start)s AND occurred_on <= %(year_end)s
    AND (disclosure_until IS NULL OR disclosure_until >= %(as_of)s)
  GROUP BY {fk}
) ev"""
    )
    outer = [f"COALESCE(ev.{event_column(k, s)}, 0) AS {event_column(k, s)}"
             for k, s in used]  # fmt: skip
    outer += ["ev.review_avg AS review_avg", "COALESCE(ev.review_count, 0) AS review_count"]
    outer += [f"COALESCE(ev.{v.column}, 0) AS {v.column}"
              for v in vetoes if v.kind == VetoRule.Kind.EVENT]  # fmt: skip
    return table, outer


def _key_list_table(fk: str) -> str:
    return f"""(
  SELECT DISTINCT {fk} AS subject_id
  FROM credit_keylistentry
  WHERE {fk} >= %(low)s AND {fk} < %(high)s AND {KEY_LIST_ON_SQL}
) kl"""


VALID_ON = "(valid_to IS NULL OR valid_to >= %(as_of)s)"
CURRENT_EMPLOYMENT = CURRENT_EMPLOYMENT_SQL.format(alias="e")
# DATE() of a timestamp is the same function on PostgreSQL and SQLite (in UTC on both).
ENTERPRISE_SINCE = "COALESCE(s.established_on, DATE(s.created_at))"


def enterprise_inputs_sql(
    compiled: CompiledStandard, params: dict, events_table: str | None = None
) -> str:
    events, event_columns = _events_table("enterprise_id", compiled, params, events_table)
    columns = ",\n  ".join(
        [
            "s.id AS subject_id",
            "s.completeness AS completeness",
            "CASE WHEN s.last_confirmed_at >= %(fresh_after)s THEN 1 ELSE 0 END "
            "AS confirmed_recent",
            "COALESCE(q.total, 0) AS quals_total",
            "COALESCE(q.valid, 0) AS quals_valid",
            "COALESCE(q.licence_valid, 0) AS licence_valid",
            "COALESCE(st.total, 0) AS staff_total",
            "COALESCE(st.health_valid, 0) AS staff_health_valid",
            "COALESCE(tr.hours, 0) AS staff_training_hours",
            *event_columns,
            "CASE WHEN kl.subject_id IS NULL THEN 0 ELSE 1 END AS key_list",
            # Since when the enterprise is on the register: its founding, or failing that
            # the day its dossier was opened.
            f"{ENTERPRISE_SINCE} AS registered_on",
            f"CASE WHEN {ENTERPRISE_SINCE} > %(registered_by)s THEN 1 ELSE 0 END AS too_recent",
        ]
    )
    return f"""
SELECT {columns}
FROM registry_enterprise s
LEFT JOIN (
  SELECT enterprise_id AS subject_id, COUNT(*) AS total,
    COUNT(*) FILTER (WHERE {VALID_ON}) AS valid,
    MAX(CASE WHEN kind = 'licence' AND {VALID_ON} THEN 1 ELSE 0 END) AS licence_valid
  FROM registry_enterprisequalification
  WHERE verified AND enterprise_id >= %(low)s AND enterprise_id < %(high)s
  GROUP BY enterprise_id
) q ON q.subject_id = s.id
LEFT JOIN (
  SELECT e.enterprise_id AS subject_id, COUNT(*) AS total,
    COUNT(*) FILTER (WHERE EXISTS (
      SELECT 1 FROM registry_healthcertificate h
      WHERE h.worker_id = e.worker_id AND h.verified
        AND (h.valid_to IS NULL OR h.valid_to >= %(as_of)s))) AS health_valid
  FROM registry_employment e
  WHERE {CURRENT_EMPLOYMENT} AND e.enterprise_id >= %(low)s AND e.enterprise_id < %(high)s
  GROUP BY e.enterprise_id
) st ON st.subject_id = s.id
LEFT JOIN (
  SELECT e.enterprise_id AS subject_id, SUM(t.hours) AS hours
  FROM registry_employment e
  JOIN registry_trainingrecord t ON t.worker_id = e.worker_id
  WHERE {CURRENT_EMPLOYMENT} AND e.enterprise_id >= %(low)s AND e.enterprise_id < %(high)s
    AND t.verified AND t.completed_on >= %(year_start)s AND t.completed_on <= %(year_end)s
  GROUP BY e.enterprise_id
) tr ON tr.subject_id = s.id
LEFT JOIN {events} ON ev.subject_id = s.id
LEFT JOIN {_key_list_table("enterprise_id")} ON kl.subject_id = s.id
WHERE s.id >= %(low)s AND s.id < %(high)s AND s.business_status = 'operating'
ORDER BY s.id
"""


def worker_inputs_sql(
    compiled: CompiledStandard, params: dict, events_table: str | None = None
) -> str:
    events, event_columns = _events_table("worker_id", compiled, params, events_table)
    columns = ",\n  ".join(
        [
            "s.id AS subject_id",
            "s.completeness AS completeness",
            "CASE WHEN s.last_confirmed_at >= %(fresh_after)s THEN 1 ELSE 0 END "
            "AS confirmed_recent",
            "CASE WHEN h.subject_id IS NULL THEN 0 ELSE 1 END AS health_valid",
            "CASE WHEN b.result = 'passed' THEN 1 ELSE 0 END AS background_passed",
            "CASE WHEN sk.subject_id IS NULL THEN 0 ELSE 1 END AS has_skill",
            "COALESCE(tr.hours, 0) AS training_hours",
            *event_columns,
            "CASE WHEN kl.subject_id IS NULL THEN 0 ELSE 1 END AS key_list",
            # Since when the worker is in the trade: their first employment on the register.
            "emp.since AS registered_on",
            "CASE WHEN emp.since > %(registered_by)s THEN 1 ELSE 0 END AS too_recent",
        ]
    )
    return f"""
SELECT {columns}
FROM registry_worker s
JOIN (
  SELECT worker_id AS subject_id, MIN(started_on) AS since
  FROM registry_employment
  WHERE worker_id >= %(low)s AND worker_id < %(high)s
  GROUP BY worker_id
  HAVING SUM(CASE WHEN started_on <= %(year_end)s
    AND (ended_on IS NULL OR ended_on >= %(year_start)s) THEN 1 ELSE 0 END) > 0
) emp ON emp.subject_id = s.id
LEFT JOIN (
  SELECT DISTINCT worker_id AS subject_id FROM registry_healthcertificate
  WHERE verified AND {VALID_ON} AND worker_id >= %(low)s AND worker_id < %(high)s
) h ON h.subject_id = s.id
LEFT JOIN (
  SELECT worker_id AS subject_id, result,
    ROW_NUMBER() OVER (PARTITION BY worker_id ORDER BY checked_on DESC, id DESC) AS position
  FROM registry_backgroundcheck
  WHERE worker_id >= %(low)s AND worker_id < %(high)s
) b ON b.subject_id = s.id AND b.position = 1
LEFT JOIN (
  SELECT DISTINCT worker_id AS subject_id FROM registry_skillcertificate
  WHERE verified AND worker_id >= %(low)s AND worker_id < %(high)s
) sk ON sk.subject_id = s.id
LEFT JOIN (
  SELECT worker_id AS subject_id, SUM(hours) AS hours FROM registry_trainingrecord
  WHERE verified AND completed_on >= %(year_start)s AND completed_on <= %(year_end)s
    AND worker_id >= %(low)s AND worker_id < %(high)s
  GROUP BY worker_id
) tr ON tr.subject_id = s.id
LEFT JOIN {events} ON ev.subject_id = s.id
LEFT JOIN {_key_list_table("worker_id")} ON kl.subject_id = s.id
WHERE s.id >= %(low)s AND s.id < %(high)s
ORDER BY s.id
"""


def evaluation_date(year: int, today: date) -> date:
    """Ratings are computed as of today, or as of 31 December for a past year."""
    return min(today, date(year, 12, 31))


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    month = day.year * 12 + day.month - 1 - months
    year, month = divmod(month, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def year_params(year: int, as_of: date) -> dict:
    ops = connection.ops
    return {
        "as_of": ops.adapt_datefield_value(as_of),
        "year_start": ops.adapt_datefield_value(date(year, 1, 1)),
        "year_end": ops.adapt_datefield_value(date(year, 12, 31)),
    }


def inputs_query(
    compiled: CompiledStandard,
    year: int,
    as_of: date,
    low: int,
    high: int,
    events_table: str | None = None,
) -> tuple[str, dict]:
    """The inputs SELECT of [low, high); with `events_table` (a run's, see
    `credit.engine_events`) the event counts are read from it."""
    ops = connection.ops
    fresh_after = datetime.combine(
        as_of - timedelta(days=settings.RECORD_STALE_AFTER_DAYS), datetime.min.time()
    ).astimezone()
    params = {
        "low": low,
        "high": high,
        **year_params(year, as_of),
        "fresh_after": ops.adapt_datetimefield_value(fresh_after),
        # Registered after this day: less than the standard's minimum period before the
        # evaluation date, so not graded this year.
        "registered_by": ops.adapt_datefield_value(
            months_before(as_of, compiled.min_registered_months)
        ),
    }
    if compiled.subject_type == SubjectType.ENTERPRISE:
        return enterprise_inputs_sql(compiled, params, events_table), params
    return worker_inputs_sql(compiled, params, events_table), params


def inputs_for_range(
    compiled: CompiledStandard, year: int, as_of: date, low: int, high: int
) -> Iterator[dict]:
    sql, params = inputs_query(compiled, year, as_of, low, high)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor.fetchall():
            yield dict(zip(names, row, strict=True))
