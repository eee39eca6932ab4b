"""Every page in a real browser, on the fixture database (tests/dashboard/fixture_database.py,
whose figures are worked out in its docstring): charts draw the expected numbers, redraw when
a filter changes, downloads equal the query layer's rows, no small count leaves the server,
links keep the selection, graphs are configured to stay offline, and each page passes an
axe-core scan (``look`` also writes its 1280x800 screenshot).

The test that opens every page also records the server time of a filter change and the
transfer size of the first load in ``tests/screenshots/measurements.json`` and
``$TMPDIR/intl_kpi_measurements.json`` (not asserted: timings depend on the machine).
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from playwright.sync_api import expect

import app  # noqa: F401 (Dash loads the pages, which declare their charts)
from dashboard import ids
from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, kpi_frame
from dashboard.kpis.registry import get_kpi
from dashboard.kpis.status import STATUSES
from dashboard.kpis.targets import read_targets
from dashboard.pages.diversity import CHARTS as DIVERSITY_CHARTS
from dashboard.pages.mobility import CHARTS as MOBILITY_CHARTS
from dashboard.pages.networks import CHARTS as NETWORK_CHARTS
from tests.browser.conftest import ROOT, SCREENSHOTS
from tests.browser.helpers import (
    PAGES,
    by_id,
    choose,
    download_csv,
    open_page,
    plotted_traces,
    settle,
)
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION

pytestmark = pytest.mark.browser

CHARTS = {"diversity": DIVERSITY_CHARTS, "mobility": MOBILITY_CHARTS, "networks": NETWORK_CHARTS}


def query_layer(database, kpi_id: str, state: FilterState, by: str | None) -> pd.DataFrame:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        context = QueryContext(suppression=FIXTURE_SUPPRESSION)
        return kpi_frame(connection.cursor(), kpi_id, state, by, context)
    finally:
        connection.close()


def test_every_page_opens_offline_without_errors_and_passes_axe(browser_page_factory, look):
    measurements: dict[str, object] = {}
    for name, (path, ready) in PAGES.items():
        page = browser_page_factory()
        open_page(page, page.base_url, path, ready)
        if name == "overview":
            # A fresh browser context: nothing cached, so this is the first-load size.
            measurements["first_load_transfer_bytes"] = page.watch.transfer_bytes()
            measurements["first_load_requests"] = len(page.watch.requests)
        look(page, name)
        if name in ("overview", "diversity", "mobility", "networks"):
            measurements[f"{name}_filter_change_ms"] = _time_filter_change(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = json.dumps(measurements, indent=2)
    (SCREENSHOTS / "measurements.json").write_text(report)
    (Path(tempfile.gettempdir()) / "intl_kpi_measurements.json").write_text(report)
    print(f"measurements: {report}")


def _time_filter_change(page) -> dict[str, float]:  # noqa: ANN001
    """Server time (request sent -> response started) of each callback a faculty change
    fires, on localhost."""
    timings: list[float] = []

    def on_finished(request) -> None:  # noqa: ANN001
        if "_dash-update-component" in request.url:
            timing = request.timing
            timings.append(timing["responseStart"] - timing["requestStart"])

    page.on("requestfinished", on_finished)
    choose(page, ids.FILTER_FACULTY, "Science")
    page.wait_for_url(re.compile(r"faculty=Science"))
    settle(page)
    page.remove_listener("requestfinished", on_finished)
    return {
        "callbacks": len(timings),
        "median": statistics.median(timings) if timings else 0.0,
        "worst": max(timings, default=0.0),
    }


def test_diversity_charts_show_the_query_layer_numbers_and_redraw(page, app_server, look):
    open_page(page, app_server.base_url, "/diversity?from=2019&to=2019", "#main .main-svg")
    frame = download_csv(page, "diversity-share-by-cycle")
    # Fixture, 2019-20: every programme has 44 NL, 14 DE and 9 IN students -> 23/67 abroad.
    assert list(frame["kpi_id"]) == ["intl_share_bachelor", "intl_share_master", "intl_share_phd"]
    assert list(frame["numerator"]) == [46, 46, 23]
    assert list(frame["denominator"]) == [134, 134, 67]
    assert [round(v, 2) for v in frame["value"]] == [34.33, 34.33, 34.33]
    title = page.inner_text(by_id(ids.chart_title("diversity-share-by-cycle")))
    assert "2019-20" in title and "all faculties" in title

    choose(page, ids.FILTER_FACULTY, "Law")
    page.wait_for_url(re.compile(r"faculty=Law"))
    settle(page)
    expect(page.locator(by_id(ids.chart_title("diversity-share-by-cycle")))).to_contain_text(
        "faculty Law"
    )
    frame = download_csv(page, "diversity-share-by-cycle")
    # Law has one master programme only.
    assert list(frame["kpi_id"]) == ["intl_share_master"]
    assert list(frame["numerator"]) == [23] and list(frame["denominator"]) == [67]


def test_mobility_download_equals_the_query_layer(page, app_server, fixture_database):
    open_page(page, app_server.base_url, "/mobility?from=2018&to=2020", "#main .main-svg")
    frame = download_csv(page, "mobility-graduate-rate")
    state = FilterState(year_from=2018, year_to=2020)
    expected = pd.concat(
        [
            query_layer(fixture_database, f"outgoing_mobility_rate_{cycle}", state, None)
            for cycle in ("bachelor", "master", "phd")
        ]
    )
    assert list(frame["kpi_id"]) == list(expected["kpi_id"])
    assert list(frame["numerator"]) == list(expected["numerator"])
    assert list(frame["denominator"]) == list(expected["denominator"])
    assert [round(v, 6) for v in frame["value"]] == [round(v, 6) for v in expected["value"]]
    # Physics: 5 of 25 graduates mobile; no master/PhD graduate records: labelled fallback.
    bachelor = frame[frame["kpi_id"] == "outgoing_mobility_rate_bachelor"]
    assert set(bachelor["value"]) == {20.0}
    master = frame[frame["kpi_id"] == "outgoing_mobility_rate_master"]
    assert set(master["method"]) == {"participation rate (fallback: no graduate records)"}


def _small_counts(frame: pd.DataFrame) -> list[str]:
    """Every people count of 1 to 4 in a downloaded chart."""
    found = []
    for row in frame.to_dict(orient="records"):
        kpi = get_kpi(row["kpi_id"])
        columns = []
        if kpi.counts_people:
            columns += ["numerator", "denominator"] + (["value"] if kpi.unit == "count" else [])
        columns += [name for name, _label, people in kpi.extra_measures if people]
        for column in columns:
            value = row.get(column)
            if value is not None and value == value and 1 <= float(value) <= 4:
                found.append(f"{row['kpi_id']} {column}={value}")
    return found


@pytest.mark.parametrize("page_name", ["mobility", "networks", "diversity"])
def test_no_small_count_leaves_the_server_in_any_download(page, app_server, page_name):
    path = PAGES[page_name][0]
    open_page(page, app_server.base_url, path + "?from=2019&to=2020", "#main .main-svg")
    withheld = 0
    for spec in CHARTS[page_name]:
        button = page.locator(by_id(ids.chart_download_csv(spec.prefix)))
        if button.is_disabled():
            continue  # an empty chart: nothing to download
        frame = download_csv(page, spec.prefix)
        assert _small_counts(frame) == [], spec.prefix
        withheld += int(frame["suppressed"].sum())
    if page_name == "mobility":
        # The 3 students to Poland (fixture) are withheld, not merely absent by chance.
        assert withheld > 0


def test_poland_is_withheld_in_the_table_view_and_the_map(page, app_server):
    open_page(page, app_server.base_url, "/mobility?from=2019&to=2019", "#main .main-svg")
    frame = download_csv(page, "mobility-destinations")
    # Poland's 3 are withheld, and with them the next smallest cell (Italy's 6), so that
    # Poland cannot be recovered from the total of 19: listed as withheld, with no number.
    assert list(frame["label"]) == ["Germany", "Italy", "Poland"]
    assert list(frame["value"].fillna(-1)) == [10, -1, -1]
    assert list(frame["suppressed"]) == [False, True, True]
    assert frame.loc[1:, "numerator"].isna().all()

    # The map (and so its hover labels) holds Germany's 10 only.
    traces = plotted_traces(page, "mobility-destinations")
    assert [trace["locations"] for trace in traces] == [["DEU"]]
    hover = json.dumps(traces)
    assert "POL" not in hover and "Poland" not in hover and "ITA" not in hover

    # The table view lists Poland and Italy as withheld, with no number.
    grid = page.locator(by_id(ids.chart_table("mobility-destinations")))
    page.locator("details", has=grid).locator("summary").click()
    poland = grid.locator(".ag-row", has_text="Poland")
    poland.wait_for()
    cells = [text.strip() for text in poland.locator(".ag-cell").all_inner_texts()]
    assert "yes" in cells, cells  # the withheld column
    assert not any(re.fullmatch(r"[1-4]", cell) for cell in cells), cells
    germany = grid.locator(".ag-row", has_text="Germany").locator(".ag-cell").all_inner_texts()
    assert "10" in [text.strip() for text in germany]


def test_a_table_view_is_filled_as_it_opens_and_follows_the_filters(page, app_server):
    open_page(page, app_server.base_url, "/mobility?from=2019&to=2019", "#main .main-svg")
    grid = page.locator(by_id(ids.chart_table("mobility-destinations")))
    # Folded away, the grid holds nothing: its rows wait in a store, so the browser does
    # not redraw 13 hidden grids on every filter change.
    assert grid.locator(".ag-row").count() == 0
    page.locator("details", has=grid).locator("summary").click()
    grid.locator(".ag-row", has_text="Poland").wait_for()
    assert grid.locator(".ag-row").count() == 3  # Germany, Italy, Poland (withheld)
    # Open, it follows the selection: Law has no outgoing students in the fixture.
    choose(page, ids.FILTER_FACULTY, "Law")
    page.wait_for_url(re.compile(r"faculty=Law"))
    expect(grid.locator(".ag-row")).to_have_count(0)
    # Folded and opened again, it shows the current selection, not an old one.
    page.locator("details", has=grid).locator("summary").click()
    choose(page, ids.FILTER_FACULTY, "Law")  # unselects Law: every faculty again
    page.wait_for_url(lambda url: "faculty=" not in url)
    settle(page)
    page.locator("details", has=grid).locator("summary").click()
    expect(grid.locator(".ag-row")).to_have_count(3)


def test_graphs_stay_offline_and_draw_the_map_from_local_outlines(page, app_server):
    open_page(page, app_server.base_url, "/diversity", "#main .main-svg")
    page.wait_for_selector(".choroplethlocation")
    configs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => ["
        "g._context.showSendToCloud, g._context.displaylogo, g._context.topojsonURL])"
    )
    assert len(configs) == len(DIVERSITY_CHARTS)
    for send_to_cloud, logo, topojson in configs:
        assert send_to_cloud is False and logo is False
        assert topojson.startswith("/assets/topojson/")
    assert any("/assets/topojson/" in url for url in page.watch.requests)
    assert page.locator(".choroplethlocation").count() >= 2  # Germany and India
    assert page.locator(".modebar-btn[data-title*='Cloud']").count() == 0


def test_overview_cards_show_status_targets_and_open_their_details(page, app_server):
    open_page(page, app_server.base_url, "/?from=2016&to=2020&basis=nationality", ".kpi-card")
    targeted = {target.kpi_id for target in read_targets(ROOT / "data" / "targets.csv")}
    assert page.locator(".kpi-card").count() == len(targeted)
    card = page.locator("#overview-card-intl_share_master")
    # 2020-21, the latest complete year selected: per master programme 45 NL, 15 DE and
    # 10 IN students -> 25 / 70 = 35.7% international.
    expect(card).to_contain_text("35.7%")
    expect(card).to_contain_text("2020-21")
    expect(card).to_contain_text(STATUSES["target_achieved"][0])
    expect(card).to_contain_text("Erasmus Policy Statement 2021-2027")
    expect(page.locator("#app-status-demo-alert")).to_contain_text("Demo data")

    card.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/diversity\?"))
    assert "from=2016" in page.url and "to=2020" in page.url
    page.wait_for_selector("#main .main-svg")
    settle(page)
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2016"


def test_the_navbar_keeps_the_selection_and_empty_charts_explain(page, app_server):
    open_page(page, app_server.base_url, "/diversity?faculty=Law", "#main .main-svg")
    page.get_by_role("link", name="Mobility", exact=True).click()
    page.wait_for_url(re.compile(r"/mobility\?.*faculty=Law"))
    page.wait_for_selector("#main .main-svg")
    settle(page)
    # Law has no mobility in the fixture: an explanation instead of an empty axis.
    empty = page.locator(by_id(ids.chart_empty("mobility-destinations")))
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("nothing to show")
    expect(page.locator(by_id(ids.chart_graph("mobility-destinations")))).to_be_hidden()
