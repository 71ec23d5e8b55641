"""Scoring rules: each turns a subject's inputs (aggregated by `credit.engine`) into points.

A rule returns the points and the input value shown in the explanation. Rules are pure
functions of the inputs and the indicator's parameters, so a rating can always be
recomputed and explained from the stored standard.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .models import EventKind, Grade, Indicator, Severity

ONE_DECIMAL = Decimal("0.1")
SEVERITIES = tuple(Severity.values)
EVENT_KINDS = tuple(EventKind.values)


def event_column(kind: str, severity: str) -> str:
    return f"ev_{kind}_{severity}"


def rounded(value) -> Decimal:
    return Decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    points: Decimal
    shown: str  # the input in words, e.g. "2条（一般1、严重1）"


def _ratio(points_weight: Decimal, ratio: float) -> Decimal:
    return rounded(points_weight * Decimal(str(max(0.0, min(1.0, ratio)))))


def document_validity(weight: Decimal, params: dict, f: dict) -> Score:
    documents = params.get("documents", "qualifications")
    if documents == "qualifications":
        if not f.get("licence_valid"):
            return Score(Decimal(0), "无有效营业执照")
        total, valid = f.get("quals_total") or 0, f.get("quals_valid") or 0
        ratio = valid / total if total else 0.0
        return Score(_ratio(weight, ratio), f"有效证照{valid}/{total}")
    present = bool(f.get({"health": "health_valid", "background": "background_passed",
                          "skills": "has_skill"}[documents]))  # fmt: skip
    label = {"health": "有效健康证", "background": "无犯罪记录核查通过", "skills": "技能等级证书"}
    return Score(weight if present else Decimal(0), ("有" if present else "无") + label[documents])


def staff_health(weight: Decimal, params: dict, f: dict) -> Score:
    total, valid = f.get("staff_total") or 0, f.get("staff_health_valid") or 0
    if not total:
        ratio = float(params.get("empty", 0.5))
        return Score(_ratio(weight, ratio), "无在职人员")
    return Score(_ratio(weight, valid / total), f"{valid}/{total}人持有效健康证")


def _counts(params: dict, f: dict) -> dict[str, int]:
    kinds = params.get("kinds", [])
    return {
        severity: sum(f.get(event_column(kind, severity)) or 0 for kind in kinds)
        for severity in SEVERITIES
    }


def _describe(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    if not total:
        return "0条"
    parts = "、".join(f"{Severity(s).label}{n}" for s, n in counts.items() if n)
    return f"{total}条（{parts}）"


def event_deduction(weight: Decimal, params: dict, f: dict) -> Score:
    counts = _counts(params, f)
    per = params.get("points", {})
    deduction = sum(Decimal(str(per.get(s, 0))) * n for s, n in counts.items())
    return Score(rounded(max(Decimal(0), weight - deduction)), _describe(counts))


def event_bonus(weight: Decimal, params: dict, f: dict) -> Score:
    count = sum(_counts(params, f).values())
    bonus = Decimal(str(params.get("points_per_event", 1))) * count
    return Score(rounded(min(weight, bonus)), f"{count}项")


def review_average(weight: Decimal, params: dict, f: dict) -> Score:
    count = f.get("review_count") or 0
    if count < int(params.get("min_reviews", 3)):
        ratio = float(params.get("default_ratio", 0.8))
        return Score(
            _ratio(weight, ratio), f"评价{count}条，不足{params.get('min_reviews', 3)}条按默认"
        )
    average = float(f.get("review_avg") or 0)
    return Score(_ratio(weight, (average - 1) / 4), f"平均{average:.2f}分（{count}条）")


def training_hours(weight: Decimal, params: dict, f: dict) -> Score:
    target = float(params.get("target", 24))
    if "staff_total" in f:  # an enterprise: average hours per current staff member
        staff = f.get("staff_total") or 0
        hours = float(f.get("staff_training_hours") or 0) / staff if staff else 0.0
        shown = f"人均{hours:.1f}学时"
    else:
        hours = float(f.get("training_hours") or 0)
        shown = f"{hours:.1f}学时"
    return Score(_ratio(weight, hours / target if target else 1.0), f"{shown}（目标{target:g}）")


def record_freshness(weight: Decimal, params: dict, f: dict) -> Score:
    fresh = bool(f.get("confirmed_recent"))
    return Score(weight if fresh else Decimal(0), "12个月内已核实" if fresh else "超过12个月未核实")


def completeness(weight: Decimal, params: dict, f: dict) -> Score:
    percent = f.get("completeness") or 0
    return Score(_ratio(weight, percent / 100), f"完整度{percent}%")


RULES = {
    Indicator.Rule.DOCUMENT_VALIDITY: document_validity,
    Indicator.Rule.STAFF_HEALTH: staff_health,
    Indicator.Rule.EVENT_DEDUCTION: event_deduction,
    Indicator.Rule.EVENT_BONUS: event_bonus,
    Indicator.Rule.REVIEW_AVERAGE: review_average,
    Indicator.Rule.TRAINING_HOURS: training_hours,
    Indicator.Rule.RECORD_FRESHNESS: record_freshness,
    Indicator.Rule.COMPLETENESS: completeness,
}


def grade_for(total: Decimal, aaa_min: Decimal, aa_min: Decimal, a_min: Decimal) -> str:
    if total >= aaa_min:
        return Grade.AAA
    if total >= aa_min:
        return Grade.AA
    if total >= a_min:
        return Grade.A
    return Grade.B
