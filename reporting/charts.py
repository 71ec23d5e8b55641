"""Charts drawn on the server as SVG: nothing to download, readable when printed.

Each chart is an `<svg role="img">` with a title and a description; the page also gives the
numbers as a table for screen readers and for copying. Every text is escaped.
"""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6f8b", "#e07b39", "#6a994e", "#8e5ea2")
FONT = 'font-family="sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | int]
    colour: str = PALETTE[0]


def _scale(maximum: float) -> float:
    return maximum if maximum > 0 else 1


def horizontal_bars(
    labels: list[str],
    values: list[float | int],
    *,
    title: str,
    unit: str = "",
    colour: str = PALETTE[0],
    width: int = 560,
) -> SafeString:
    """One bar per label, longest at full width; the value written after each bar."""  # fmt: skip
    label_width, bar_height, gap = 150, 22, 8
    plot = width - label_width - 70
    height = len(labels) * (bar_height + gap) + gap
    top = _scale(max(values, default=0))
    parts = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = gap + index * (bar_height + gap)
        length = round(plot * value / top) if value else 0
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" {FONT}>'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" '
            f'fill="{colour}"><title>{escape(label)}：{escape(value)}{escape(unit)}</title></rect>'
            f'<text x="{label_width + length + 6}" y="{y + 16}" font-size="13" {FONT}>'
            f"{escape(value)}{escape(unit)}</text>"
        )
    return _svg(title, width, height, "".join(parts))


def grouped_columns(
    categories: list[str], series: list[Series], *, title: str, width: int = 560, height: int = 240
) -> SafeString:
    """Columns per category, one per series, with a legend; values written above columns."""
    left, bottom, top_margin, legend = 30, 28, 18, 22
    plot_height = height - bottom - top_margin - legend
    group_width = (width - left) / max(len(categories), 1)
    column = min(28, (group_width - 10) / max(len(series), 1))
    top = _scale(max((v for s in series for v in s.values), default=0))
    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" '
        f'stroke="#666" stroke-width="1"/>'
    ]
    for index, category in enumerate(categories):
        x0 = left + index * group_width + (group_width - column * len(series)) / 2
        for position, item in enumerate(series):
            value = item.values[index]
            bar = round(plot_height * value / top) if value else 0
            x = x0 + position * column
            y = height - bottom - bar
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{column - 2:.1f}" height="{bar}" '
                f'fill="{item.colour}"><title>{escape(category)} {escape(item.name)}：'
                f"{escape(value)}</title></rect>"
                f'<text x="{x + (column - 2) / 2:.1f}" y="{y - 3}" text-anchor="middle" '
                f'font-size="11" {FONT}>{escape(value)}</text>'
            )
        parts.append(
            f'<text x="{left + index * group_width + group_width / 2:.1f}" y="{height - 9}" '
            f'text-anchor="middle" font-size="12" {FONT}>{escape(category)}</text>'
        )
    for position, item in enumerate(series):
        x = left + position * 150
        parts.append(
            f'<rect x="{x}" y="2" width="12" height="12" fill="{item.colour}"/>'
            f'<text x="{x + 16}" y="13" font-size="12" {FONT}>{escape(item.name)}</text>'
        )
    return _svg(title, width, height, "".join(parts))


def _svg(title: str, width: int, height: int, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}</svg>",
        title, width, height, title, mark_safe(body),  # noqa: S308 - every text escaped above
    )  # fmt: skip
