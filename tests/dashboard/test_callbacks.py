"""Callbacks called directly, as plain functions, on the fixture database."""

from __future__ import annotations

import base64
import io

import pandas as pd
import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from dashboard import ids, runtime
from dashboard.callbacks.chart import UnknownChart, download_for
from dashboard.callbacks.data import update_enrolment_chart
from dashboard.callbacks.filters import Controls, synchronise, synchronise_filters
from dashboard.callbacks.shell import (
    active_links,
    filter_search,
    navigation_hrefs,
    show_published_status,
)
from dashboard.filters_state import FilterState
from tests.dashboard.fixture_database import enrolment_total

REGISTRY = {
    "dashboard.pages.data": {"path": "/data", "relative_path": "/kpi/data"},
    "dashboard.pages.overview": {"path": "/", "relative_path": "/kpi/"},
}
LINKS = [{"type": "app-nav-link", "page": module} for module in REGISTRY]


def _controls(state: FilterState) -> Controls:
    return Controls(
        year_from=None if state.year_from is None else str(state.year_from),
        year_to=None if state.year_to is None else str(state.year_to),
        faculties=list(state.faculties),
        programmes=list(state.programmes),
        cycles=list(state.cycles),
        basis=state.basis,
    )


def test_opening_a_link_sets_the_controls(options):
    values = synchronise(
        from_url=True,
        search="?from=2017&to=2020&faculty=Law&programme=60001&cycle=master&basis=both",
        controls=Controls(),
        stored=None,
        options=options,
        default_basis="nationality",
    )
    search, year_from, year_to, faculties, programme_options, programmes, cycles, basis = values[:8]
    notice, notice_open, stored = values[8:]
    assert search is no_update, "following the URL never writes it back"
    assert (year_from, year_to) == ("2017", "2020")
    assert (faculties, programmes, cycles, basis) == (["Law"], ["60001"], ["master"], "both")
    assert [option["value"] for option in programme_options] == ["60001"]
    assert (notice, notice_open) == ([], False)
    assert FilterState.from_dict(stored) == FilterState(
        2017, 2020, ("Law",), ("60001",), ("master",), "both"
    )


def test_changing_a_control_writes_the_url(options):
    current = "?from=2015&to=2024&basis=nationality&breakdown=faculty"
    state = FilterState(2015, 2024, ("Science",), ("60001",))  # programme not in Science
    values = synchronise(False, current, _controls(state), None, options, "nationality")
    assert values[0] == "?from=2015&to=2024&faculty=Science&basis=nationality&breakdown=faculty"
    assert values[5] == [], "the programme outside the faculty is dropped from the control"
    # Grouped by faculty and cycle (issue 13): Physics (bachelor), Astronomy (master), PhD.
    assert [o["value"] for o in values[4]] == ["50002", "60002", "70001"]
    assert values[9] is False
    assert FilterState.from_dict(values[10]).faculties == ("Science",)


def test_controls_rendered_from_a_bad_link_keep_its_notice(options):
    search = "?from=abc&basis=zzz"
    default = FilterState(2015, 2024)
    values = synchronise(
        False, search, _controls(default), default.to_dict(), options, "nationality"
    )
    assert values[0] is no_update, "the bad link is not rewritten until a person changes a filter"
    assert values[9] is True
    assert values[10] is no_update, "an unchanged selection does not redraw the charts"
    assert all(value is no_update for value in values[1:4] + values[5:8])


def test_the_registered_callback_reads_the_published_options(published):
    context_value.set(
        AttributeDict(triggered_inputs=[{"prop_id": f"{ids.FILTER_LOCATION}.search", "value": ""}])
    )
    try:
        values = synchronise_filters("?faculty=Humanities", None, None, [], [], [], None, None)
    finally:
        context_value.set({})
    assert values[3] == ["Humanities"]
    assert [o["label"] for o in values[4]] == ["History (bachelor, 50001)"]
    assert values[1:3] == ("2015", "2024")


def test_filters_do_nothing_without_a_database(unpublished):
    with pytest.raises(PreventUpdate):
        synchronise_filters("", None, None, [], [], [], None, None)


def test_the_data_chart_draws_the_selected_years(published, monkeypatch):
    monkeypatch.setenv("INTL_KPI_SUPPRESSION", "round5")  # the default preset
    runtime.settings.cache_clear()
    values = update_enrolment_chart(FilterState(2018, 2020).to_dict())
    title, _figure, _style, _empty, _hidden, _columns, rows, summary, *_ = values
    assert title == "Enrolment headcount per academic year, 2018-19 to 2020-21, whole university"
    # Counts leave the server rounded to the nearest 5 (the default preset, round5).
    expected = [5 * round(enrolment_total(y) / 5) for y in (2018, 2019, 2020)]
    assert [row["headcount"] for row in rows] == expected
    assert summary == (
        f"Enrolment headcount rose from {expected[0]} in 2018-19 to {expected[2]} in 2020-21."
    )

    # The download is built on the server from the selection alone: the same rows.
    downloaded = download_for("csv", ids.DATA_ENROLMENT_CHART, FilterState(2018, 2020).to_dict())
    text = base64.b64decode(downloaded["content"]).decode("utf-8-sig")
    assert "# Data version: 1" in text
    assert "# Suppression preset: round5" in text
    assert "# Provisional years: 2024-25" in text
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert list(frame["headcount"]) == expected


def test_downloads_are_built_on_the_server_and_refuse_unknown_cards(published):
    with pytest.raises(UnknownChart):
        download_for("csv", "forged-chart", FilterState().to_dict())
    with pytest.raises(UnknownChart):
        download_for("excel", {"rows": [{"headcount": 3}]}, None)
    # Nothing to draw, nothing to download.
    with pytest.raises(PreventUpdate):
        download_for("excel", ids.DATA_ENROLMENT_CHART, FilterState(1990, 1991).to_dict())


def test_navbar_links_carry_only_the_filter_keys():
    assert filter_search("?from=2016&breakdown=faculty&faculty=Law") == "?from=2016&faculty=Law"
    assert filter_search("") == ""
    assert navigation_hrefs("?from=2016&x=1", LINKS, REGISTRY) == [
        "/kpi/data?from=2016",
        "/kpi/?from=2016",
    ]


def test_the_current_page_is_marked():
    assert active_links("data", LINKS, REGISTRY) == [True, False]
    assert active_links("", LINKS, REGISTRY) == [False, True]
    assert active_links(None, LINKS, REGISTRY) == [False, True]


def _text(component) -> str:
    if isinstance(component, str):
        return component
    if isinstance(component, list | tuple):
        return " ".join(_text(child) for child in component)
    children = getattr(component, "children", None)
    return "" if children is None else _text(children)


def test_the_banner_says_demo_and_version(published):
    text = _text(show_published_status("/data"))
    assert "Demo data." in text
    assert "Data version 1, loaded " in text and " UTC." in text


def test_the_banner_without_a_database(unpublished):
    assert _text(show_published_status("/data")) == "No data is published yet."
