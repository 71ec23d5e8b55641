"""The annual summary report (年度工作总结报表) of the programme for one year.

`annual_report_figures` gathers every section except the list of rated subjects, through
the dashboard (`dashboard_figures`) and the apps' selectors, in a bounded number of
queries; the print page renders it. `annual_report_start` queues a build on the bulk queue
(`zhouqu_jiazheng.tasks.build_annual_report`); `annual_report_build` writes the workbook,
one sheet per section with Chinese headers. The list of rated subjects (200,000 rows at
provincial scale) is streamed: openpyxl's write-only mode keeps memory flat, ratings are
read with a server-side cursor in chunks, and progress is saved after every chunk.
"""

import datetime
import logging
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from complaints.models import Category
from complaints.statistics import complaints_in_period
from core.spreadsheets import ExportWorkbook
from credit.models import EvaluationStandard, Indicator, Rating, SupervisionTask, VetoRule

from .dashboard import DashboardFigures, dashboard_figures
from .models import AnnualReport

logger = logging.getLogger(__name__)

FIRST_YEAR = 2025  # the programme started in 2025
LIST_CHUNK = 5000
# A build left "running" longer than this died with its worker; a new one may start.
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
# Share of the progress bar taken by the figures before the list, and by saving after it.
PROGRESS_BEFORE_LIST = 5
PROGRESS_AFTER_LIST = 98

SHEET_OVERVIEW = "总体情况"
SHEET_GRADES = "信用等级分布"
SHEET_RATINGS = "评价结果名单"
SHEET_SUBSTANTIATED = "属实投诉"
SHEET_COMPLAINTS = "投诉办理"
SHEET_INCENTIVES = "信用惠民"
SHEET_SUPERVISION = "监管任务"
SHEET_STANDARD = "评价标准变更"

HEADERS: dict[str, list[str]] = {
    SHEET_OVERVIEW: ["项目", "数值", "说明"],
    SHEET_GRADES: ["信用等级", "企业（本年度）", "企业（上年度）", "企业增减",
                   "从业人员（本年度）", "从业人员（上年度）", "从业人员增减"],
    SHEET_RATINGS: ["序号", "对象类型", "名称/姓名", "统一社会信用代码/身份证号", "乡镇",
                    "经营合规", "服务质量", "客户口碑", "履约守信", "总分", "信用等级",
                    "一票否决", "状态"],
    SHEET_SUBSTANTIATED: ["序号", "企业名称", "统一社会信用代码", "乡镇", "属实投诉（件）",
                          *Category.labels],
    SHEET_COMPLAINTS: ["分类", "项目", "数值", "说明"],
    SHEET_INCENTIVES: ["分类", "项目", "受益居民（人）", "核销次数", "优惠金额（元）"],
    SHEET_SUPERVISION: ["序号", "对象类型", "名称/姓名", "乡镇", "监管原因", "检查期限", "状态",
                        "检查结果", "检查日期", "检查情况"],
    SHEET_STANDARD: ["变更时间", "变更对象", "所属标准", "变更类型", "修改人", "变更内容"],
}  # fmt: skip
WIDTHS: dict[str, list[int]] = {
    SHEET_OVERVIEW: [28, 14, 30],
    SHEET_GRADES: [16, 14, 14, 10, 16, 16, 12],
    SHEET_RATINGS: [9, 10, 30, 24, 12, 10, 10, 10, 10, 8, 14, 10, 10],
    SHEET_SUBSTANTIATED: [8, 32, 22, 12, 14, *[10] * len(Category.labels)],
    SHEET_COMPLAINTS: [14, 30, 12, 24],
    SHEET_INCENTIVES: [12, 30, 14, 12, 16],
    SHEET_SUPERVISION: [8, 10, 30, 12, 30, 12, 10, 14, 12, 40],
    SHEET_STANDARD: [18, 12, 40, 10, 14, 80],
}

UNLINKED_LABEL = "未关联企业"
TOTAL_LABEL = "合计"


# --- Figures (everything but the list) --------------------------------------------------------


@dataclass(frozen=True)
class SubstantiatedRow:
    name: str
    uscc: str
    township: str
    total: int
    by_category: list[int]  # in the order of complaints.models.Category


@dataclass(frozen=True)
class SupervisionRow:
    subject_type: str
    name: str
    township: str
    reason: str
    due_on: datetime.date
    status: str
    result: str
    checked_on: datetime.date | None
    findings: str


@dataclass(frozen=True)
class SupervisionSummary:
    total: int
    done: int
    passed: int
    failed: int
    open: int
    overdue: int
    cancelled: int


@dataclass(frozen=True)
class StandardChange:
    changed_at: datetime.datetime
    what: str  # 评价标准 / 评价指标 / 否决情形
    standard: str
    change_type: str  # 新增 / 修改 / 删除
    user: str
    content: str


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    generated_at: datetime.datetime
    dashboard: DashboardFigures
    substantiated: list[SubstantiatedRow]
    supervision: list[SupervisionRow]
    supervision_summary: SupervisionSummary
    standard_changes: list[StandardChange] = field(default_factory=list)

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


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = _tz()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def substantiated_by_enterprise(year: int) -> list[SubstantiatedRow]:
    """Substantiated complaints received in `year`, per enterprise and category (one query);
    most first, then those naming no registered enterprise."""
    rows = (
        complaints_in_period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        .filter(substantiated=True)
        .values(
            "enterprise_id",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__township__name",
            "category",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    categories = list(Category.values)
    grouped: dict[int | None, dict] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["enterprise_id"],
            {
                "name": row["enterprise__name"] or UNLINKED_LABEL,
                "uscc": row["enterprise__uscc"] or "",
                "township": row["enterprise__township__name"] or "",
                "counts": [0] * len(categories),
            },
        )
        entry["counts"][categories.index(row["category"])] += row["n"]
    result = [
        SubstantiatedRow(e["name"], e["uscc"], e["township"], sum(e["counts"]), e["counts"])
        for key, e in grouped.items()
        if key is not None
    ]
    result.sort(key=lambda r: (-r.total, r.name))
    if None in grouped:
        e = grouped[None]
        result.append(SubstantiatedRow(e["name"], "", "", sum(e["counts"]), e["counts"]))
    return result


def supervision_of_year(year: int) -> tuple[list[SupervisionRow], SupervisionSummary]:
    """Spot checks of `year`'s B ratings, and those opened in the year without a rating."""
    start, end = _year_bounds(year)
    tasks = (
        SupervisionTask.objects.filter(
            Q(rating__year=year) | Q(rating__isnull=True, created_at__gte=start, created_at__lt=end)
        )
        .select_related("enterprise__township", "worker__township")
        .order_by("due_on", "id")
    )
    today = timezone.localdate()
    rows, counts = (
        [],
        dict.fromkeys(("done", "passed", "failed", "open", "overdue", "cancelled"), 0),
    )
    for task in tasks:
        subject = task.enterprise or task.worker
        rows.append(
            SupervisionRow(
                subject_type="企业" if task.enterprise_id else "从业人员",
                name=subject.name,
                township=subject.township.name if subject.township_id else "",
                reason=task.reason,
                due_on=task.due_on,
                status=task.get_status_display(),
                result=task.get_result_display() if task.result else "",
                checked_on=task.checked_on,
                findings=task.findings,
            )
        )
        if task.status == SupervisionTask.Status.DONE:
            counts["done"] += 1
            counts["passed"] += task.result == SupervisionTask.Result.PASSED
            counts["failed"] += task.result == SupervisionTask.Result.FAILED
        elif task.status == SupervisionTask.Status.OPEN:
            counts["open"] += 1
            counts["overdue"] += task.due_on < today
        else:
            counts["cancelled"] += 1
    return rows, SupervisionSummary(total=len(rows), **counts)


CHANGE_TYPES = {"+": "新增", "~": "修改", "-": "删除"}
HISTORY_SKIP = {"id", "created_at", "locked_at", "params"}


def _display(value) -> str:
    if value is None or value == "":
        return "（空）"
    return str(value)


def _changes_of(model, what: str, year: int, standard_names: dict[int, str]):
    """History rows of `model` in `year`, with what each modification changed."""
    history = model.history.model
    start, end = _year_bounds(year)
    in_year = list(
        history.objects.filter(history_date__gte=start, history_date__lt=end)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not in_year:
        return []
    # The versions before each modification, in one query.
    earlier: dict[int, list] = {}
    for row in history.objects.filter(
        id__in={r.id for r in in_year}, history_date__lt=end
    ).order_by("history_date", "history_id"):
        earlier.setdefault(row.id, []).append(row)
    fields = [
        f for f in model._meta.fields if f.name not in HISTORY_SKIP and hasattr(history, f.attname)
    ]
    changes = []
    for row in in_year:
        versions = earlier.get(row.id, [])
        position = next(i for i, v in enumerate(versions) if v.history_id == row.history_id)
        previous = versions[position - 1] if position else None
        if row.history_type == "~" and previous is not None:
            parts = [
                f"{f.verbose_name}：{_display(getattr(previous, f.attname))}"
                f" → {_display(getattr(row, f.attname))}"
                for f in fields
                if getattr(previous, f.attname) != getattr(row, f.attname)
            ]
            content = "；".join(parts) or "（无字段变化）"
        else:
            label = _history_label(model, row, standard_names)
            content = f"{CHANGE_TYPES[row.history_type]}：{label}"
        if row.history_change_reason:
            content += f"（原因：{row.history_change_reason}）"
        standard_id = row.id if model is EvaluationStandard else row.standard_id
        user = row.history_user
        changes.append(
            StandardChange(
                changed_at=row.history_date,
                what=what,
                standard=standard_names.get(standard_id, f"已删除的标准#{standard_id}"),
                change_type=CHANGE_TYPES[row.history_type],
                user=(user.get_full_name() or user.get_username()) if user else "系统",
                content=content,
            )
        )
    return changes


def _history_label(model, row, standard_names) -> str:
    if model is EvaluationStandard:
        return standard_names.get(row.id, row.title)
    if model is Indicator:
        return f"{row.code} {row.name}（{row.weight}分）"
    return row.description


def standard_changes(year: int) -> list[StandardChange]:
    """Changes to the evaluation standards, their indicators and veto rules during `year`
    (django-simple-history), oldest first: four queries per kind of record at most."""
    standard_names = {s.pk: str(s) for s in EvaluationStandard.objects.all()}
    changes = [
        *_changes_of(EvaluationStandard, "评价标准", year, standard_names),
        *_changes_of(Indicator, "评价指标", year, standard_names),
        *_changes_of(VetoRule, "否决情形", year, standard_names),
    ]
    changes.sort(key=lambda c: c.changed_at)
    return changes


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
    )


# --- The list of rated subjects (streamed) --------------------------------------------------

RATING_COLUMNS = ("compliance", "quality", "reputation", "commitment", "total", "grade")


def rated_subject_count(year: int) -> int:
    return _listed_ratings(year).count()


def _listed_ratings(year: int):
    return Rating.objects.filter(
        year=year, status__in=(Rating.Status.PUBLICISED, Rating.Status.FINAL)
    )


def rated_subject_rows(year: int, chunk_size: int = LIST_CHUNK) -> Iterator[list]:
    """One row per publicised or final rating of `year`: enterprises, then workers, each by
    score. Read with a server-side cursor `chunk_size` rows at a time."""
    grades = dict(Rating._meta.get_field("grade").choices)
    statuses = dict(Rating.Status.choices)
    number = 0
    for subject, label, name, code, township in (
        (
            "enterprise",
            "企业",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__township__name",
        ),
        (
            "worker",
            "从业人员",
            "worker__name",
            "worker__id_number_masked",
            "worker__township__name",
        ),
    ):
        rows = (
            _listed_ratings(year)
            .filter(**{f"{subject}__isnull": False})
            .order_by("-total", f"{subject}_id")
            .values_list(name, code, township, *RATING_COLUMNS, "vetoed", "status")
            .iterator(chunk_size=chunk_size)
        )
        for name_, code_, town, comp, qual, rep, com, total, grade, vetoed, status in rows:
            number += 1
            yield [
                number, label, name_, code_, town or "", comp, qual, rep, com, total,
                grades.get(grade, grade), "是" if vetoed else "", statuses.get(status, status),
            ]  # fmt: skip


# --- The workbook ---------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)


def _header(sheet, title: str) -> None:
    for index, width in enumerate(WIDTHS[title], start=1):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for text in HEADERS[title]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    sheet.append(cells)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _bold_row(sheet, values: Iterable) -> None:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = TOTAL_FONT
        cells.append(cell)
    sheet.append(cells)


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, _tz()).strftime("%Y-%m-%d %H:%M")


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def overview_rows(figures: AnnualFigures) -> list[list]:
    d = figures.dashboard
    rows = [[f.label, f.value, f.note] for f in (*d.registers, *d.documents)]
    rows += [
        [f"{figures.year}年度评价结果：待审核", d.ratings_draft, "尚未发布，不计入名单"],
        [f"{figures.year}年度评价结果：公示中", d.ratings_publicised, ""],
        [f"{figures.year}年度评价结果：已确定", d.ratings_final, ""],
        [f"{figures.year}年收到投诉", d.complaints.total, "件"],
        [f"{figures.year}年认定属实投诉", d.complaints.substantiated, "件"],
        [f"{figures.year}年受益居民", d.coverage.residents_benefited, "人"],
        [f"{figures.year}年优惠金额", d.coverage.discount, "元"],
        [f"{figures.year}年度监管任务", figures.supervision_summary.total, "项"],
        [f"{figures.year}年评价标准变更", len(figures.standard_changes), "处"],
    ]
    return rows


def grade_rows(figures: AnnualFigures) -> list[list]:
    rows = [
        [
            r.label,
            r.enterprises,
            r.enterprises_previous,
            r.enterprises - r.enterprises_previous,
            r.workers,
            r.workers_previous,
            r.workers - r.workers_previous,
        ]
        for r in [*figures.dashboard.grades, figures.dashboard.not_graded]
    ]
    # The subjects not graded are listed apart, after the total of the grades.
    graded, not_graded = rows[:-1], rows[-1]
    not_graded[0] = f"{not_graded[0]}（不计入等级分布）"
    totals = [sum(row[i] for row in graded) for i in range(1, 7)]
    return [*graded, [TOTAL_LABEL, *totals], not_graded]


def complaint_rows(figures: AnnualFigures) -> list[list]:
    s = figures.dashboard.complaints
    satisfaction = s.satisfaction_average if s.satisfaction_average is not None else "—"
    rows = [
        ["总体", "收到投诉（件）", s.total, ""],
        ["总体", "认定属实（件）", s.substantiated, _percent(s.substantiated_percent)],
        *[
            ["办理时限", x.label, _percent(x.percent), f"{x.on_time}/{x.measured}件"]
            for x in s.deadline_shares
        ],
        ["办理时限", "当前超期未办（件）", s.overdue_open, ""],
        ["满意度", "平均满意度（5分制）", satisfaction, f"{s.satisfaction_count}人评价"],
        ["服务评价", "服务评价（条）", figures.dashboard.reviews.summary.count, ""],
    ]
    rows += [["按类别", r.label, r.count, ""] for r in s.by_category]
    rows += [["按状态", r.label, r.count, ""] for r in s.by_status]
    rows += [["按乡镇", r.label, r.count, ""] for r in s.by_township]
    rows += [["按月份", r.label, r.count, ""] for r in s.by_month]
    return rows


def incentive_rows(figures: AnnualFigures) -> list[list]:
    c = figures.dashboard.coverage
    rows = [
        ["总体", TOTAL_LABEL, c.residents_benefited, c.redemptions, c.discount],
        ["总体", "登记居民（人）", c.residents_registered, None, None],
        ["总体", "居民覆盖率（%）", c.coverage_percent, None, None],
        ["总体", "参与激励的企业（家）", c.enterprises_participating, None, None],
    ]
    for label, items in (
        ("按乡镇", c.by_township),
        ("按特殊群体", c.by_group),
        ("按激励措施", c.by_measure),
        ("按企业", c.by_enterprise),
        ("按月份", c.by_month),
    ):
        rows += [[label, r.label, r.residents, r.redemptions, r.discount] for r in items]
    return rows


def write_workbook(
    figures: AnnualFigures, out, on_progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the report's workbook to the file object `out`; returns the rows listed.

    `on_progress(rows_done, rows_total)` is called after every chunk of the list."""
    year = figures.year
    workbook = ExportWorkbook(write_only=True)

    sheet = workbook.create_sheet(SHEET_OVERVIEW)
    _header(sheet, SHEET_OVERVIEW)
    for row in overview_rows(figures):
        sheet.append(row)
    sheet.append([])
    sheet.append([f"生成时间：{_local(figures.generated_at)}", None, "舟曲县工业和信息化和商务局"])

    sheet = workbook.create_sheet(SHEET_GRADES)
    _header(sheet, SHEET_GRADES)
    rows = grade_rows(figures)
    for row in rows[:-2]:
        sheet.append(row)
    _bold_row(sheet, rows[-2])
    sheet.append(rows[-1])  # 暂不评级, apart from the distribution
    sheet.append([])
    sheet.append([f"本年度为{year}年，上年度为{year - 1}年；只统计已公示和已确定的评价结果。"])

    sheet = workbook.create_sheet(SHEET_RATINGS)
    _header(sheet, SHEET_RATINGS)
    total = figures.ratings_listed
    done = 0
    for row in rated_subject_rows(year):
        sheet.append(row)
        done += 1
        if on_progress is not None and done % LIST_CHUNK == 0:
            on_progress(done, total)
    if on_progress is not None:
        on_progress(done, max(total, done))

    sheet = workbook.create_sheet(SHEET_SUBSTANTIATED)
    _header(sheet, SHEET_SUBSTANTIATED)
    for number, row in enumerate(figures.substantiated, start=1):
        sheet.append([number, row.name, row.uscc, row.township, row.total, *row.by_category])
    _bold_row(
        sheet,
        [
            TOTAL_LABEL,
            None,
            None,
            None,
            figures.substantiated_total,
            *figures.substantiated_by_category,
        ],
    )

    sheet = workbook.create_sheet(SHEET_COMPLAINTS)
    _header(sheet, SHEET_COMPLAINTS)
    for row in complaint_rows(figures):
        sheet.append(row)

    sheet = workbook.create_sheet(SHEET_INCENTIVES)
    _header(sheet, SHEET_INCENTIVES)
    for row in incentive_rows(figures):
        sheet.append(row)

    sheet = workbook.create_sheet(SHEET_SUPERVISION)
    _header(sheet, SHEET_SUPERVISION)
    for number, r in enumerate(figures.supervision, start=1):
        sheet.append([number, r.subject_type, r.name, r.township, r.reason, r.due_on, r.status,
                      r.result, r.checked_on, r.findings])  # fmt: skip
    s = figures.supervision_summary
    _bold_row(
        sheet,
        [TOTAL_LABEL, f"{s.total}项", f"已完成{s.done}项（合格{s.passed}，不合格{s.failed}）",
         f"待检查{s.open}项（已超期{s.overdue}）", f"已取消{s.cancelled}项"],
    )  # fmt: skip

    sheet = workbook.create_sheet(SHEET_STANDARD)
    _header(sheet, SHEET_STANDARD)
    for c in figures.standard_changes:
        sheet.append([_local(c.changed_at), c.what, c.standard, c.change_type, c.user, c.content])
    if not figures.standard_changes:
        sheet.append([f"{year}年内评价标准没有变更。"])

    workbook.save(out)
    return done


# --- Runs -----------------------------------------------------------------------------------


def report_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, FIRST_YEAR - 1, -1))


@transaction.atomic
def annual_report_start(*, actor, year: int) -> AnnualReport:
    """Queue the build of `year`'s report; a build of that year already under way is
    returned instead of starting a second one."""
    if year not in report_years():
        raise ValidationError(
            "报告年度应在%(first)s年至今年之间。", code="year", params={"first": FIRST_YEAR}
        )
    running = (
        AnnualReport.objects.select_for_update()
        .filter(
            year=year,
            status__in=(AnnualReport.Status.PENDING, AnnualReport.Status.RUNNING),
            created_at__gte=timezone.now() - STALE_AFTER,
        )
        .first()
    )
    if running is not None:
        return running
    report = AnnualReport.objects.create(year=year, requested_by=actor)
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from .tasks import build_annual_report

    build_annual_report.apply_async(args=[report_id], queue=settings.CELERY_BULK_QUEUE)


def _update(report_id: int, **values) -> None:
    AnnualReport.objects.filter(pk=report_id).update(**values)


def annual_report_build(*, report_id: int) -> AnnualReport:
    """Build the workbook of a queued report. Idempotent: a report already built (or being
    built by another worker) is left alone."""
    claimed = AnnualReport.objects.filter(pk=report_id, status=AnnualReport.Status.PENDING).update(
        status=AnnualReport.Status.RUNNING, started_at=timezone.now(), progress=0
    )
    report = AnnualReport.objects.get(pk=report_id)
    if not claimed:
        return report
    try:
        figures = annual_report_figures(year=report.year)
        _update(report_id, progress=PROGRESS_BEFORE_LIST, rows_total=figures.ratings_listed)

        def on_progress(done: int, total: int) -> None:
            span = PROGRESS_AFTER_LIST - PROGRESS_BEFORE_LIST
            share = PROGRESS_BEFORE_LIST + (span * done // total if total else span)
            _update(report_id, progress=share, rows_done=done, rows_total=total)

        # Spooled to disk past a few MB: a provincial workbook is tens of megabytes.
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
            rows = write_workbook(figures, out, on_progress)
            out.seek(0)
            report.file.save(f"annual-report-{report.year}-{report.pk}.xlsx", File(out), save=False)
        _update(
            report_id,
            file=report.file.name,
            status=AnnualReport.Status.DONE,
            progress=100,
            rows_done=rows,
            rows_total=rows,
            finished_at=timezone.now(),
            message=f"已生成：评价结果名单{rows}行。",
        )
    except SoftTimeLimitExceeded:
        _update(
            report_id,
            status=AnnualReport.Status.FAILED,
            finished_at=timezone.now(),
            message="生成超时，已停止。请稍后重新生成；如仍超时请联系系统管理员。",
        )
    except Exception:
        logger.exception("annual report %s failed", report_id)
        _update(
            report_id,
            status=AnnualReport.Status.FAILED,
            finished_at=timezone.now(),
            message="生成时发生系统错误。可重新生成；如仍失败请联系系统管理员。",
        )
    report.refresh_from_db()
    return report
