"""The dashboard's plotly template: the Okabe-Ito colour-blind-safe palette, the self-hosted
Inter font, and quiet axes. Registered under :data:`TEMPLATE` when this module is imported;
figure builders name it explicitly (``template=TEMPLATE``) rather than relying on the
process-wide default.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "intl_kpi"

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour-vision deficiency. Yellow last: it is faint on white.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "sky_blue": "#56B4E9",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "yellow": "#F0E442",
}
COLORWAY = tuple(OKABE_ITO.values())
# Text and grid greys with at least 4.5:1 contrast on white for text (WCAG AA).
TEXT_COLOUR = "#212529"
MUTED_TEXT_COLOUR = "#595959"
GRID_COLOUR = "#E5E5E5"
FONT_FAMILY = "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Provisional (most recent) years are drawn lighter and hatched, never in another colour.
PROVISIONAL_OPACITY = 0.55
PROVISIONAL_PATTERN = "/"


def build_template() -> go.layout.Template:
    """The template's content (a fresh object each call)."""
    axis = {
        "gridcolor": GRID_COLOUR,
        "linecolor": "#BDBDBD",
        "zerolinecolor": "#BDBDBD",
        "ticks": "outside",
        "tickcolor": "#BDBDBD",
        "title": {"standoff": 8},
        "automargin": True,
    }
    return go.layout.Template(
        layout={
            "colorway": list(COLORWAY),
            "font": {"family": FONT_FAMILY, "size": 14, "color": TEXT_COLOUR},
            "title": {"font": {"size": 16}, "x": 0, "xanchor": "left"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "xaxis": axis,
            "yaxis": axis,
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.02,
                "xanchor": "left",
                "x": 0,
            },
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
            "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
            "geo": {
                "showcountries": True,
                "countrycolor": "#FFFFFF",
                "showland": True,
                "landcolor": "#EEEEEE",
                "showframe": False,
                "projection": {"type": "natural earth"},
            },
        },
        data={
            "bar": [go.Bar(marker={"line": {"width": 0}})],
            "scatter": [go.Scatter(line={"width": 2.5}, marker={"size": 7})],
        },
    )


@functools.cache
def template_json() -> dict:
    """The template as plotly.js reads it (for figures written as plain dicts, which
    plotly.js cannot look up by name); one object, never to be changed."""
    return pio.templates[TEMPLATE].to_plotly_json()


def figure_dict(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A figure as plotly.js reads it, in the dashboard's template. Figures are written as
    plain dicts: a ``go.Figure`` validates every property it is given and took a third of a
    chart card's server time; ``go.Figure(figure_dict(...))`` in the tests validates them."""
    return {"data": data, "layout": {"template": template_json(), **layout}}


def numbers(values: Iterable[Any]) -> list[float | None]:
    """Plotted numbers as JSON holds them: floats, a missing value ``None`` (a gap)."""
    result: list[float | None] = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        result.append(None if math.isnan(number) else number)
    return result


def texts(values: Iterable[Any]) -> list[str]:
    """Category labels and names as JSON holds them."""
    return [str(value) for value in values]


def register_template() -> str:
    """Register the template with plotly (idempotent) and return its name."""
    pio.templates[TEMPLATE] = build_template()
    return TEMPLATE


register_template()
