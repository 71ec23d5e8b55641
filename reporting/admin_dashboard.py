"""The bureau's dashboard page (工作台), the admin site's index: its figures, charts and the
year chosen."""

from django.utils import timezone

from . import charts
from .dashboard import dashboard_figures_cached
from .services import FIRST_YEAR


def _year(request) -> int:
    today = timezone.localdate()
    value = request.GET.get("year", "")
    if value.isdecimal() and FIRST_YEAR <= int(value) <= today.year:
        return int(value)
    return today.year


def dashboard_charts(figures) -> dict:
    grades = [row.label.split()[0] for row in figures.grades]
    stats = figures.complaints
    return {
        "grades": charts.grouped_columns(
            grades,
            [
                charts.Series(f"{figures.year}年企业", [r.enterprises for r in figures.grades],
                              charts.PALETTE[0]),
                charts.Series(f"{figures.year - 1}年企业",
                              [r.enterprises_previous for r in figures.grades], "#9cc3d5"),
                charts.Series(f"{figures.year}年从业人员", [r.workers for r in figures.grades],
                              charts.PALETTE[1]),
                charts.Series(f"{figures.year - 1}年从业人员",
                              [r.workers_previous for r in figures.grades], "#f2c29b"),
            ],
            title=f"{figures.year}年与{figures.year - 1}年信用等级分布",
        ),
        "complaints_by_month": charts.grouped_columns(
            [f"{row.month.month}月" for row in stats.by_month],
            [charts.Series("投诉件数", [row.count for row in stats.by_month])],
            title=f"{figures.year}年各月收到的投诉",
        ),
        "complaints_by_category": charts.horizontal_bars(
            [row.label for row in stats.by_category],
            [row.count for row in stats.by_category],
            title=f"{figures.year}年投诉类别", unit="件", colour=charts.PALETTE[1],
        ),
        "coverage_by_township": charts.horizontal_bars(
            [row.label for row in figures.coverage.by_township],
            [row.discount for row in figures.coverage.by_township],
            title=f"{figures.year}年各乡镇居民优惠金额", unit="元", colour=charts.PALETTE[2],
        ),
    }  # fmt: skip


def dashboard_context(request) -> dict:
    """What the dashboard template shows, for the signed-in user."""
    figures = dashboard_figures_cached(year=_year(request))
    user = request.user
    return {
        "dashboard": figures,
        "charts": dashboard_charts(figures),
        "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
        "show_credit": user.has_perm("credit.view_rating"),
        "show_complaints": user.has_perm("complaints.view_complaint"),
        "show_agreements": user.has_perm("agreements.view_serviceagreement"),
        "show_incentives": user.has_perm("incentives.view_redemption"),
        "show_registers": user.has_perm("registry.view_enterprise"),
        "show_plan": user.has_perm("programme.view_plantask"),
    }
