"""The implementation plan's yearly phases, which the home page and the dashboard show.

Every year runs the same way: mobilisation in January–March, full roll-out in April–October
(dossiers completed, the yearly grading done), review in November–December.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PlanPhase:
    name: str
    first_month: int
    last_month: int
    work: str

    @property
    def months(self) -> str:
        return f"{self.first_month}月—{self.last_month}月"

    def covers(self, day: date) -> bool:
        return self.covers_month(day.month)

    def covers_month(self, month: int) -> bool:
        return self.first_month <= month <= self.last_month


PLAN_PHASES = (
    PlanPhase("动员部署", 1, 3, "宣传政策，摸排企业和从业人员底数，开始建档"),
    PlanPhase("全面推进", 4, 10, "建档完成，开展年度信用评价"),
    PlanPhase("总结提升", 11, 12, "评价结果公示和确定，总结经验，完善评价标准"),
)


@dataclass(frozen=True)
class YearPlan:
    year: int
    phases: tuple[tuple[PlanPhase, bool], ...]  # (phase, is it the current one)


def year_plan(today: date) -> YearPlan:
    """This year's work plan with the phase `today` falls in marked."""
    return YearPlan(
        year=today.year, phases=tuple((phase, phase.covers(today)) for phase in PLAN_PHASES)
    )
