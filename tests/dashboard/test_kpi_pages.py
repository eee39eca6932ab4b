"""The KPI pages' callbacks called directly on the fixture database: every chart card of
every page fills from the query layer, says what it shows for which selection, and its
table holds the query layer's numbers; the overview's cards carry value, status and target.
Expected figures are those worked out in tests/dashboard/fixture_database.py."""

from __future__ import annotations

import duckdb
import pytest

import app  # noqa: F401 (the Dash app: asset URLs need it)
from dashboard.callbacks.kpi_cards import chart_values
from dashboard.callbacks.overview import update_overview
from dashboard.charts import DIVERSITY_CHARTS, MOBILITY_CHARTS, NETWORK_CHARTS
from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, kpi_frame

ALL_CHARTS = DIVERSITY_CHARTS + MOBILITY_CHARTS + NETWORK_CHARTS
# chart_outputs order: title, figure, style, empty text, empty hidden, columnDefs, rowData,
# summary, export payload, csv disabled, excel disabled.
TITLE, FIGURE, EMPTY_HIDDEN, ROWS, SUMMARY, EXPORT = 0, 1, 4, 6, 7, 8


def test_chart_prefixes_are_unique():
    prefixes = [spec.prefix for spec in ALL_CHARTS]
    assert len(prefixes) == len(set(prefixes))


@pytest.mark.parametrize("spec", ALL_CHARTS, ids=lambda spec: spec.prefix)
def test_every_chart_fills_for_the_default_selection(published, spec):
    values = chart_values(spec, FilterState(2019, 2020).to_dict())
    assert "2019-20 to 2020-21" in values[TITLE]
    if values[EMPTY_HIDDEN]:  # something to show
        assert values[ROWS], spec.prefix
        assert values[SUMMARY]
        assert values[EXPORT]["data_sheet"]["kpi_id"] == ", ".join(spec.kpis)


def test_trend_table_rows_are_the_query_layer_numbers(published):
    spec = next(s for s in DIVERSITY_CHARTS if s.prefix == "diversity-share-by-cycle")
    state = FilterState(2018, 2019, faculties=("Science",))
    rows = chart_values(spec, state.to_dict())[ROWS]
    connection = duckdb.connect(str(published), read_only=True)
    try:
        expected = [
            row
            for cycle in ("bachelor", "master", "phd")
            for row in kpi_frame(connection.cursor(), f"intl_share_{cycle}", state, None,
                                 QueryContext()).to_dict(orient="records")
        ]  # fmt: skip
    finally:
        connection.close()
    assert [(r["kpi_id"], r["numerator"], r["denominator"]) for r in rows] == [
        (r["kpi_id"], r["numerator"], r["denominator"]) for r in expected
    ]
    # Science's bachelor is Physics alone: 2018-19 43 NL, 13 DE, 8 IN -> 21 of 64;
    # 2019-20 44, 14, 9 -> 23 of 67.
    assert [(r["numerator"], r["denominator"]) for r in rows][:2] == [(21, 64), (23, 67)]


def test_an_empty_selection_explains_itself(published):
    spec = next(s for s in MOBILITY_CHARTS if s.prefix == "mobility-destinations")
    values = chart_values(spec, FilterState(2019, 2019, faculties=("Law",)).to_dict())
    assert values[EMPTY_HIDDEN] is False
    assert "nothing to show" in values[3]
    assert values[FIGURE]["layout"]["xaxis"]["visible"] is False


def test_overview_cards_carry_value_status_and_target(published):
    sections = update_overview(FilterState(2015, 2020).to_dict())
    text = str(sections)
    assert "International master&#x27;s students" in text or "International master's" in text
    assert "35.7%" in text  # 2020-21: 25 of 70 master's students per programme
    assert "target achieved" in text
    assert "Erasmus Policy Statement 2021-27" in text
