"""The 服务评价 figures of the complaint report (投诉统计) in the back office.

Registered from ReviewsConfig.ready() through core's report extension point, so
`complaints` never imports `reviews`.
"""

from core.report_sections import ReportSection, register_report_section

from .selectors import ReviewStatistics, review_statistics


def _key_figure(figures: ReviewStatistics) -> tuple[str, int]:
    return "服务评价（已采纳）", figures.summary.count


def register() -> None:
    register_report_section(
        ReportSection(
            "service_reviews",
            "complaints",
            "reviews/report_section.html",
            review_statistics,
            _key_figure,
        )
    )
