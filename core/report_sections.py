"""Sections that other apps add to a back-office statistics report.

The complaint report (投诉统计) belongs to `complaints`; `reviews` adds its figures to it
from ReviewsConfig.ready(), so the two sibling apps never import each other. A section
computes its figures for the report's period and township, gives one key figure for the
overview row, and names the template of its table (which receives `figures`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from .plugins import Registry


@dataclass(frozen=True)
class ReportSection:
    key: str
    report: str  # the report it belongs to, e.g. "complaints"
    template: str
    figures: Callable  # (*, date_from, date_to, township) -> figures
    key_figure: Callable  # figures -> (heading, value) for the overview row
    order: int = 100


@dataclass(frozen=True)
class RenderedReportSection:
    key: str
    heading: str
    value: object
    html: str


REPORT_SECTIONS: Registry[ReportSection] = Registry("report sections")


def register_report_section(section: ReportSection) -> None:
    """Add a section to its report; called from an app's ready()."""
    REPORT_SECTIONS.register(section, key=(section.report, section.key))


def report_sections(
    report: str,
    request,
    *,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    township=None,
) -> list[RenderedReportSection]:
    sections = [s for (name, _key), s in REPORT_SECTIONS.items() if name == report]
    rendered = []
    for section in sections:
        figures = section.figures(date_from=date_from, date_to=date_to, township=township)
        heading, value = section.key_figure(figures)
        html = render_to_string(section.template, {"figures": figures}, request=request)
        rendered.append(RenderedReportSection(section.key, heading, value, html))
    return rendered
