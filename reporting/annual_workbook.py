"""The annual report's workbook: one sheet per section with Chinese headers.

The list of rated subjects (200,000 rows at provincial scale) is streamed: openpyxl's
write-only mode keeps memory flat, ratings are read with a server-side cursor in chunks
(`credit.statistics.rated_subject_rows`), and progress is reported after every chunk.
"""

import datetime
import zoneinfo
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from complaints.models import Category
from core.spreadsheets import ExportWorkbook
from credit.statistics import LIST_CHUNK, rated_subject_rows

from .annual_figures import AnnualFigures

SHEET_OVERVIEW = "总体情况"
SHEET_GRADES = "信用等级分布"
SHEET_RATINGS = "评价结果名单"
SHEET_SUBSTANTIATED = "属实投诉"
SHEET_COMPLAINTS = "投诉办理"
SHEET_INCENTIVES = "信用惠民"
SHEET_SUPERVISION = "监管任务"
SHEET_STANDARD = "评价标准变更"
SHEET_INSPECTION = "工作自查与总结"

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
    SHEET_INSPECTION: ["阶段", "自查日期", "自查内容", "发现的问题", "整改措施", "整改时限",
                       "整改情况", "负责人", "复核人"],
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
    SHEET_INSPECTION: [12, 12, 30, 40, 40, 12, 10, 14, 14],
}

TOTAL_LABEL = "合计"


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FONT = Font(bold=True)


def _header(sheet, title: str) -> None:
    for index, width in enumerate(WIDTHS[title], start=1):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for text in HEADERS[title]:
        cell = WriteOnlyCell(sheet, value=str(text))  # category labels are lazy
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
        cell = WriteOnlyCell(sheet, value=str(value) if isinstance(value, Promise) else value)
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
    rows += [["按渠道", r.label, r.count, ""] for r in s.by_channel]
    rows += [["按案件类型", r.label, r.count, ""] for r in s.by_case_type]
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

    _inspection_sheet(workbook.create_sheet(SHEET_INSPECTION), figures)

    workbook.save(out)
    return done


def _inspection_sheet(sheet, figures: AnnualFigures) -> None:
    """The year's self-inspection findings with their rectification, then the written
    summary (成效、短板与不足、下一步)."""
    _header(sheet, SHEET_INSPECTION)
    summary = figures.inspection
    if summary is None:
        return
    for r in summary.findings:
        status = f"{r.rectification_status}（已超期）" if r.overdue else r.rectification_status
        sheet.append([r.phase, r.inspected_on, r.text, r.finding, r.rectification,
                      r.rectification_due_on, status, r.owner, r.reviewer])  # fmt: skip
    _bold_row(
        sheet,
        [TOTAL_LABEL, f"自查{summary.inspections}次", f"已复核{summary.reviewed}次",
         f"发现问题{len(summary.findings)}个", f"已整改{summary.rectified}个"],
    )  # fmt: skip
    sheet.append([])
    for label, text in summary_paragraphs(summary):
        _bold_row(sheet, [label])
        sheet.append([text or "（尚未填写）"])


def summary_paragraphs(summary) -> list[tuple[str, str]]:
    return [
        ("一、成效", summary.achievements),
        ("二、短板与不足", summary.shortcomings),
        ("三、下一步", summary.next_steps),
    ]
