"""Figures of KPI frames (from ``dashboard.kpis.query``): trends against target lines, bars
of the latest year, stacked bars per year, world maps and a membership timeline.

Builders take frames that already hold only what may be shown (suppression happened in the
query layer); a withheld value is a gap, never a zero. Provisional years are drawn with open
markers or hatched bars and say so in the hover label, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd

from dashboard.figures.plain_text import plain_text_figure
from dashboard.figures.theme import (
    COLORWAY,
    MUTED_TEXT_COLOUR,
    PROVISIONAL_OPACITY,
    PROVISIONAL_PATTERN,
    figure_dict,
    numbers,
    texts,
)
from dashboard.i18n import N_, _
from dashboard.kpis.registry import UNIT_SPECS
from dashboard.kpis.targets import Target
from etl.countries import country_table

YEAR_LABEL = "academic_year_label"
SERIES = "series"
TARGET_DASHES = ("dash", "dot", "dashdot", "longdash")
AXIS_TITLES = {
    "percent": N_("Percent"),
    "count": N_("Number"),
    "index": N_("Effective number of nationalities"),
    "ratio": N_("Incoming per outgoing"),
    "per_100": N_("Per 100 staff of the group"),
}


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _value_format(unit: str) -> str:
    return UNIT_SPECS[unit].chart_format


def _suffix(unit: str) -> str:
    return UNIT_SPECS[unit].suffix


def _hover(unit: str) -> str:
    return (
        f"%{{x}}: %{{y:{_value_format(unit)}}}{_suffix(unit)}%{{customdata}}"
        "<extra>%{fullData.name}</extra>"
    )


def _count_ticks(unit: str, values: pd.Series) -> dict[str, int]:
    """Whole-number ticks for small counts (plotly would label 0.2, 0.4... networks)."""
    top = pd.to_numeric(values, errors="coerce").max()
    if UNIT_SPECS[unit].is_count and top == top and top <= 6:  # noqa: PLR0124 (NaN)
        return {"tick0": 0, "dtick": 1}
    return {}


def year_axis(labels: Sequence[str] | pd.Series) -> dict[str, object]:
    """A category x axis whose years run in order, whatever order the traces bring them in:
    plotly orders categories by first appearance, so a stack whose first group lacks a year
    would put that year last (issue 11). Labels are ``2019-20`` style, so they sort as text."""
    years = sorted({str(label) for label in labels})
    return {"type": "category", "categoryorder": "array", "categoryarray": years}


def _provisional_text(flags: Sequence[bool]) -> list[str]:
    return [f" ({_('provisional')})" if flag else "" for flag in flags]


@plain_text_figure
def trend_figure(
    frame: pd.DataFrame,
    unit: str,
    targets: Sequence[tuple[Target, str]] = (),
    references: Sequence[Target] = (),
) -> dict[str, Any]:
    """One line per ``series`` over academic years, with a dashed line per target.

    ``frame``: series, academic_year_label, value, provisional. ``targets``: (target, the
    series name it belongs to, or '' for all) — labelled by source in the legend.
    ``references``: the university's targets on a narrower view, drawn dotted and labelled
    as references that are not scored.
    """
    data: list[dict[str, Any]] = []
    years = sorted({str(label) for label in frame[YEAR_LABEL]})
    for position, (series, rows) in enumerate(frame.groupby(SERIES, sort=False)):
        flags = rows["provisional"].astype(bool).tolist()
        colour = COLORWAY[position % len(COLORWAY)]
        data.append(
            {
                "type": "scatter",
                "x": texts(rows[YEAR_LABEL]),
                "y": numbers(rows["value"]),
                "name": str(series),
                "mode": "lines+markers",
                "line": {"color": colour},
                "marker": {
                    "color": colour,
                    "symbol": ["circle-open" if flag else "circle" for flag in flags],
                    "size": 9,
                },
                "customdata": _provisional_text(flags),
                "hovertemplate": _hover(unit),
                "connectgaps": False,
            }
        )

    def level(name: str, value: float, line: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "scatter",
            "x": [years[0], years[-1]],
            "y": [value, value],
            "name": name,
            "mode": "lines",
            "line": {"color": MUTED_TEXT_COLOUR, **line},
            # The name is escaped (a target's label comes from the targets file).
            "hovertemplate": "%{fullData.name}<extra></extra>",
        }

    seen: set[tuple[float, str]] = set()
    for position, (target, _series) in enumerate(targets):
        key = (target.value, target.label)
        if key in seen or not years:
            continue
        seen.add(key)
        dash = TARGET_DASHES[position % len(TARGET_DASHES)]
        data.append(
            level(
                f"{_('Target')}: {target.describe()}",
                target.value,
                {"dash": dash, "width": 1.5},
            )
        )
    for target in references if years else ():
        # Several KPIs of one chart (the three cycles) share the same university targets:
        # one line each, as for scored targets above.
        key = (target.value, target.label)
        if key in seen:
            continue
        seen.add(key)
        data.append(
            level(
                f"{_('University reference, not scored')}: {target.describe()}",
                target.value,
                {"dash": "dot", "width": 1},
            )
        )
    return figure_dict(
        data,
        {
            "xaxis": {"title": {"text": _("Academic year")}, **year_axis(frame[YEAR_LABEL])},
            "yaxis": {
                "title": {"text": _(AXIS_TITLES.get(unit, ""))},
                "rangemode": "tozero",
                "ticksuffix": _suffix(unit),
            },
            "showlegend": True,
            "margin": {"t": 16},
        },
    )


def _bar_marker(colour: str, flags: Sequence[bool]) -> dict[str, Any]:
    """A bar's colour; provisional years lighter and hatched."""
    return {
        "color": colour,
        "opacity": [PROVISIONAL_OPACITY if flag else 1.0 for flag in flags],
        "pattern": {"shape": [PROVISIONAL_PATTERN if flag else "" for flag in flags]},
    }


@plain_text_figure
def bars_figure(
    frame: pd.DataFrame, unit: str, label_column: str = "label", axis_title: str | None = None
) -> dict[str, Any]:
    """Horizontal bars, one per group (largest on top). ``frame``: label, value,
    provisional."""
    ordered = frame.iloc[::-1]
    flags = ordered["provisional"].astype(bool).tolist()
    bar = {
        "type": "bar",
        "x": numbers(ordered["value"]),
        "y": texts(ordered[label_column]),
        "orientation": "h",
        "marker": _bar_marker(COLORWAY[0], flags),
        "customdata": _provisional_text(flags),
        "hovertemplate": (
            f"%{{y}}: %{{x:{_value_format(unit)}}}{_suffix(unit)}%{{customdata}}<extra></extra>"
        ),
    }
    return figure_dict(
        [bar],
        {
            "xaxis": {
                "title": {"text": axis_title or _(AXIS_TITLES.get(unit, ""))},
                "ticksuffix": _suffix(unit),
                "rangemode": "tozero",
                **_count_ticks(unit, frame["value"]),
            },
            "yaxis": {"type": "category", "automargin": True},
            "showlegend": False,
            "margin": {"t": 8},
        },
    )


@plain_text_figure
def stacked_figure(frame: pd.DataFrame, unit: str) -> dict[str, Any]:
    """Bars per academic year stacked by ``series``. ``frame``: series, academic_year_label,
    value, provisional."""
    data = []
    for position, (series, rows) in enumerate(frame.groupby(SERIES, sort=False)):
        flags = rows["provisional"].astype(bool).tolist()
        data.append(
            {
                "type": "bar",
                "x": texts(rows[YEAR_LABEL]),
                "y": numbers(rows["value"]),
                "name": str(series),
                "marker": _bar_marker(COLORWAY[position % len(COLORWAY)], flags),
                "customdata": _provisional_text(flags),
                "hovertemplate": _hover(unit),
            }
        )
    return figure_dict(
        data,
        {
            "barmode": "stack",
            "xaxis": {"title": {"text": _("Academic year")}, **year_axis(frame[YEAR_LABEL])},
            "yaxis": {
                "title": {"text": _(AXIS_TITLES.get(unit, ""))},
                "ticksuffix": _suffix(unit),
                "rangemode": "tozero",
                **_count_ticks(unit, frame.groupby(YEAR_LABEL)["value"].sum()),
            },
            "margin": {"t": 16},
        },
    )


@cache
def _iso3() -> dict[str, str]:
    table = country_table()
    return dict(zip(table["iso2"], table["iso3"], strict=True))


def iso3(codes: pd.Series) -> pd.Series:
    """ISO alpha-2 -> alpha-3 (what plotly's world outlines are keyed by)."""
    return codes.map(_iso3())


@plain_text_figure
def map_figure(frame: pd.DataFrame, unit: str, colour_title: str) -> dict[str, Any]:
    """A world choropleth. ``frame``: iso3, label, value. Outlines come from the app's own
    topojson files (the graph config's ``topojsonURL``)."""
    choropleth = {
        "type": "choropleth",
        "locations": texts(frame["iso3"]),
        "locationmode": "ISO-3",
        "z": numbers(frame["value"]),
        "text": texts(frame["label"]),
        "colorscale": "Blues",
        "marker": {"line": {"color": "#FFFFFF", "width": 0.5}},
        "colorbar": {"title": {"text": colour_title}, "ticksuffix": _suffix(unit)},
        "hovertemplate": f"%{{text}}: %{{z:{_value_format(unit)}}}{_suffix(unit)}<extra></extra>",
    }
    return figure_dict(
        [choropleth],
        {
            "geo": {"showcoastlines": False, "scope": "world"},
            "margin": {"t": 8, "b": 8, "l": 8, "r": 8},
        },
    )


@plain_text_figure
def timeline_figure(frame: pd.DataFrame) -> dict[str, Any]:
    """Membership per network and year: a marker where the membership is active.
    ``frame``: series (network), academic_year_label, value (1 when active)."""
    active = frame[frame["value"] > 0]
    markers = {
        "type": "scatter",
        "x": texts(active[YEAR_LABEL]),
        "y": texts(active[SERIES]),
        "mode": "markers",
        "marker": {"symbol": "square", "size": 16, "color": COLORWAY[0]},
        "hovertemplate": "%{y}: " + _("member in") + " %{x}<extra></extra>",
    }
    return figure_dict(
        [markers],
        {
            "xaxis": {"title": {"text": _("Academic year")}, **year_axis(active[YEAR_LABEL])},
            "yaxis": {"type": "category", "automargin": True},
            "showlegend": False,
            "margin": {"t": 8},
        },
    )
