"""Small vector (SVG) line charts for the PDF board report.

Plotly's static export (kaleido) fetches a Chromium at run time, which the dashboard may
not do (it works offline), so the report draws its charts itself from the same KPI frames
the dashboard's charts read: one line per series over the academic years, target levels as
dashed lines, provisional years as open markers, years without a value as gaps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from dashboard.i18n import format_number

# The dashboard's first colour and muted text (``dashboard.figures.theme``), fixed here so
# the report's look does not depend on plotly's template.
LINE_COLOUR = "#1f5fa8"
TARGET_COLOUR = "#6c757d"
GRID_COLOUR = "#dee2e6"
TEXT_COLOUR = "#212529"
LABEL_SPACING = 10  # between two target labels, in SVG units (font size 9)


@dataclass(frozen=True)
class Point:
    label: str  # the x-axis label (an academic year, "2019-20")
    value: float | None  # None: no value (suppressed or not measured) -> a gap
    provisional: bool = False


@dataclass(frozen=True)
class Level:
    value: float
    label: str  # "target ≥ 23"


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values covering ``low`` to ``high``."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    tick = first
    # Up to the first tick at or above ``high``: a 100% line ends the axis at 100%.
    while tick < high + step - 1e-9 * step:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _number(value: float, decimals: int) -> str:
    return format_number(value, decimals)


def line_chart_svg(
    points: Sequence[Point],
    levels: Sequence[Level] = (),
    *,
    title: str = "",
    decimals: int = 1,
    suffix: str = "",
    width: int = 640,
    height: int = 150,
) -> str:
    """An SVG line chart of ``points`` with horizontal ``levels`` (targets)."""
    left, right, top, bottom = 48, 92 if levels else 12, 10, 30
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [p.value for p in points if p.value is not None]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="sans-serif" font-size="9" fill="{TEXT_COLOUR}">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    if not values:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">'
            "No value to show for this selection</text></svg>"
        )
        return "".join(parts)
    scale_values = values + [level.value for level in levels]
    low = min(0.0, min(scale_values))
    high = max(scale_values)
    ticks = nice_ticks(low, high if high > low else low + 1)
    y_min, y_max = ticks[0], ticks[-1]

    def y_of(value: float) -> float:
        return top + plot_height * (1 - (value - y_min) / (y_max - y_min))

    count = len(points)

    def x_of(index: int) -> float:
        if count == 1:
            return left + plot_width / 2
        return left + plot_width * index / (count - 1)

    tick_decimals = 0 if all(float(t).is_integer() for t in ticks) else max(decimals, 1)
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_width}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">'
            f"{_number(tick, tick_decimals)}{escape(suffix)}</text>"
        )
    # At most about eight year labels, always the first and the last.
    every = max(1, math.ceil(count / 8))
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        # The last year is always labelled; its neighbour makes way when they would touch.
        if count - 1 - shown[-1] < every:
            shown.pop()
        shown.append(count - 1)
    for index in shown:
        point = points[index]
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{height - bottom + 13}" text-anchor="middle">'
            f"{escape(point.label)}</text>"
        )
    # Labels of close levels (targets of 20 and 23) are pushed apart, never overlapping.
    label_ys: list[float] = []
    for level in sorted(levels, key=lambda item: -item.value):
        y = y_of(level.value)
        label_y = y + 3
        if label_ys and label_y < label_ys[-1] + LABEL_SPACING:
            label_y = label_ys[-1] + LABEL_SPACING
        label_ys.append(label_y)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_width}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-width="1" stroke-dasharray="4 3"/>'
            f'<text x="{left + plot_width + 4}" y="{label_y:.1f}" fill="{TARGET_COLOUR}">'
            f"{escape(level.label)}</text>"
        )
    # One polyline per run of consecutive values: a missing year is a gap, not a slope.
    run: list[str] = []
    runs: list[list[str]] = []
    for index, point in enumerate(points):
        if point.value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append(f"{x_of(index):.1f},{y_of(point.value):.1f}")
    if run:
        runs.append(run)
    for line in runs:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{LINE_COLOUR}" '
            'stroke-width="1.8"/>'
        )
    for index, point in enumerate(points):
        if point.value is None:
            continue
        fill = "white" if point.provisional else LINE_COLOUR
        parts.append(
            f'<circle cx="{x_of(index):.1f}" cy="{y_of(point.value):.1f}" r="2.6" '
            f'fill="{fill}" stroke="{LINE_COLOUR}" stroke-width="1.2"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
