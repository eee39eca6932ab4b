"""The KPI pages' callbacks called directly on the fixture database: every chart card of
every page fills from the query layer, says what it shows for which selection, and its
table holds the query layer's numbers; the overview's cards carry value, status and target.
Expected figures are those worked out in tests/dashboard/fixture_database.py."""

from __future__ import annotations

import base64
import io

import duckdb
import pandas as pd
import pytest

import app  # noqa: F401 (the Dash app: asset URLs need it)
from dashboard.callbacks.chart import download_for
from dashboard.callbacks.kpi_cards import chart_values
from dashboard.callbacks.overview import update_overview
from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, kpi_frame
from dashboard.pages.diversity import CHARTS as DIVERSITY_CHARTS
from dashboard.pages.mobility import CHARTS as MOBILITY_CHARTS
from dashboard.pages.networks import CHARTS as NETWORK_CHARTS
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION

ALL_CHARTS = DIVERSITY_CHARTS + MOBILITY_CHARTS + NETWORK_CHARTS
# chart_outputs order: title, figure, style, empty text, empty hidden, columnDefs, rowData,
# summary, export payload, csv disabled, excel disabled.
TITLE, FIGURE, EMPTY_HIDDEN, ROWS, SUMMARY = 0, 1, 4, 6, 7


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
        # Its download is built on the server, with the same rows and the KPI's data sheet.
        downloaded = download_for("csv", spec.prefix, FilterState(2019, 2020).to_dict())
        text = base64.b64decode(downloaded["content"]).decode("utf-8-sig")
        assert f"# KPI id: {', '.join(spec.kpis)}" in text
        assert len(pd.read_csv(io.StringIO(text), comment="#")) == len(values[ROWS])


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
                                 QueryContext(suppression=FIXTURE_SUPPRESSION)).to_dict(orient="records")
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


def _number(value: object) -> float | None:
    """A table or query-layer cell as a comparable number (NaN and None are "no number")."""
    if value is None or value != value:  # noqa: PLR0124 (NaN)
        return None
    return round(float(value), 9)


def _query_rows(published, spec, state: FilterState) -> list[tuple]:  # noqa: ANN001
    """(kpi, year, group label, numerator, denominator, plotted value) of every query-layer
    row the chart could show; the home country is left out where the chart leaves it out."""
    from dashboard.components.kpi_chart import _group_label
    from dashboard.filters_state import academic_year_label

    connection = duckdb.connect(str(published), read_only=True)
    rows = []
    try:
        for kpi_id in spec.kpis:
            frame = kpi_frame(
                connection.cursor(),
                kpi_id,
                state,
                spec.by,
                QueryContext(suppression=FIXTURE_SUPPRESSION),
            )
            if spec.exclude_home:
                frame = frame[frame["group"] != "NL"]
            for row in frame.to_dict(orient="records"):
                value = row[spec.measure] if spec.measure else row["value"]
                rows.append(
                    (row["kpi_id"], academic_year_label(row["academic_year"]),
                     _group_label(spec.by, row["group"]) if spec.by else None,
                     _number(row["numerator"]), _number(row["denominator"]), _number(value))
                )  # fmt: skip
    finally:
        connection.close()
    return rows


def _table_rows(rows: list[dict]) -> list[tuple]:
    return [
        (r["kpi_id"], r["academic_year_label"], r.get("label"), _number(r.get("numerator")),
         _number(r.get("denominator")), _number(r["value"]))
        for r in rows
    ]  # fmt: skip


@pytest.mark.parametrize("spec", ALL_CHARTS, ids=lambda spec: spec.prefix)
@pytest.mark.parametrize(
    "state",
    [FilterState(2019, 2020), FilterState(2018, 2019, faculties=("Science",))],
    ids=["all", "science"],
)
def test_every_chart_table_holds_the_query_layer_numbers(published, spec, state):
    values = chart_values(spec, state.to_dict())
    table = _table_rows(values[ROWS])
    expected = _query_rows(published, spec, state)
    if not values[EMPTY_HIDDEN]:  # nothing to show: no number anywhere
        # (withheld rows may be listed, as withheld, without their number)
        assert all(row[5] is None for row in table + expected), spec.prefix
        assert all(r["suppressed"] for r in values[ROWS]), spec.prefix
        return
    if spec.kind in ("trend", "stacked", "timeline"):
        # Every row the query layer returns, in its order for a single KPI.
        assert sorted(table, key=str) == sorted(expected, key=str), spec.prefix
        assert not any(_is_denominator_only(row) for row in values[ROWS])
    else:
        # A snapshot of the latest year: the shown rows and the withheld ones, each
        # exactly a query-layer row of that year.
        year = table[0][1]
        assert {row[1] for row in table} == {year}
        latest = [row for row in expected if row[1] == year]
        assert set(table) <= set(latest), spec.prefix
        assert len(table) == len(set(table))
        withheld = [r for r in values[ROWS] if r["suppressed"]]
        assert all(r["value"] is None for r in withheld)
        if spec.top is None:
            assert len(table) == len([row for row in latest if row[5] is not None]) + len(
                withheld
            ), spec.prefix


def _is_denominator_only(row: dict) -> bool:
    """A suppressed table row must not carry the number it hides."""
    return bool(row["suppressed"]) and row["value"] is not None


@pytest.mark.parametrize("spec", ALL_CHARTS, ids=lambda spec: spec.prefix)
def test_every_title_says_the_selection(published, spec):
    state = FilterState(2017, 2018, faculties=("Science",), cycles=("bachelor",), basis="both")
    title = chart_values(spec, state.to_dict())[TITLE]
    assert title.startswith(str(spec.title)), title
    for part in ("2017-18 to 2018-19", "faculty Science", "bachelor", "nationality and prior"):
        assert part in title, (spec.prefix, part, title)


def _graphs(component) -> list:  # noqa: ANN001
    """Every dcc.Graph in a layout tree."""
    from dash import dcc

    if isinstance(component, list | tuple):
        return [graph for child in component for graph in _graphs(child)]
    found = [component] if isinstance(component, dcc.Graph) else []
    children = getattr(component, "children", None)
    if children is None:
        return found
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += _graphs(child)
    return found


@pytest.mark.parametrize("path", ["/", "/diversity", "/mobility", "/networks", "/data"])
def test_every_graph_is_configured_to_stay_offline(published, path):
    import dash

    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    layout = page["layout"]() if callable(page["layout"]) else page["layout"]
    graphs = _graphs(layout)
    if path == "/":  # the overview's sparklines are drawn by its callback
        graphs = _graphs(update_overview(FilterState(2015, 2024).to_dict()))
        assert graphs
    else:
        charts = {"/diversity": DIVERSITY_CHARTS, "/mobility": MOBILITY_CHARTS}
        charts["/networks"] = NETWORK_CHARTS
        assert len(graphs) == len(charts.get(path, (None,)))
    for graph in graphs:
        config = graph.config
        assert config["showSendToCloud"] is False, path
        assert config["displaylogo"] is False, path
        assert config["topojsonURL"].endswith("/assets/topojson/"), path
        assert not config["topojsonURL"].startswith("http"), path


def test_graph_config_keeps_everything_local():
    from dashboard.components.chart import graph_config

    config = graph_config("/assets/topojson/", "chart")
    assert config["showSendToCloud"] is False
    assert config["displaylogo"] is False
    assert config["showEditInChartStudio"] is False
    assert config["topojsonURL"] == "/assets/topojson/"


def test_overview_marks_a_provisional_year(published):
    # Only 2024-25 (provisional in the fixture) selected: the cards show it, marked.
    text = str(update_overview(FilterState(2024, 2024).to_dict()))
    assert "2024-25" in text and "provisional" in text
    complete = str(update_overview(FilterState(2022, 2023).to_dict()))
    assert "provisional" not in complete.replace("provisional year", "")


def test_staff_mobility_and_cee_share_from_the_fixture(published):
    state = FilterState(2019, 2019).to_dict()
    staff = next(s for s in MOBILITY_CHARTS if s.prefix == "mobility-staff")
    rows = chart_values(staff, state)[ROWS]
    # 2 teaching stays in Poland (Science) + 5 training stays in Germany (Humanities) per
    # 126 academic staff (3 faculties x 42) = 5.56 per 100.
    assert [(r["numerator"], r["denominator"]) for r in rows] == [(7, 126)]
    cee = next(s for s in MOBILITY_CHARTS if s.prefix == "mobility-cee")
    rows = chart_values(cee, state)[ROWS]
    # Poland: 3 students + 2 staff of 42 mobilities (students 19 out, 13 in; staff 7 out,
    # 3 in) = 11.9%.
    assert [(r["numerator"], r["denominator"]) for r in rows] == [(5, 42)]
    # Science alone: its 2 staff in Poland are a small count and withheld.
    science = FilterState(2019, 2019, faculties=("Science",)).to_dict()
    rows = chart_values(staff, science)[ROWS]
    assert all(r["suppressed"] and r["value"] is None for r in rows)
    assert all(r["numerator"] is None or r["numerator"] >= 5 for r in rows)


def test_small_counts_get_whole_number_ticks(published):
    # One network activity a year: ticks 0, 1 - not 0.2, 0.4, ... activities.
    spec = next(s for s in NETWORK_CHARTS if s.prefix == "networks-activities")
    figure = chart_values(spec, FilterState(2019, 2020).to_dict())[FIGURE]
    assert figure["layout"]["yaxis"]["dtick"] == 1
    bars = next(s for s in NETWORK_CHARTS if s.prefix == "networks-agreements-country")
    figure = chart_values(bars, FilterState(2019, 2020).to_dict())[FIGURE]
    assert figure["layout"]["xaxis"]["dtick"] == 1
    # Larger counts keep plotly's own ticks.
    spec = next(s for s in MOBILITY_CHARTS if s.prefix == "mobility-activities")
    figure = chart_values(spec, FilterState(2019, 2020).to_dict())[FIGURE]
    assert "dtick" not in figure["layout"]["yaxis"]
