"""The rating engine: set-based inputs in SQL, the rules, one write per chunk.

For one id range of one subject type, a single SELECT returns every input of every subject
in the range. Each input table is aggregated in its own derived table (GROUP BY subject)
and LEFT JOINed to the subjects, so no join can multiply another's rows. Every derived
table is restricted to the same id range, so a chunk reads only its own subjects' rows.

On PostgreSQL a run first materialises these inputs for all its subjects of a type
(`inputs_table_build`: one pass over each input table instead of one per chunk), the rules
are compiled to SQL (`credit.engine_sql`) and one INSERT … SELECT per chunk scores and
writes it without a row passing through Python (a plain insert for a range's first
computation, ON CONFLICT DO UPDATE once the range has ratings of the year). A rating keeps the
values its indicators read (`Rating.inputs`); `explanation_from_inputs` applies the rules
to them again to explain it.
Elsewhere (SQLite, the embedded mode) the Python rules (`credit.rules`, the reference)
score each row and an upsert writes them. Either way re-running a chunk rewrites the same
draft ratings and never creates a second rating for a subject and year; ratings already
publicised or final are left alone.

Only constants and column names are formatted into the SQL; every value, including the
admin-edited parameters of veto rules, is passed as a query parameter.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction

from .engine_inputs import inputs_for_range, inputs_query
from .engine_sql import not_graded_wording, rate_range_sql, subject_fk
from .models import (
    Dimension,
    EvaluationStandard,
    EventKind,
    Grade,
    Severity,
    SubjectType,
    VetoRule,
)
from .rules import (
    as_points,
    compile_rule,
    event_column,
    grade_for,
    input_columns,
    tenths,
)

DIMENSIONS = tuple(Dimension.values)


@dataclass(frozen=True)
class CompiledIndicator:
    code: str
    dimension: str
    weight: Decimal
    rule: object  # the Python scoring function
    params: dict
    kind: str  # Indicator.Rule, for the SQL twin


@dataclass(frozen=True)
class CompiledVeto:
    column: str
    kind: str
    params: dict
    description: str


@dataclass(frozen=True)
class CompiledStandard:
    standard_id: int
    subject_type: str
    aaa_min: int  # thresholds in tenths of a point, like every score here
    aa_min: int
    a_min: int
    indicators: tuple[CompiledIndicator, ...]
    vetoes: tuple[CompiledVeto, ...]
    # What the indicators read, then the counts the vetoes read: the layout of Rating.inputs,
    # so that a correction can rescore a rating from the facts it was computed from.
    inputs: tuple[str, ...]
    min_registered_months: int = 0


def compile_standard(standard: EvaluationStandard) -> CompiledStandard:
    rows = list(standard.indicators.order_by("sort_order", "code"))
    indicators = tuple(
        CompiledIndicator(
            i.code,
            i.dimension,
            Decimal(i.weight),
            compile_rule(i.rule, i.weight, i.params),
            dict(i.params),
            i.rule,
        )
        for i in rows
    )
    vetoes = tuple(
        CompiledVeto(f"veto_{index}", v.kind, dict(v.params), v.description)
        for index, v in enumerate(standard.vetoes.order_by("id"))
    )
    return CompiledStandard(
        standard.pk, standard.subject_type, tenths(standard.aaa_min), tenths(standard.aa_min),
        tenths(standard.a_min), indicators, vetoes,
        input_columns(standard.subject_type, rows) + veto_columns(vetoes),
        standard.min_registered_months,
    )  # fmt: skip


def veto_columns(vetoes: tuple[CompiledVeto, ...]) -> tuple[str, ...]:
    """The inputs the vetoes read, stored after the indicators' in Rating.inputs."""
    columns = tuple(v.column for v in vetoes if v.kind == VetoRule.Kind.EVENT)
    if any(v.kind == VetoRule.Kind.KEY_LIST for v in vetoes):
        columns += ("key_list",)
    return columns


# --- Scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    subject_id: int
    dimension_tenths: dict[str, int]
    total_tenths: int
    grade: str
    vetoed: bool
    veto_reason: str
    explanation: list
    inputs: str  # the values of CompiledStandard.inputs, as Rating.inputs stores them
    not_graded_reason: str = ""

    @property
    def dimensions(self) -> dict[str, Decimal]:
        return {name: as_points(value) for name, value in self.dimension_tenths.items()}

    @property
    def total(self) -> Decimal:
        return as_points(self.total_tenths)


def points_text(value: int) -> str:
    """141 -> "14.1" (scores are never negative)."""
    return f"{value // 10}.{value % 10}"


def inputs_text(values) -> str:
    """A rating's inputs as stored: comma-separated, empty for a missing value; numbers as
    PostgreSQL writes them (4.3333333333333333), so both paths store the same text."""
    return ",".join("" if value is None else str(value) for value in values)


def _input_value(text: str):
    if not text:
        return None
    return int(text) if text.lstrip("-").isdigit() else Decimal(text)


def inputs_from_text(text: str) -> list:
    return [_input_value(value) for value in text.split(",")] if text else []


def score(compiled: CompiledStandard, inputs: dict) -> Result:
    dimensions = dict.fromkeys(DIMENSIONS, 0)
    explanation = []
    for indicator in compiled.indicators:
        points, shown = indicator.rule(inputs)
        dimensions[indicator.dimension] += points
        explanation.append([indicator.code, shown, points_text(points)])
    total = sum(dimensions.values())
    reasons = [
        veto.description
        for veto in compiled.vetoes
        if inputs.get("key_list" if veto.kind == VetoRule.Kind.KEY_LIST else veto.column)
    ]
    # A veto still grades B: it judges a fact, not a record too short to judge.
    not_graded = (
        ""
        if reasons or not inputs.get("too_recent")
        else not_graded_reason(compiled, inputs.get("registered_on"))
    )
    if reasons:
        grade = Grade.B
    elif not_graded:
        grade = Grade.NOT_GRADED
    else:
        grade = grade_for(total, compiled.aaa_min, compiled.aa_min, compiled.a_min)
    return Result(
        subject_id=inputs["subject_id"],
        dimension_tenths=dimensions,
        total_tenths=total,
        grade=grade,
        vetoed=bool(reasons),
        veto_reason="；".join(reasons)[:200],
        explanation=explanation,
        inputs=inputs_text(inputs.get(column) for column in compiled.inputs),
        not_graded_reason=not_graded,
    )


def not_graded_reason(compiled: CompiledStandard, registered_on) -> str:
    if isinstance(registered_on, str):  # SQLite returns dates as text
        registered_on = date.fromisoformat(registered_on[:10])
    before, after = not_graded_wording(compiled)
    day = f"{registered_on.year}年{registered_on.month}月{registered_on.day}日"
    return f"{before}{day}{after}"[:200]


def explanation_from_inputs(subject_type: str, indicators, stored: str) -> list:
    """[code, input as shown, points] per indicator, by applying the standard's rules again
    to a rating's stored inputs. A standard is locked once a rating uses it, so this gives
    what the engine computed. `indicators` are the standard's Indicator rows."""
    ordered = sorted(indicators, key=lambda i: (i.sort_order, i.code))
    values = inputs_from_text(stored)
    inputs = dict(zip(input_columns(subject_type, ordered), values, strict=False))
    explanation = []
    for indicator in ordered:
        points, shown = compile_rule(indicator.rule, indicator.weight, indicator.params)(inputs)
        explanation.append([indicator.code, shown, points_text(points)])
    return explanation


# --- Corrections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventChange:
    """A credit record entering (+1) or leaving (-1) the facts a rating was computed from,
    as an upheld objection or an approved repair decided."""

    kind: str
    severity: str
    tag: str
    value: Decimal | None
    sign: int


def _veto_reads(veto: CompiledVeto, change: EventChange) -> bool:
    """Whether an event veto counts this record (the conditions of
    `engine_inputs._veto_filters`)."""
    params = veto.params
    if change.kind not in [k for k in params.get("kinds", []) if k in EventKind.values]:
        return False
    tags = [str(t) for t in params.get("tags", []) if str(t).strip()]
    if tags and change.tag not in tags:
        return False
    severities = [s for s in params.get("severities", []) if s in Severity.values]
    return not severities or change.severity in severities


REVIEW_SUM = Decimal("0.01")  # review scores have two decimals
REVIEW_AVERAGE = Decimal("1E-16")  # the scale PostgreSQL gives such an average


def stored_inputs(compiled: CompiledStandard, stored: str) -> dict:
    """A rating's stored inputs by name (a rating stored before the vetoes' counts were
    kept lacks them: the caller fills them in)."""
    return dict(zip(compiled.inputs, inputs_from_text(stored), strict=False))


def rescore(
    compiled: CompiledStandard, subject_id: int, inputs: dict, changes: list[EventChange]
) -> Result:
    """Score a rating again from the inputs it was computed from with `changes` applied, and
    nothing else: facts recorded since it was computed do not enter."""
    inputs = dict(inputs)
    for change in changes:
        column = event_column(change.kind, change.severity)
        if column in inputs:
            inputs[column] = max(0, (inputs[column] or 0) + change.sign)
        if (
            change.kind == EventKind.SERVICE_REVIEW
            and change.value is not None
            and "review_count" in inputs
        ):
            count = inputs["review_count"] or 0
            total = Decimal(inputs["review_avg"] or 0) * count
            total = total.quantize(REVIEW_SUM) + change.sign * Decimal(change.value)
            count = max(0, count + change.sign)
            inputs["review_count"] = count
            inputs["review_avg"] = (total / count).quantize(REVIEW_AVERAGE) if count else None
        for veto in compiled.vetoes:
            if (
                veto.kind == VetoRule.Kind.EVENT
                and veto.column in inputs
                and _veto_reads(veto, change)
            ):
                inputs[veto.column] = max(0, (inputs[veto.column] or 0) + change.sign)
    return score(compiled, {**inputs, "subject_id": subject_id})


# --- Writing ---------------------------------------------------------------------------------

UPSERT = """
INSERT INTO credit_rating (
  year, enterprise_id, worker_id, standard_id, run_id, compliance, quality, reputation,
  commitment, total, grade, vetoed, veto_reason, not_graded_reason, explanation, inputs,
  status, computed_at)
VALUES {rows}
ON CONFLICT (year, {fk}) WHERE {fk} IS NOT NULL DO UPDATE SET
  standard_id = excluded.standard_id, run_id = excluded.run_id,
  compliance = excluded.compliance, quality = excluded.quality,
  reputation = excluded.reputation, commitment = excluded.commitment,
  total = excluded.total, grade = excluded.grade, vetoed = excluded.vetoed,
  veto_reason = excluded.veto_reason, not_graded_reason = excluded.not_graded_reason,
  explanation = excluded.explanation, inputs = excluded.inputs,
  computed_at = excluded.computed_at
WHERE credit_rating.status = 'draft'
"""
ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '[]', %s, 'draft', %s)"
# Rows per INSERT: 16 parameters each stays far below both databases' parameter limits.
UPSERT_BATCH = 1000


def upsert_ratings(
    compiled: CompiledStandard, results: list[Result], *, year: int, run_id: int | None, now
) -> int:
    if not results:
        return 0
    enterprise = compiled.subject_type == SubjectType.ENTERPRISE
    fk = subject_fk(compiled.subject_type)
    computed_at = connection.ops.adapt_datetimefield_value(now)
    rows = [
        (
            year,
            r.subject_id if enterprise else None,
            None if enterprise else r.subject_id,
            compiled.standard_id,
            run_id,
            points_text(r.dimension_tenths[Dimension.COMPLIANCE]),
            points_text(r.dimension_tenths[Dimension.QUALITY]),
            points_text(r.dimension_tenths[Dimension.REPUTATION]),
            points_text(r.dimension_tenths[Dimension.COMMITMENT]),
            points_text(r.total_tenths),
            r.grade,
            r.vetoed,
            r.veto_reason,
            r.not_graded_reason,
            r.inputs,
            computed_at,
        )
        for r in results
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_BATCH):
            batch = rows[start : start + UPSERT_BATCH]
            sql = UPSERT.format(fk=fk, rows=", ".join([ROW] * len(batch)))
            cursor.execute(sql, [value for row in batch for value in row])
    return len(rows)


def _range_has_ratings(subject_type: str, year: int, low: int, high: int) -> bool:
    fk = subject_fk(subject_type)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM credit_rating WHERE {fk} >= %s AND {fk} < %s"
            " AND year = %s)",
            [low, high, year],
        )
        return cursor.fetchone()[0]


INPUTS_TABLE_PREFIX = "credit_rating_inputs_"


def inputs_table_name(run_id: int, subject_type: str) -> str:
    """The run's inputs of one subject type, materialised once (PostgreSQL only)."""
    return f"{INPUTS_TABLE_PREFIX}{int(run_id)}_{SubjectType(subject_type).value}"


def inputs_table_build(
    compiled: CompiledStandard,
    *,
    year: int,
    as_of: date,
    table: str,
    low: int,
    high: int,
    events_table: str | None = None,
) -> None:
    """Aggregate the inputs of every subject in [low, high) into `table` with one statement.

    One pass over each input table (a hash aggregation over all the credit events, run in
    parallel by PostgreSQL) instead of one pass per chunk; the chunks then read their id
    range from it. UNLOGGED: it is scratch data, rebuilt if a crash empties it (the marker
    row, subject_id 0, is then gone too; ids start at 1). With `events_table` (the run's
    year of events, `credit.engine_events`) the event counts are read from it."""
    sql, params = inputs_query(compiled, year, as_of, low, high, events_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE UNLOGGED TABLE {table} AS {sql}", params)
        cursor.execute(f"INSERT INTO {table} (subject_id) VALUES (0)")
        # No ANALYZE (a fifth of a second at province scale): building the index records
        # the table's size, and without column statistics the planner estimates a chunk's
        # id range as a small fraction of it, so chunks read their rows by the index.
        cursor.execute(f"CREATE UNIQUE INDEX ON {table} (subject_id)")


def inputs_table_ready(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        if not cursor.fetchone()[0]:
            return False
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE subject_id = 0)")
        return cursor.fetchone()[0]


def inputs_table_drop(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def inputs_tables() -> dict[str, int]:
    """Every run inputs table in the database, by name, with its run's id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND starts_with(tablename, %s)",
            [INPUTS_TABLE_PREFIX],
        )
        names = [name for (name,) in cursor.fetchall()]
    tables = {}
    for name in names:
        run_id = name.removeprefix(INPUTS_TABLE_PREFIX).split("_")[0]
        if run_id.isdecimal():
            tables[name] = int(run_id)
    return tables


def rate_range(
    compiled: CompiledStandard,
    *,
    year: int,
    as_of: date,
    low: int,
    high: int,
    run_id,
    now,
    inputs_table: str | None = None,
) -> int:
    """Rate every subject of one id range; returns how many there were.

    With `inputs_table` (PostgreSQL, built by `inputs_table_build`) the range's inputs are
    read from it; otherwise they are aggregated for the range here."""
    if connection.vendor == "postgresql":
        # The rules compiled to SQL: one INSERT … SELECT, no row through Python.
        inputs_sql, params = inputs_query(compiled, year, as_of, low, high)
        count_sql = None
        if inputs_table:
            in_range = f"FROM {inputs_table} WHERE subject_id >= %(low)s AND subject_id < %(high)s"
            inputs_sql, count_sql = f"SELECT * {in_range}", f"SELECT COUNT(*) {in_range}"

        def statement(upsert: bool) -> str:
            return rate_range_sql(
                compiled, inputs_sql, year=year, run_id=run_id,
                now=connection.ops.adapt_datetimefield_value(now), params=params,
                count=count_sql, upsert=upsert,
            )  # fmt: skip

        with connection.cursor() as cursor:
            if not _range_has_ratings(compiled.subject_type, year, low, high):
                # The range's first computation: a plain INSERT, a fifth cheaper than the
                # upsert. Should a rating of the range have appeared since (another run of
                # the same year), the unique constraint refuses it and the upsert follows.
                try:
                    with transaction.atomic():
                        cursor.execute(statement(upsert=False), params)
                        return cursor.fetchone()[0]
                except IntegrityError:
                    pass
            cursor.execute(statement(upsert=True), params)
            return cursor.fetchone()[0]
    inputs = inputs_for_range(compiled, year, as_of, low, high)
    results = [score(compiled, row) for row in inputs]
    upsert_ratings(compiled, results, year=year, run_id=run_id, now=now)
    return len(results)
