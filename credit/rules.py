"""Scoring rules: each turns a subject's inputs (aggregated by `credit.engine`) into points.

A rule kind (`Indicator.Rule`) is one class here holding all it is: the inputs it reads,
its Python scorer and its SQL twin for the set-based engine (`credit.engine_sql`), which
must give the same points (the parity tests run both engines and compare). A new rule kind
is a new `RuleKind` subclass listed in RULE_KINDS, plus its `Indicator.Rule` choice.

`compile_rule(rule, weight, params)` returns a function of one subject's inputs that gives
the points and the input as shown in the explanation. Everything that depends only on the
indicator (the columns to read, the points per severity) is worked out once per run, so
scoring a subject is a handful of dictionary reads. Rules are pure functions of the inputs
and the indicator's parameters, so a rating can always be recomputed from its standard.

Points are integers counted in tenths (14.1 points = 141): the standard's weights have one
decimal, so every sum is exact, and a ratio is rounded half up to the tenth as PostgreSQL's
ROUND(numeric, 1) does (a tiny epsilon absorbs the binary error of a float like 0.85).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, gettext_noop

from .models import EventKind, Grade, Indicator, Severity, SubjectType

ONE_DECIMAL = Decimal("0.1")
SEVERITIES = tuple(Severity.values)
EVENT_KINDS = tuple(EventKind.values)
EPSILON = 1e-9

# (points in tenths, input as shown)
Scored = tuple[int, str]
RuleFunction = Callable[[dict], Scored]


def tenths(value) -> int:
    """Points as an integer count of tenths: Decimal("14.1") -> 141."""
    return int((Decimal(value) * 10).to_integral_value(rounding=ROUND_HALF_UP))


def as_points(value: int) -> Decimal:
    """Tenths back to points: 141 -> Decimal("14.1")."""
    return Decimal(value).scaleb(-1)


def event_column(kind: str, severity: str) -> str:
    return f"ev_{kind}_{severity}"


def rounded(value) -> Decimal:
    return Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _half_up(value, places: str) -> Decimal:
    """A number for display, rounded half up like PostgreSQL's ROUND (not half even)."""
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _ratio(weight: int, ratio: float) -> int:
    """`ratio` (clamped to 0..1) of `weight` tenths, rounded half up to a tenth."""
    ratio = 0.0 if ratio < 0 else 1.0 if ratio > 1 else ratio
    return int(weight * ratio + 0.5 + EPSILON)


def _ratio_points(weight: int, ratio_sql: str) -> str:
    """SQL twin of _ratio: the clamped ratio of `weight` tenths, rounded half up."""
    return f"FLOOR({weight} * LEAST(1, GREATEST(0, {ratio_sql})) + 0.5)::int"


def _event_columns(params: dict) -> list[tuple[str, str]]:
    kinds = [k for k in params.get("kinds", []) if k in EVENT_KINDS]
    return [(event_column(k, s), s) for k in kinds for s in SEVERITIES]


def _event_sums(params: dict) -> tuple[dict[str, str], str]:
    """SQL sums of the event counts the rule reads: per severity, and in all."""
    kinds = [k for k in params.get("kinds", []) if k in EVENT_KINDS]
    per_severity = {
        s: " + ".join(f"i.{event_column(k, s)}" for k in kinds) or "0" for s in SEVERITIES
    }
    total = " + ".join(f"({expression})" for expression in per_severity.values())
    return per_severity, total


def _describe(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return gettext("0条")
    parts = "、".join(f"{Severity(s).label}{n}" for s, n in counts.items() if n)
    return gettext("%(total)s条（%(parts)s）") % {"total": total, "parts": parts}


class RuleKind(ABC):
    """One kind of scoring rule. `weight` is in tenths of a point; `params` are the
    indicator's parameters; the SQL is an expression of the points (in tenths) over the
    inputs row `i`, producing exactly what the scorer produces."""

    rule: str

    @abstractmethod
    def inputs(self, params: dict, subject_type: str) -> tuple[str, ...]:
        """The inputs the rule reads, by name: what a rating stores to be explained again."""

    @abstractmethod
    def scorer(self, weight: int, params: dict) -> RuleFunction:
        """The Python scorer: the points (in tenths) a subject's inputs earn."""

    @abstractmethod
    def sql(self, weight: int, params: dict, subject_type: str) -> str:
        """The SQL twin of the scorer, over the inputs row `i`."""


# Each text is written out whole: a prefix glued to a label doubled words
# ("无" + "无犯罪记录核查通过").
DOCUMENTS = {
    "health": ("health_valid", gettext_noop("持有效健康证"), gettext_noop("无有效健康证")),
    "background": (
        "background_passed",
        gettext_noop("无犯罪记录核查通过"),
        gettext_noop("无犯罪记录核查未通过或未核查"),
    ),
    "skills": ("has_skill", gettext_noop("持职业技能等级证书"), gettext_noop("无职业技能等级证书")),
}


class DocumentValidity(RuleKind):
    rule = Indicator.Rule.DOCUMENT_VALIDITY

    def inputs(self, params, subject_type):
        documents = params.get("documents", "qualifications")
        if documents == "qualifications":
            return ("licence_valid", "quals_valid", "quals_total")
        return (DOCUMENTS[documents][0],)

    def scorer(self, weight, params):
        documents = params.get("documents", "qualifications")
        if documents == "qualifications":

            def qualifications(f: dict) -> Scored:
                if not f.get("licence_valid"):
                    return 0, gettext("无有效营业执照")
                total, valid = f.get("quals_total") or 0, f.get("quals_valid") or 0
                return _ratio(weight, valid / total if total else 0.0), gettext(
                    "有效证照%(valid)s/%(total)s"
                ) % {"valid": valid, "total": total}

            return qualifications
        column, shown_present, shown_absent = DOCUMENTS[documents]
        present, absent = (weight, gettext(shown_present)), (0, gettext(shown_absent))

        def document(f: dict) -> Scored:
            return present if f.get(column) else absent

        return document

    def sql(self, weight, params, subject_type):
        documents = params.get("documents", "qualifications")
        if documents == "qualifications":
            ratio = "i.quals_valid::numeric / NULLIF(i.quals_total, 0)"
            return (
                f"CASE WHEN i.licence_valid = 1 THEN COALESCE({_ratio_points(weight, ratio)}, 0)"
                " ELSE 0 END"
            )
        return f"CASE WHEN i.{DOCUMENTS[documents][0]} = 1 THEN {weight} ELSE 0 END"


class StaffHealth(RuleKind):
    rule = Indicator.Rule.STAFF_HEALTH

    def inputs(self, params, subject_type):
        return ("staff_health_valid", "staff_total")

    def scorer(self, weight, params):
        empty = _ratio(weight, float(params.get("empty", 0.5)))

        def staff_health(f: dict) -> Scored:
            total, valid = f.get("staff_total") or 0, f.get("staff_health_valid") or 0
            if not total:
                return empty, gettext("无在职人员")
            return _ratio(weight, valid / total), gettext("%(valid)s/%(total)s人持有效健康证") % {
                "valid": valid,
                "total": total,
            }

        return staff_health

    def sql(self, weight, params, subject_type):
        empty = _ratio(weight, float(params.get("empty", 0.5)))
        ratio = "i.staff_health_valid::numeric / i.staff_total"
        return f"CASE WHEN i.staff_total = 0 THEN {empty} ELSE {_ratio_points(weight, ratio)} END"


class EventDeduction(RuleKind):
    rule = Indicator.Rule.EVENT_DEDUCTION

    def inputs(self, params, subject_type):
        return tuple(column for column, _ in _event_columns(params))

    @staticmethod
    def _per_severity(params: dict) -> dict[str, int]:
        return {s: tenths(str(params.get("points", {}).get(s, 0))) for s in SEVERITIES}

    def scorer(self, weight, params):
        columns = _event_columns(params)
        per = self._per_severity(params)
        nothing = (weight, gettext("0条"))

        def event_deduction(f: dict) -> Scored:
            counts = dict.fromkeys(SEVERITIES, 0)
            found = False
            for column, severity in columns:
                n = f.get(column)
                if n:
                    counts[severity] += n
                    found = True
            if not found:
                return nothing
            deduction = sum(per[s] * n for s, n in counts.items())
            return max(0, weight - deduction), _describe(counts)

        return event_deduction

    def sql(self, weight, params, subject_type):
        per_severity, _ = _event_sums(params)
        per = self._per_severity(params)
        deduction = " + ".join(
            f"{per[s]} * ({expression})" for s, expression in per_severity.items()
        )
        return f"GREATEST(0, {weight} - ({deduction}))"


class EventBonus(RuleKind):
    rule = Indicator.Rule.EVENT_BONUS

    def inputs(self, params, subject_type):
        return tuple(column for column, _ in _event_columns(params))

    def scorer(self, weight, params):
        columns = [column for column, _ in _event_columns(params)]
        each = tenths(str(params.get("points_per_event", 1)))

        def event_bonus(f: dict) -> Scored:
            count = 0
            for column in columns:
                count += f.get(column) or 0
            return min(weight, each * count), gettext("%(count)s项") % {"count": count}

        return event_bonus

    def sql(self, weight, params, subject_type):
        _, total = _event_sums(params)
        each = tenths(str(params.get("points_per_event", 1)))
        return f"LEAST({weight}, {each} * ({total}))"


class ReviewAverage(RuleKind):
    rule = Indicator.Rule.REVIEW_AVERAGE

    def inputs(self, params, subject_type):
        return ("review_avg", "review_count")

    def scorer(self, weight, params):
        minimum = int(params.get("min_reviews", 3))
        default = _ratio(weight, float(params.get("default_ratio", 0.8)))

        def review_average(f: dict) -> Scored:
            count = f.get("review_count") or 0
            if count < minimum:
                return default, gettext("评价%(count)s条，不足%(minimum)s条按默认") % {
                    "count": count,
                    "minimum": minimum,
                }
            average = f.get("review_avg") or 0
            shown = gettext("平均%(average)s分（%(count)s条）") % {
                "average": _half_up(average, "0.01"),
                "count": count,
            }
            return _ratio(weight, (float(average) - 1) / 4), shown

        return review_average

    def sql(self, weight, params, subject_type):
        minimum = int(params.get("min_reviews", 3))
        default = _ratio(weight, float(params.get("default_ratio", 0.8)))
        return (
            f"CASE WHEN i.review_count < {minimum} THEN {default} "
            f"ELSE {_ratio_points(weight, '(i.review_avg - 1) / 4')} END"
        )


class TrainingHours(RuleKind):
    rule = Indicator.Rule.TRAINING_HOURS

    def inputs(self, params, subject_type):
        # The scorer tells an enterprise (hours per head) by the presence of staff_total.
        if subject_type == SubjectType.ENTERPRISE:
            return ("staff_training_hours", "staff_total")
        return ("training_hours",)

    @staticmethod
    def _target(params: dict) -> float:
        return float(params.get("target", 24)) or 1.0

    def scorer(self, weight, params):
        target = self._target(params)

        def training_hours(f: dict) -> Scored:
            if "staff_total" in f:  # an enterprise: average hours per current staff member
                staff = f.get("staff_total") or 0
                total = f.get("staff_training_hours") or 0
                hours = float(total) / staff if staff else 0.0
                per_head = Decimal(str(total)) / staff if staff else Decimal(0)
                shown = gettext("人均%(per_head)s学时（目标%(target)s）") % {
                    "per_head": _half_up(per_head, "0.1"),
                    "target": format(target, "g"),
                }
            else:
                hours = float(f.get("training_hours") or 0)
                shown = gettext("%(hours)s学时（目标%(target)s）") % {
                    "hours": _half_up(f.get("training_hours") or 0, "0.1"),
                    "target": format(target, "g"),
                }
            return _ratio(weight, hours / target), shown

        return training_hours

    def sql(self, weight, params, subject_type):
        target = self._target(params)
        if subject_type == SubjectType.ENTERPRISE:
            per_head = "(i.staff_training_hours::numeric / NULLIF(i.staff_total, 0))"
            return f"COALESCE({_ratio_points(weight, f'{per_head} / {target!r}')}, 0)"
        return _ratio_points(weight, f"i.training_hours::numeric / {target!r}")


class RecordFreshness(RuleKind):
    rule = Indicator.Rule.RECORD_FRESHNESS

    def inputs(self, params, subject_type):
        return ("confirmed_recent",)

    def scorer(self, weight, params):
        fresh, stale = (weight, gettext("12个月内已核实")), (0, gettext("超过12个月未核实"))

        def record_freshness(f: dict) -> Scored:
            return fresh if f.get("confirmed_recent") else stale

        return record_freshness

    def sql(self, weight, params, subject_type):
        return f"CASE WHEN i.confirmed_recent = 1 THEN {weight} ELSE 0 END"


class Completeness(RuleKind):
    rule = Indicator.Rule.COMPLETENESS

    def inputs(self, params, subject_type):
        return ("completeness",)

    def scorer(self, weight, params):
        def completeness(f: dict) -> Scored:
            percent = f.get("completeness") or 0
            return _ratio(weight, percent / 100), gettext("完整度%(percent)s%%") % {
                "percent": percent
            }

        return completeness

    def sql(self, weight, params, subject_type):
        return _ratio_points(weight, "i.completeness / 100.0")


RULE_KINDS: dict[str, RuleKind] = {
    kind.rule: kind
    for kind in (
        DocumentValidity(),
        StaffHealth(),
        EventDeduction(),
        EventBonus(),
        ReviewAverage(),
        TrainingHours(),
        RecordFreshness(),
        Completeness(),
    )
}


def rule_kind(rule: str) -> RuleKind:
    try:
        return RULE_KINDS[rule]
    except KeyError:
        raise ValueError(f"unknown rule {rule}") from None


def rule_inputs(rule: str, params: dict, subject_type: str) -> tuple[str, ...]:
    """The inputs a rule reads, by name: what a rating stores to be explained again."""
    return rule_kind(rule).inputs(params or {}, subject_type)


def rule_sql(indicator, subject_type: str) -> str:
    """The points (in tenths) of `indicator` as an SQL expression over the inputs row `i`."""
    return rule_kind(indicator.kind).sql(
        tenths(indicator.weight), indicator.params or {}, subject_type
    )


def input_columns(subject_type: str, indicators) -> tuple[str, ...]:
    """The inputs every indicator of a standard reads, each once, in a fixed order (the
    indicators' order, then first use): the layout of a rating's stored inputs.
    `indicators` are Indicator rows or anything with `rule`, `params`, `sort_order`, `code`."""
    columns: dict[str, None] = {}
    for indicator in sorted(indicators, key=lambda i: (i.sort_order, i.code)):
        columns.update(dict.fromkeys(rule_inputs(indicator.rule, indicator.params, subject_type)))
    return tuple(columns)


def compile_rule(rule: str, weight, params: dict) -> RuleFunction:
    """The scoring function of one indicator; `weight` in points (e.g. Decimal("10.0"))."""
    return rule_kind(rule).scorer(tenths(weight), params or {})


def grade_for(total: Decimal, aaa_min: Decimal, aa_min: Decimal, a_min: Decimal) -> str:
    if total >= aaa_min:
        return Grade.AAA
    if total >= aa_min:
        return Grade.AA
    if total >= a_min:
        return Grade.A
    return Grade.B
