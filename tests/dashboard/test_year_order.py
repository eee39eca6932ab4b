"""Every chart's x axis runs in year order, for any selection (issue 11, point 8).

plotly orders the categories of a category axis by their first appearance across traces, so
a stacked bar chart whose first group has no value in the first year put that year last.
Two checks: the figure builders on generated frames (every subset of years per series, a
seeded random sweep standing in for a property-based test), and every chart card of every
page on an exhaustive sweep of faculty and programme selections of the fixture database.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import pytest

import app  # noqa: F401 (the Dash app: pages and asset URLs need it)
from dashboard.callbacks.kpi_cards import chart_values
from dashboard.figures import kpi as figures
from dashboard.filters_state import FilterState
from dashboard.pages.diversity import CHARTS as DIVERSITY_CHARTS
from dashboard.pages.mobility import CHARTS as MOBILITY_CHARTS
from dashboard.pages.networks import CHARTS as NETWORK_CHARTS
from tests.dashboard.fixture_database import FACULTIES, PROGRAMMES

ALL_CHARTS = DIVERSITY_CHARTS + MOBILITY_CHARTS + NETWORK_CHARTS
FIGURE = 1  # position of the figure among a chart card's outputs
YEARS = [figures.year_label(year) for year in range(2015, 2025)]


def x_axis_order(figure: go.Figure | dict) -> list[str]:
    """The x categories in the order plotly draws them: an explicit ``categoryarray`` first
    (with ``categoryorder`` "array"), then any other category in order of first appearance
    across traces; "category ascending" sorts them."""
    figure = go.Figure(figure)
    seen: list[str] = []
    for trace in figure.data:
        for x in trace.x if trace.x is not None else ():
            if str(x) not in seen:
                seen.append(str(x))
    axis = figure.layout.xaxis
    if axis.categoryorder == "category ascending":
        return sorted(seen)
    if axis.categoryorder == "array" and axis.categoryarray is not None:
        explicit = [str(x) for x in axis.categoryarray]
        return explicit + [x for x in seen if x not in explicit]
    return seen


def assert_years_in_order(figure: go.Figure | dict, where: str = "") -> None:
    order = [label for label in x_axis_order(figure) if label in YEARS]
    assert order == sorted(order), f"years out of order {where}: {order}"


def _frame(series_years: dict[str, Iterable[int]]) -> pd.DataFrame:
    rows = [
        {
            figures.SERIES: series,
            figures.YEAR_LABEL: YEARS[index],
            "value": 1.0 + index,
            "provisional": index == len(YEARS) - 1,
        }
        for series, indexes in series_years.items()
        for index in indexes
    ]
    return pd.DataFrame(rows)


def test_a_stack_whose_first_group_misses_the_first_year_keeps_year_order():
    # The case: network A has no activity in 2015-16, network B has.
    frame = _frame({"A": [1, 2, 3], "B": [0, 1, 2, 3]})
    assert_years_in_order(figures.stacked_figure(frame, "count"))
    assert_years_in_order(figures.trend_figure(frame, "count"))
    assert_years_in_order(figures.timeline_figure(frame))


@pytest.mark.parametrize("builder", ["stacked", "trend", "timeline"])
def test_any_years_per_series_keep_year_order(builder):
    # A seeded sweep over random selections of years per series (and their order in the
    # frame): the property "the x axis is in year order" for any of them.
    make = {
        "stacked": lambda frame: figures.stacked_figure(frame, "count"),
        "trend": lambda frame: figures.trend_figure(frame, "percent"),
        "timeline": figures.timeline_figure,
    }[builder]
    generator = random.Random(11)
    for _case in range(200):
        series_years = {
            f"series {number}": generator.sample(range(len(YEARS)), generator.randint(1, 6))
            for number in range(generator.randint(1, 4))
        }
        assert_years_in_order(make(_frame(series_years)), str(series_years))


def _selections() -> list[FilterState]:
    """Every subset of the fixture's faculties and every single programme."""
    faculty_sets = [
        subset
        for size in range(len(FACULTIES) + 1)
        for subset in itertools.combinations(FACULTIES, size)
    ]
    states = [FilterState(faculties=subset) for subset in faculty_sets]
    return states + [FilterState(programmes=(code,)) for code, *_rest in PROGRAMMES]


@pytest.mark.parametrize("spec", ALL_CHARTS, ids=lambda spec: spec.prefix)
def test_every_chart_keeps_year_order_for_every_selection(published, spec):
    if spec.kind not in ("trend", "stacked", "timeline"):
        pytest.skip("a snapshot of one year: its x axis holds values, not years")
    for state in _selections():
        figure = chart_values(spec, state.to_dict())[FIGURE]
        if figure is None:
            continue
        assert_years_in_order(figure, f"{spec.prefix} {state}")
