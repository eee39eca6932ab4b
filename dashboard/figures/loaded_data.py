"""Figures of the Data page: what the published database holds."""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.figures.plain_text import plain_text_figure
from dashboard.figures.theme import (
    PROVISIONAL_OPACITY,
    PROVISIONAL_PATTERN,
    figure_dict,
    numbers,
    texts,
)
from dashboard.i18n import N_, _

YEAR_LABEL = "academic_year_label"
POPULATION = "population"
HEADCOUNT = "headcount"
PROVISIONAL = "provisional"

POPULATION_LABELS = {
    "enrolled": N_("enrolled on 1 October"),
    "first_year": N_("first-year entrants"),
}


@plain_text_figure
def enrolment_by_year_figure(frame: pd.DataFrame) -> dict[str, Any]:
    """Bars of enrolment headcount per academic year, one colour per population; provisional
    years lighter and hatched. ``frame``: academic_year_label, population, headcount,
    provisional (one row per year and population)."""
    data = []
    for population, rows in frame.groupby(POPULATION, sort=False):
        provisional = rows[PROVISIONAL].astype(bool).tolist()
        data.append(
            {
                "type": "bar",
                "x": texts(rows[YEAR_LABEL]),
                "y": numbers(rows[HEADCOUNT]),
                "name": _(POPULATION_LABELS.get(str(population), str(population))),
                "marker": {
                    "opacity": [PROVISIONAL_OPACITY if flag else 1.0 for flag in provisional],
                    "pattern": {
                        "shape": [PROVISIONAL_PATTERN if flag else "" for flag in provisional]
                    },
                },
                "customdata": [_("provisional") if flag else "" for flag in provisional],
                "hovertemplate": "%{x}: %{y:,} %{customdata}<extra>%{fullData.name}</extra>",
            }
        )
    return figure_dict(
        data,
        {
            "barmode": "group",
            "xaxis": {"title": {"text": _("Academic year")}, "type": "category"},
            "yaxis": {"title": {"text": _("Headcount")}, "rangemode": "tozero", "tickformat": ","},
            "showlegend": bool(frame[POPULATION].nunique() > 1),
        },
    )
