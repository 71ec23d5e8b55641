"""The annual report's figures: every section except the list of rated subjects, gathered
through the dashboard (`dashboard_figures`) and the apps' statistics in a bounded number of
queries. The print page renders them; the workbook writes them (`annual_workbook`)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from complaints.models import Category
from complaints.statistics import SubstantiatedRow, substantiated_by_enterprise
from credit.statistics import (
    StandardChange,
    SupervisionRow,
    SupervisionSummary,
    standard_changes,
    supervision_of_year,
)
from programme.selectors import InspectionSummary, inspection_summary

from .dashboard import DashboardFigures, dashboard_figures


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    generated_at: datetime.datetime
    dashboard: DashboardFigures
    substantiated: list[SubstantiatedRow]
    supervision: list[SupervisionRow]
    supervision_summary: SupervisionSummary
    standard_changes: list[StandardChange] = field(default_factory=list)
    inspection: InspectionSummary | None = None  # self-inspection findings and the summary

    @property
    def ratings_listed(self) -> int:
        """Ratings in the list of rated subjects: the publicised and final ones."""
        return self.dashboard.ratings_publicised + self.dashboard.ratings_final

    @property
    def substantiated_total(self) -> int:
        return sum(row.total for row in self.substantiated)

    @property
    def substantiated_by_category(self) -> list[int]:
        return [
            sum(row.by_category[i] for row in self.substantiated)
            for i in range(len(Category.values))
        ]


def annual_report_figures(*, year: int) -> AnnualFigures:
    supervision, summary = supervision_of_year(year)
    return AnnualFigures(
        year=year,
        generated_at=timezone.now(),
        dashboard=dashboard_figures(year=year),
        substantiated=substantiated_by_enterprise(year),
        supervision=supervision,
        supervision_summary=summary,
        standard_changes=standard_changes(year),
        inspection=inspection_summary(year, timezone.localdate()),
    )
