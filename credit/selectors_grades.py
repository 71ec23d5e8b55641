"""The grade bands of an evaluation standard as the public standard page states them
("90分及以上"), in the reader's language."""

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
