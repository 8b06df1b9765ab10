"""Small charts as inline SVG: no script, no stylesheet, readable when printed and by screen readers.

A chart is a few dozen elements, written out here: a charting library would bring a runtime (a
script, or matplotlib's 30 MB for a 2 KB drawing) for what is a polyline and a dashed line.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .escaping import Safe

COLOURS = ("#1565c0", "#c62828", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f")
"""Series colours, distinguishable in print and for the common colour-vision deficiencies."""


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[dt.date, float]]
    colour: str = COLOURS[0]


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.3g}"


def line_chart(series: Sequence[Series], *, label: str, goal: float | None = None, goal_label: str = "",
               width: int = 420, height: int = 150, percent: bool = False) -> Safe:
    """Lines over time for each series, an optional dashed goal line, and the axis ends labelled.

    ``label`` names the chart for screen readers (``aria-label``) and as its tooltip.
    """
    drawn = [line for line in series if line.points]
    if not drawn:
        return Safe("")
    days = [day for line in drawn for day, _ in line.points]
    values = [value for line in drawn for _, value in line.points] + ([goal] if goal is not None else [])
    first, last = min(days), max(days)
    low, high = min(values), max(values)
    if percent:
        low, high = 0.0, max(1.0, high)
    if low > 0 and not percent and (high - low) < high * 0.5:
        pass  # a narrow band far from zero: keep the band, or every change looks flat
    elif low > 0:
        low = 0.0
    if high == low:
        high = low + 1
    left, right, top, bottom = 44, 12, 10, 22
    plot_width, plot_height = width - left - right, height - top - bottom
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return left + plot_width * ((day - first).days / span if first != last else 0.5)

    def y(value: float) -> float:
        return top + plot_height * (1 - (value - low) / (high - low))

    def shown(value: float) -> str:
        return f"{value:.0%}" if percent else _number(value)

    parts = [f'<svg class="sopbook-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(label)}</title>",
             f'<rect x="{left}" y="{top}" width="{plot_width}" height="{plot_height}" fill="#fafafa" '
             f'stroke="#e0e0e0"/>',
             f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end" fill="#555">{shown(high)}</text>',
             f'<text x="{left - 4}" y="{top + plot_height}" font-size="10" text-anchor="end" fill="#555">'
             f"{shown(low)}</text>",
             f'<text x="{left}" y="{height - 6}" font-size="10" fill="#555">{first.isoformat()}</text>',
             f'<text x="{left + plot_width}" y="{height - 6}" font-size="10" text-anchor="end" fill="#555">'
             f"{last.isoformat()}</text>"]
    if goal is not None:
        goal_y = y(goal)
        parts.append(f'<line x1="{left}" y1="{goal_y:.1f}" x2="{left + plot_width}" y2="{goal_y:.1f}" '
                     f'stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="5 3">'
                     f"<title>{escape(goal_label)}</title></line>")
    for line in drawn:
        ordered = sorted(line.points)
        coordinates = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in ordered)
        parts.append(f'<polyline points="{coordinates}" fill="none" stroke="{line.colour}" stroke-width="2">'
                     f"<title>{escape(line.name)}</title></polyline>")
        for day, value in ordered:
            parts.append(f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="3" fill="{line.colour}">'
                         f"<title>{escape(line.name)} {day.isoformat()}: {shown(value)}</title></circle>")
    parts.append("</svg>")
    return Safe("".join(parts))


def legend(series: Sequence[Series]) -> Safe:
    """The series' names with their colours, as inline HTML beside a chart."""
    items = [f'<span style="color:{line.colour}">■</span> {escape(line.name)}' for line in series if line.points]
    return Safe(" · ".join(items))
