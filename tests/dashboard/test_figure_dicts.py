"""Figures are written as plain dicts (``dashboard.figures``), not ``go.Figure`` objects: no
plotly validation runs while a request is answered. These tests do the validation instead:
every builder's dict must be accepted by ``go.Figure`` as it is (an unknown or misspelt
property raises) and be strict JSON (no NaN, no NumPy values) that plotly.js reads."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard.components.chart import blank_figure
from dashboard.figures import kpi as figures
from dashboard.figures.loaded_data import enrolment_by_year_figure
from dashboard.figures.theme import numbers, template_json, texts
from dashboard.i18n import use_language
from dashboard.kpis.targets import Target

TREND = pd.DataFrame(
    {
        "series": ["bachelor", "bachelor", "master", "master"],
        "academic_year_label": ["2023-24", "2024-25", "2023-24", "2024-25"],
        "value": [12.5, np.nan, 30.0, 31.25],
        "provisional": [False, True, False, True],
        "label": ["Law", "Law <b>", "Science", "Science"],
        "group": ["DE", "FR", "BE", "ZZ"],
    }
)
TARGET = Target(
    kpi_id="intl_share_master",
    scope="university",
    scope_value="",
    comparator=">=",
    value=23.0,
    kind="level",
    target_year=2027,
    baseline_year=None,
    baseline_value=None,
    label="EPS & co",
    source="Erasmus Policy Statement",
)


def _builders() -> dict[str, dict]:
    frame = TREND.assign(iso3=["DEU", "FRA", "BEL", None]).dropna(subset=["iso3"])
    enrolment = pd.DataFrame(
        {
            "academic_year_label": ["2023-24", "2024-25"],
            "population": ["enrolled", "enrolled"],
            "headcount": [31000, 32000],
            "provisional": [False, True],
        }
    )
    return {
        "trend": figures.trend_figure(TREND, "percent", [(TARGET, "")], []),
        "bars": figures.bars_figure(TREND, "count"),
        "stacked": figures.stacked_figure(TREND, "count"),
        "map": figures.map_figure(frame, "percent", "Percent"),
        "timeline": figures.timeline_figure(TREND.assign(value=[1, 0, 1, 1])),
        "enrolment": enrolment_by_year_figure(enrolment),
        "blank": blank_figure(),
    }


@pytest.mark.parametrize("name", list(_builders()))
def test_every_figure_dict_is_a_valid_plotly_figure_in_strict_json(name):
    figure = _builders()[name]
    assert isinstance(figure, dict)
    validated = go.Figure(figure)  # raises on any property plotly.js does not know
    assert validated.layout.template.layout.font.family.startswith("Inter")
    text = json.dumps(figure, allow_nan=False)  # NaN or a NumPy value would raise
    assert json.loads(text) == figure


def test_a_missing_value_is_a_gap_not_a_zero():
    trace = _builders()["trend"]["data"][0]
    assert trace["y"] == [12.5, None]
    assert trace["marker"]["symbol"] == ["circle", "circle-open"]


def test_data_text_is_escaped_and_target_lines_drawn():
    data = _builders()["bars"]["data"][0]
    assert "Law &lt;b&gt;" in data["y"]
    trend = _builders()["trend"]["data"]
    assert trend[-1]["name"] == f"Target: {TARGET.describe()}".replace("&", "&amp;")
    assert trend[-1]["y"] == [23.0, 23.0]


def test_figures_use_the_readers_separators_and_the_shared_template():
    with use_language("nl"):
        dutch = figures.bars_figure(TREND, "percent")
    assert dutch["layout"]["separators"] == ",."
    assert figures.bars_figure(TREND, "percent")["layout"]["separators"] == ".,"
    assert dutch["layout"]["template"] is template_json()


def test_numbers_and_texts_are_json_ready():
    assert numbers([1, np.float64(2.5), np.nan, None, pd.NA, "x"]) == [
        1.0,
        2.5,
        None,
        None,
        None,
        None,
    ]
    assert texts([np.int64(3), "a"]) == ["3", "a"]
