"""The rating engine's PostgreSQL path: the rules compiled to SQL, one INSERT … SELECT per
chunk, so no subject's row passes through Python.

Every rule kind of `credit.rules` carries its SQL twin (`RuleKind.sql`), producing the
same points (integer tenths, rounded half up); this module assembles them into one
statement, which also stores the inputs the rules read, from which
the explanation is produced when it is shown. Tests run the engine through both and
compare. The Python rules remain the reference and serve SQLite (embedded mode), the
single-subject recompute after an objection or a repair, and every explanation.

Only constants, column names and numbers computed here are formatted into the SQL; the
texts that staff edit (codes, veto descriptions) and every value are query parameters.
"""

from .models import SubjectType, VetoRule
from .rules import rule_sql


def subject_fk(subject_type: str) -> str:
    """The column of `credit_rating` that holds a subject of this type."""
    return "enterprise_id" if subject_type == SubjectType.ENTERPRISE else "worker_id"


class _Parameters:
    """Collects query parameters and returns their placeholders."""

    def __init__(self, params: dict):
        self.params = params
        self.count = 0

    def __call__(self, value) -> str:
        self.count += 1
        name = f"p{self.count}"
        self.params[name] = value
        return f"%({name})s"


def not_graded_wording(compiled) -> tuple[str, str]:
    """What goes before and after the registration date in the reason a subject is not
    graded (the SQL path formats the same date between them)."""
    months = compiled.min_registered_months
    rest = f"，至评价日不满{months}个月，本年度暂不评级"
    if compiled.subject_type == SubjectType.ENTERPRISE:
        return "成立（登记）于", rest
    return "", "起从事家政服务" + rest


# "OFFSET 0" keeps PostgreSQL from merging a subquery into the one above it: merged, each
# reference to a points column would repeat its whole expression (the total, used five
# times, would evaluate every rule five times per row).
UPSERT_SELECT = """
WITH i AS {materialized} ({inputs}),
scored AS (
  SELECT i.*, {points}, {vetoes}
  FROM i
  OFFSET 0
),
computed AS (
  SELECT subject_id, {dimension_sums}, {total} AS total, {inputs_vector} AS inputs,
    {vetoed} AS vetoed, LEFT(CONCAT_WS('；', {reasons}), 200) AS veto_reason,
    i.too_recent = 1 AND NOT ({vetoed}) AS not_graded, i.registered_on
  FROM scored AS i
  OFFSET 0
),
written AS (
  INSERT INTO credit_rating (
    year, enterprise_id, worker_id, standard_id, run_id, compliance, quality, reputation,
    commitment, total, grade, vetoed, veto_reason, not_graded_reason, explanation, inputs,
    status, computed_at)
  SELECT %(year)s, {enterprise_id}, {worker_id}, %(standard_id)s, %(run_id)s,
    compliance::numeric / 10, quality::numeric / 10, reputation::numeric / 10,
    commitment::numeric / 10, total::numeric / 10,
    CASE WHEN vetoed THEN 'B' WHEN not_graded THEN 'N' WHEN total >= {aaa} THEN 'AAA'
         WHEN total >= {aa} THEN 'AA' WHEN total >= {a} THEN 'A' ELSE 'B' END,
    vetoed, veto_reason,
    CASE WHEN not_graded THEN LEFT(%(not_graded_before)s
      || TO_CHAR(registered_on, 'FMYYYY"年"FMMM"月"FMDD"日"') || %(not_graded_after)s, 200)
    ELSE '' END,
    '[]', inputs, 'draft', %(now)s
  FROM computed
  {on_conflict}
  RETURNING 1
)
SELECT ({count})
"""
ON_CONFLICT = """ON CONFLICT ({fk}, year) WHERE {fk} IS NOT NULL DO UPDATE SET
    standard_id = excluded.standard_id, run_id = excluded.run_id,
    compliance = excluded.compliance, quality = excluded.quality,
    reputation = excluded.reputation, commitment = excluded.commitment,
    total = excluded.total, grade = excluded.grade, vetoed = excluded.vetoed,
    veto_reason = excluded.veto_reason, not_graded_reason = excluded.not_graded_reason,
    explanation = excluded.explanation, inputs = excluded.inputs,
    computed_at = excluded.computed_at
  WHERE credit_rating.status = 'draft'"""


def rate_range_sql(
    compiled,
    inputs: str,
    *,
    year: int,
    run_id,
    now,
    params: dict,
    count: str | None = None,
    upsert: bool = True,
) -> str:
    """The statement that rates one chunk: `inputs` is the engine's inputs SELECT, whose
    values are already in `params`. The statement returns how many subjects the chunk has:
    `count` is a query counting them cheaply (from a run's inputs table); without it the
    inputs are kept (MATERIALIZED, computed once) and counted.

    With `upsert` a subject's draft rating of the year is updated in place (its ratings
    publicised or final are left alone); without it the statement only inserts, which is
    cheaper and fails on the unique constraint if the range already has a rating."""
    add = _Parameters(params)
    indicators = list(compiled.indicators)
    points = [
        f"({rule_sql(indicator, compiled.subject_type)}) AS p{index}"
        for index, indicator in enumerate(indicators)
    ]
    veto_columns, reasons, hits = [], [], []
    for index, veto in enumerate(compiled.vetoes):
        source = "i.key_list = 1" if veto.kind == VetoRule.Kind.KEY_LIST else f"i.{veto.column} > 0"
        veto_columns.append(f"({source}) AS v{index}")
        reasons.append(f"CASE WHEN i.v{index} THEN {add(veto.description)} END")
        hits.append(f"i.v{index}")
    dimensions = {}
    for index, indicator in enumerate(indicators):
        dimensions.setdefault(indicator.dimension, []).append(f"i.p{index}")
    dimension_sums = ", ".join(
        f"({' + '.join(dimensions.get(name, ['0']))}) AS {name}"
        for name in ("compliance", "quality", "reputation", "commitment")
    )
    total = " + ".join(f"i.p{index}" for index in range(len(indicators))) or "0"
    # The inputs the indicators read, kept so that the explanation can be shown later; as
    # text (engine.inputs_text): building JSON cost as much as the whole scoring. A row's
    # text form is exactly that (numbers unquoted, NULL empty) in parentheses, and is
    # cheaper than casting and joining the values one by one.
    inputs_vector = (
        "BTRIM(ROW({})::text, '()')".format(", ".join(f"i.{c}" for c in compiled.inputs))
        if compiled.inputs
        else "''"
    )
    enterprise = compiled.subject_type == SubjectType.ENTERPRISE
    before, after = not_graded_wording(compiled)
    params.update(
        year=year, standard_id=compiled.standard_id, run_id=run_id, now=now,
        not_graded_before=before, not_graded_after=after,
    )  # fmt: skip
    return UPSERT_SELECT.format(
        materialized="NOT MATERIALIZED" if count else "MATERIALIZED",
        count=count or "SELECT COUNT(*) FROM i",
        inputs=inputs.replace("ORDER BY s.id", ""),
        points=", ".join(points),
        vetoes=", ".join(veto_columns) or "FALSE AS no_veto",
        dimension_sums=dimension_sums,
        total=total,
        inputs_vector=inputs_vector,
        vetoed=" OR ".join(hits) or "FALSE",
        reasons=", ".join(reasons) or "NULL",
        enterprise_id="subject_id" if enterprise else "NULL",
        worker_id="NULL" if enterprise else "subject_id",
        on_conflict=ON_CONFLICT.format(fk=subject_fk(compiled.subject_type)) if upsert else "",
        aaa=compiled.aaa_min,
        aa=compiled.aa_min,
        a=compiled.a_min,
    )
