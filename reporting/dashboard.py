"""The bureau's dashboard: how the programme stands, gathered through the apps' selectors.

Reporting reads `registry`, `credit`, `complaints`, `reviews` and `incentives` through their
selectors and statistics modules (never the other way round). `dashboard_figures` makes a
bounded number of queries whatever the size of the county; `dashboard_figures_cached` keeps
the result for a few minutes, since the admin index is opened often and the figures move slowly.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from agreements.models import ServiceAgreement
from agreements.selectors import agreement_counts
from complaints.limits import ACCEPTANCE_DAYS, MEDIATION_DAYS
from complaints.statistics import ComplaintStatistics, complaint_statistics
from core.cache import cached
from credit.models import GRADES, Grade, Rating, SupervisionTask
from credit.statistics import grade_counts, rating_run_done, supervision_counts
from incentives.selectors import Coverage, coverage
from incentives.selectors_bookings import BookingFigures, booking_figures
from programme.selectors import (
    SurveyRow,
    TaskProgress,
    survey_by_township,
    task_progress,
    year_plan,
)
from registry.models import Validity
from registry.statistics import (
    ReviewTargetRow,
    document_validity_counts,
    register_counts,
    register_counts_by_township,
    review_targets,
)
from reviews.selectors import ReviewStatistics, review_statistics

from .models import AnnualReport

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | Decimal | str
    url: str = ""  # the filtered admin list behind the figure
    note: str = ""


@dataclass(frozen=True)
class GradeRow:
    grade: str
    label: str
    enterprises: int
    workers: int
    enterprises_previous: int
    workers_previous: int
    url: str


@dataclass(frozen=True)
class Milestone:
    label: str
    done: bool
    detail: str


@dataclass(frozen=True)
class Phase:
    name: str
    months: str
    first_month: int
    last_month: int
    state: str  # "done", "current" or "coming" (programme.selectors.phase_state)
    milestones: list[Milestone] = field(default_factory=list)
    tasks_total: int = 0
    tasks_done: int = 0
    tasks_overdue: int = 0

    @property
    def current(self) -> bool:
        return self.state == "current"

    @property
    def finished(self) -> bool:
        return self.state == "done"


@dataclass(frozen=True)
class DashboardFigures:
    year: int
    today: date
    registers: list[Figure]
    documents: list[Figure]
    grades: list[GradeRow]
    not_graded: GradeRow  # registered too recently: counted apart from the grades
    ratings_draft: int
    ratings_publicised: int
    ratings_final: int
    complaints: ComplaintStatistics
    reviews: ReviewStatistics
    complaint_figures: list[Figure]
    coverage: Coverage
    supervision: list[Figure]
    agreements: list[Figure]
    bookings: BookingFigures
    review_targets: tuple[ReviewTargetRow, ReviewTargetRow]  # 绿色通道, others
    phases: list[Phase]
    tasks: TaskProgress
    survey: list[SurveyRow]  # 摸排 by township

    @property
    def max_grade_count(self) -> int:
        values = [
            max(row.enterprises, row.workers, row.enterprises_previous, row.workers_previous)
            for row in self.grades
        ]
        return max(values, default=0)


def _admin(name: str, **filters) -> str:
    url = reverse(f"admin:{name}_changelist")
    if filters:
        url += "?" + "&".join(f"{key}={value}" for key, value in filters.items())
    return url


def _registers(by_township: dict[str, list[dict]]) -> list[Figure]:
    counts = register_counts(by_township)
    enterprises, workers = counts["enterprises"], counts["workers"]
    return [
        Figure("登记家政企业", enterprises["total"], _admin("registry_enterprise")),
        Figure(
            "企业档案齐全",
            enterprises["complete"],
            _admin("registry_enterprise", completeness="full"),
            _share(enterprises["complete"], enterprises["total"]),
        ),
        Figure("登记从业人员", workers["total"], _admin("registry_worker")),
        Figure(
            "从业人员档案齐全",
            workers["complete"],
            _admin("registry_worker", completeness="full"),
            _share(workers["complete"], workers["total"]),
        ),
    ]


def _share(part: int, whole: int) -> str:
    if not whole:
        return ""
    return f"占{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'))}%"


def _documents() -> list[Figure]:
    counts = document_validity_counts()
    counts = {"q": counts["qualifications"], "h": counts["health_certificates"]}
    return [
        Figure("企业证照即将到期", counts["q"]["expiring"],
               _admin("registry_enterprisequalification", validity=Validity.EXPIRING)),
        Figure("企业证照已过期", counts["q"]["expired"],
               _admin("registry_enterprisequalification", validity=Validity.EXPIRED)),
        Figure("健康证即将到期", counts["h"]["expiring"],
               _admin("registry_healthcertificate", validity=Validity.EXPIRING)),
        Figure("健康证已过期", counts["h"]["expired"],
               _admin("registry_healthcertificate", validity=Validity.EXPIRED)),
    ]  # fmt: skip


def _grades(year: int) -> tuple[list[GradeRow], GradeRow, dict[str, int]]:
    """Grades of publicised and final ratings of `year` and the year before, in one query;
    the subjects not graded (暂不评级) apart, outside the distribution."""
    rows = grade_counts((year, year - 1))
    counts: dict[tuple, int] = {}
    statuses = dict.fromkeys(Rating.Status.values, 0)
    for row in rows:
        if row["year"] == year:
            statuses[row["status"]] += row["enterprises"] + row["workers"]
        if row["status"] == Rating.Status.DRAFT:
            continue
        for kind in ("enterprises", "workers"):
            key = (row["year"], row["grade"], kind)
            counts[key] = counts.get(key, 0) + row[kind]

    def row(grade: str) -> GradeRow:
        return GradeRow(
            grade=grade,
            label=Grade(grade).label,
            enterprises=counts.get((year, grade, "enterprises"), 0),
            workers=counts.get((year, grade, "workers"), 0),
            enterprises_previous=counts.get((year - 1, grade, "enterprises"), 0),
            workers_previous=counts.get((year - 1, grade, "workers"), 0),
            url=_admin("credit_rating", year=year, grade=grade),
        )

    return [row(grade) for grade in GRADES], row(Grade.NOT_GRADED), statuses


def _complaint_figures(stats: ComplaintStatistics) -> list[Figure]:
    def share(item) -> str:
        return f"{item.percent}%" if item.percent is not None else "—"

    return [
        Figure("收到投诉", stats.total, _admin("complaints_complaint")),
        Figure("认定属实", stats.substantiated,
               _admin("complaints_complaint", substantiated__exact=1)),
        Figure(f"{ACCEPTANCE_DAYS}个工作日内作出受理决定", share(stats.acceptance), "",
               f"{stats.acceptance.on_time}/{stats.acceptance.measured}件"),
        Figure(f"{MEDIATION_DAYS}个工作日内调解结束", share(stats.mediation), "",
               f"{stats.mediation.on_time}/{stats.mediation.measured}件"),
        Figure("当前超期未办", stats.overdue_open,
               _admin("complaints_complaint", deadline="overdue")),
        Figure("满意度（5分制）",
               stats.satisfaction_average if stats.satisfaction_average is not None else "—",
               "", f"{stats.satisfaction_count}人评价"),
    ]  # fmt: skip


def _supervision(year: int) -> list[Figure]:
    today = timezone.localdate()
    counts = supervision_counts(year, today)
    return [
        Figure("B级主体监管任务待检查", counts["open"],
               _admin("credit_supervisiontask", status=SupervisionTask.Status.OPEN)),
        Figure("其中已超期", counts["overdue"],
               _admin("credit_supervisiontask", status=SupervisionTask.Status.OPEN,
                      deadline="overdue")),
        Figure(f"{year}年度已完成检查", counts["done"],
               _admin("credit_supervisiontask", status=SupervisionTask.Status.DONE)),
    ]  # fmt: skip


def _agreements(year: int, today: date) -> list[Figure]:
    """Standard service agreements issued and confirmed in the month (the year's last month
    for a past year) and in the year."""
    day = today if today.year == year else date(year, 12, 31)
    counts = agreement_counts(today=day)
    name, confirmed = "agreements_serviceagreement", ServiceAgreement.Status.CONFIRMED
    month = {"issued_on__year": year, "issued_on__month": day.month}
    return [
        Figure(f"{day.month}月出具服务约定", counts["issued_month"], _admin(name, **month)),
        Figure(f"{day.month}月客户已确认", counts["confirmed_month"],
               _admin(name, status=confirmed, **month)),
        Figure(f"{year}年出具服务约定", counts["issued_year"],
               _admin(name, issued_on__year=year)),
        Figure(f"{year}年客户已确认", counts["confirmed_year"],
               _admin(name, status=confirmed, issued_on__year=year),
               _share(counts["confirmed_year"], counts["issued_year"])),
    ]  # fmt: skip


def _milestones(year: int, registers: list[Figure], statuses: dict) -> list[tuple[int, Milestone]]:
    """The milestones the figures show, each with the month of the plan it belongs to."""
    enterprises, complete = registers[0].value, registers[1].value
    dossier_share = (complete * 100 // enterprises) if enterprises else 0
    run_done = rating_run_done(year)
    report_done = AnnualReport.objects.filter(year=year, status=AnnualReport.Status.DONE).exists()
    published = statuses[Rating.Status.PUBLICISED] + statuses[Rating.Status.FINAL]
    final = statuses[Rating.Status.FINAL]
    return [
        (3, Milestone("建立企业和从业人员档案", enterprises > 0, f"已登记企业{enterprises}家")),
        (6, Milestone("企业档案齐全率达到90%", dossier_share >= 90, f"当前{dossier_share}%")),
        (9, Milestone("完成年度信用评价", run_done, "已完成" if run_done else "尚未完成")),
        (10, Milestone("评价结果公示", published > 0,
                       f"已公示或确定{published}个主体" if published else "尚未公示")),
        (11, Milestone("评价结果确定", final > 0, f"已确定{final}个主体")),
        (12, Milestone("年度总结报告", report_done,
                       "已生成" if report_done else "在“年度报告”中生成")),
    ]  # fmt: skip


def _phases(
    year: int, today: date, registers: list[Figure], statuses: dict, tasks: TaskProgress
) -> list[Phase]:
    """The programme's timeline: the year's phases (a past year's all finished) with where
    the year stands against its milestones and the progress of each phase's tasks."""
    milestones = _milestones(year, registers, statuses)
    shown = {m.label for _month, m in milestones}
    progress = {row.label: row for row in tasks.by_phase}
    phases = []
    for plan in year_plan(today, year).phases:
        first, last = plan.first_month, plan.last_month
        row = progress.get(plan.name)
        # The milestone tasks staff set in the plan, besides those the figures decide.
        own = [
            Milestone(
                t.title,
                t.status == "done",
                f"{t.status_label}，{t.due_on.month}月{t.due_on.day}日到期",
            )
            for t in sorted(tasks.tasks, key=lambda t: t.due_on)
            if t.milestone and t.phase == plan.name and t.title not in shown
        ]
        phases.append(
            Phase(
                plan.name, f"{first}–{last}月", first, last, plan.state,
                [m for month, m in milestones if first <= month <= last] + own,
                row.total if row else 0, row.done if row else 0, row.overdue if row else 0,
            )
        )  # fmt: skip
    return phases


def dashboard_figures(*, year: int | None = None, today: date | None = None) -> DashboardFigures:
    today = today or timezone.localdate()
    year = year or today.year
    # One pass over each register gives both its totals and the 摸排 figures by township.
    by_township = register_counts_by_township()
    registers = _registers(by_township)
    grades, not_graded, statuses = _grades(year)
    complaints = complaint_statistics(year=year)
    tasks = task_progress(year, today)
    return DashboardFigures(
        year=year,
        today=today,
        registers=registers,
        documents=_documents(),
        grades=grades,
        not_graded=not_graded,
        ratings_draft=statuses[Rating.Status.DRAFT],
        ratings_publicised=statuses[Rating.Status.PUBLICISED],
        ratings_final=statuses[Rating.Status.FINAL],
        complaints=complaints,
        reviews=review_statistics(date_from=complaints.date_from, date_to=complaints.date_to),
        complaint_figures=_complaint_figures(complaints),
        # The panel shows the totals, townships and special groups; the other breakdowns
        # (one row per enterprise) are for the redemption report and the annual workbook.
        coverage=coverage(
            date(year, 1, 1), date(year, 12, 31), breakdowns=frozenset({"township", "group"})
        ),
        supervision=_supervision(year),
        agreements=_agreements(year, today),
        bookings=booking_figures(year),
        review_targets=review_targets(
            year, today, settings.FAST_TRACK_REVIEW_DAYS, settings.REVIEW_TARGET_DAYS
        ),
        phases=_phases(year, today, registers, statuses, tasks),
        tasks=tasks,
        survey=survey_by_township(by_township),
    )


def dashboard_cache_key(year: int) -> str:
    # The version names the module the cached figures are pickled from (reporting.dashboard).
    return f"dashboard:v5:{year}:{timezone.localdate():%Y%m%d}"


def dashboard_figures_cached(*, year: int) -> DashboardFigures:
    return cached(dashboard_cache_key(year), CACHE_SECONDS, lambda: dashboard_figures(year=year))
