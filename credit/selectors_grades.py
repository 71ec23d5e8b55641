"""The words of the credit standard and of a rating's explanation, in the reader's language:
the grade bands the public standard page states ("90分及以上") and the sentences that tell
a worker or an enterprise how their rating came about and what it takes to rise."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from .models import EvaluationStandard, Grade


@dataclass(frozen=True)
class GradeBand:
    grade: str
    label: str
    rule: str  # e.g. "90分及以上", "80分及以上，不到90分"


def points_text(value) -> str:
    """18 → "18", 82.5 → "82.5": the way a score is written in a sentence."""
    return f"{Decimal(value).normalize():f}"


def grade_bands(standard: EvaluationStandard) -> list[GradeBand]:
    aaa, aa, a = (
        points_text(standard.aaa_min),
        points_text(standard.aa_min),
        points_text(standard.a_min),
    )
    between = gettext("%(min)s分及以上，不到%(max)s分")
    ranges = {
        Grade.AAA: gettext("%(min)s分及以上") % {"min": aaa},
        Grade.AA: between % {"min": aa, "max": aaa},
        Grade.A: between % {"min": a, "max": aa},
        Grade.B: gettext("%(min)s分以下，或存在一票否决情形") % {"min": a},
    }
    return [GradeBand(grade, grade.label, text) for grade, text in ranges.items()]


def gettext_advice_gain(values: dict) -> str:
    return gettext("%(code)s %(name)s还可得%(lost)s分（%(shown)s）") % values


def gettext_advice_deduction(values: dict) -> str:
    return gettext("%(code)s %(name)s被扣%(lost)s分（%(shown)s），整改后可申请信用修复") % values


def explanation_sentences(rating, total, score_grade, next_grade, threshold, missing, advice):
    """The rating's explanation in plain sentences; `advice` about the indicators that lost
    the most points."""
    sentences = []
    if rating.grade == Grade.NOT_GRADED:
        reason = rating.not_graded_reason or gettext("本年度暂不评级")
        sentences.append(
            gettext("%(reason)s；本次得分%(total)s分仅供参考，不评定等级。")
            % {"reason": reason, "total": total}
        )
    if rating.vetoed:
        reason = rating.veto_reason or gettext("存在一票否决情形")
        sentences.append(
            gettext(
                "因%(reason)s，实行一票否决：该情形存在期间，信用等级保持为B（诚信警示），"
                "得分再高也不能提升。"
            )
            % {"reason": reason}
        )
        sentences.append(
            gettext("该情形消除后，按本次得分%(total)s分可评为%(grade)s。")
            % {"total": total, "grade": Grade(score_grade).label}
        )
    elif next_grade is None:
        sentences.append(
            gettext("总分%(total)s分，已达到最高等级%(grade)s。")
            % {"total": total, "grade": Grade.AAA.label}
        )
    else:
        values = {"grade": next_grade, "missing": missing, "advice": "；".join(advice)}
        if advice:
            sentences.append(gettext("距%(grade)s还差%(missing)s分：%(advice)s。") % values)
        else:
            sentences.append(gettext("距%(grade)s还差%(missing)s分。") % values)
        sentences.append(
            gettext("%(grade)s（%(name)s）需达到%(threshold)s分，当前总分%(total)s分。")
            % {
                "grade": next_grade,
                "name": str(Grade(next_grade).label).split()[-1],
                "threshold": points_text(threshold),
                "total": total,
            }
        )
    if (rating.vetoed or next_grade is None) and advice:
        sentences.append(gettext("失分较多的指标：%(advice)s。") % {"advice": "；".join(advice)})
    return sentences
