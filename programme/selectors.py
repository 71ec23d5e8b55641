"""Reads of the year's work plan for the home page, the dashboard and the annual report.

A year whose plan is not in the database is shown with the county plan's phases
(`plan_text`). A past year is finished: none of its phases is current; the current year's
phase is the one today's month falls in.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext

from registry.statistics import register_counts_by_township

from .models import InspectionItem, PlanPhase, PlanTask, SelfInspection, WorkPlan
from .plan_text import PLAN_PHASES


@dataclass(frozen=True)
class PhaseView:
    name: str
    first_month: int
    last_month: int
    work: str
    state: str  # "done", "current" or "coming"

    @property
    def months(self) -> str:
        return gettext("%(first)s月—%(last)s月") % {
            "first": self.first_month,
            "last": self.last_month,
        }

    @property
    def current(self) -> bool:
        return self.state == "current"

    @property
    def finished(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class YearPlan:
    year: int
    phases: tuple[PhaseView, ...]

    @property
    def finished(self) -> bool:
        return all(phase.finished for phase in self.phases)


def phase_state(year: int, first_month: int, last_month: int, today: date) -> str:
    """Where a phase of `year` stands on `today`: a past year's phases are all done."""
    if year < today.year or (year == today.year and last_month < today.month):
        return "done"
    if year == today.year and first_month <= today.month:
        return "current"
    return "coming"


def year_plan(today: date, year: int | None = None) -> YearPlan:
    """`year`'s phases (this year's by default) with where each stands on `today`."""
    year = year or today.year
    rows = list(
        PlanPhase.objects.filter(plan__year=year)
        .order_by("first_month")
        .values_list("name", "first_month", "last_month", "work")
    )
    if not rows:
        rows = [(p.name, p.first_month, p.last_month, p.work) for p in PLAN_PHASES]
    return YearPlan(
        year=year,
        phases=tuple(
            # The plan's own words are translated when they are the county plan's (plan_text).
            PhaseView(
                gettext(name), first, last, gettext(work), phase_state(year, first, last, today)
            )
            for name, first, last, work in rows
        ),
    )


# --- Task progress ----------------------------------------------------------------------------


@dataclass
class Progress:
    label: str
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0


@dataclass(frozen=True)
class TaskRow:
    pk: int
    title: str
    phase: str
    owner: str
    township: str
    due_on: date
    status: str
    status_label: str
    overdue: bool
    milestone: bool


@dataclass(frozen=True)
class TaskProgress:
    year: int
    by_phase: list[Progress] = field(default_factory=list)
    by_owner: list[Progress] = field(default_factory=list)
    by_township: list[Progress] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)  # overdue first, then by due date

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.by_phase)


def _owner_name(user) -> str:
    if user is None:
        return "未指定"
    return user.get_full_name() or user.first_name or user.username


def task_progress(year: int, today: date) -> TaskProgress:
    """The year's tasks, and progress by phase, owner and township (one query)."""
    tasks = list(
        PlanTask.objects.filter(phase__plan__year=year)
        .select_related("phase", "owner", "township")
        .order_by("due_on", "pk")
    )
    groups: dict[str, dict[str, Progress]] = {k: {} for k in ("phase", "owner", "township")}
    rows = []
    for task in tasks:
        overdue = task.is_overdue(today)
        keys = {
            "phase": task.phase.name,
            "owner": _owner_name(task.owner),
            "township": task.township.name if task.township_id else "全县",
        }
        for group, label in keys.items():
            progress = groups[group].setdefault(label, Progress(label))
            progress.total += 1
            progress.done += task.status == PlanTask.Status.DONE
            progress.overdue += overdue
        rows.append(
            TaskRow(task.pk, task.title, keys["phase"], keys["owner"], keys["township"],
                    task.due_on, task.status, task.get_status_display(), overdue,
                    task.milestone)
        )  # fmt: skip
    rows.sort(key=lambda row: (not row.overdue, row.status == PlanTask.Status.DONE, row.due_on))
    return TaskProgress(
        year=year,
        by_phase=list(groups["phase"].values()),
        by_owner=sorted(groups["owner"].values(), key=lambda p: (-p.overdue, p.label)),
        by_township=sorted(groups["township"].values(), key=lambda p: (-p.overdue, p.label)),
        tasks=rows,
    )


# --- 摸排 by township -------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    township: str
    enterprises: int
    enterprises_complete: int
    workers: int
    workers_complete: int


def survey_by_township(by_township: dict[str, list[dict]] | None = None) -> list[SurveyRow]:
    """The 摸排 figures of the plan: enterprises and workers registered in each township and
    those whose dossiers are complete, from `register_counts_by_township` (two queries
    unless its rows are given)."""
    by_township = by_township if by_township is not None else register_counts_by_township()
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, rows in by_township.items():
        for row in rows:
            place = (row["township__sort_order"] is None, row["township__sort_order"] or 0,
                     row["township__name"] or "未填乡镇")  # fmt: skip
            counts[place][key] += row["total"]
            counts[place][f"{key}_complete"] += row["complete"]
    return [
        SurveyRow(place[2], c["enterprises"], c["enterprises_complete"],
                  c["workers"], c["workers_complete"])
        for place, c in sorted(counts.items())
    ]  # fmt: skip


# --- Self-inspection findings -----------------------------------------------------------------


@dataclass(frozen=True)
class FindingRow:
    phase: str
    inspected_on: date
    owner: str
    reviewer: str
    inspection_status: str
    text: str
    finding: str
    rectification: str
    rectification_due_on: date | None
    rectification_status: str
    overdue: bool


@dataclass(frozen=True)
class InspectionSummary:
    year: int
    inspections: int
    reviewed: int
    findings: list[FindingRow]
    achievements: str
    shortcomings: str
    next_steps: str

    @property
    def rectified(self) -> int:
        return sum(row.rectification_status == "已整改" for row in self.findings)


def inspection_summary(year: int, today: date) -> InspectionSummary:
    """The year's self-inspections, their findings with the rectification status, and the
    written summary staff entered on the year's plan."""
    inspections = SelfInspection.objects.filter(phase__plan__year=year)
    counts = inspections.aggregate(
        total=Count("id"), reviewed=Count("id", filter=Q(status=SelfInspection.Status.REVIEWED))
    )
    items = (
        InspectionItem.objects.filter(
            inspection__in=inspections, result=InspectionItem.Result.PROBLEM
        )
        .select_related("inspection__phase", "inspection__owner", "inspection__reviewer")
        .order_by("inspection__inspected_on", "inspection_id", "order", "pk")
    )
    findings = [
        FindingRow(
            phase=item.inspection.phase.name,
            inspected_on=item.inspection.inspected_on,
            owner=_owner_name(item.inspection.owner),
            reviewer=_owner_name(item.inspection.reviewer) if item.inspection.reviewer else "",
            inspection_status=item.inspection.get_status_display(),
            text=item.text,
            finding=item.finding,
            rectification=item.rectification,
            rectification_due_on=item.rectification_due_on,
            rectification_status=item.get_rectification_status_display(),
            overdue=(
                item.rectification_status == InspectionItem.Rectification.OPEN
                and item.rectification_due_on is not None
                and item.rectification_due_on < today
            ),
        )
        for item in items
    ]
    plan = WorkPlan.objects.filter(year=year).first()
    return InspectionSummary(
        year=year,
        inspections=counts["total"],
        reviewed=counts["reviewed"],
        findings=findings,
        achievements=plan.achievements if plan else "",
        shortcomings=plan.shortcomings if plan else "",
        next_steps=plan.next_steps if plan else "",
    )
