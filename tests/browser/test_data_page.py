"""The Data page in a real browser: what a person sees, offline, accessible, error-free."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import chart_title, open_data_page, settle
from tests.dashboard.fixture_database import enrolment_total

pytestmark = pytest.mark.browser

# First-load budget (bytes over the wire, uncompressed): Dash, plotly.js and AG Grid are
# about 9 MB; a jump well past that means something new is being shipped to every visitor.
FIRST_LOAD_BUDGET = 12_000_000


def test_data_page_shows_what_is_loaded(page, app_server, look):
    open_data_page(page, app_server.base_url)

    assert page.title() == "Data and definitions · International KPIs"
    banner = page.inner_text("#app-status-banner")
    assert "Demo data" in banner
    assert re.search(r"Data version 1, loaded \d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d UTC", banner)

    loads = page.inner_text("#data-loads-grid")
    for name in ("enrolments.csv", "programmes.csv", "staff.csv"):
        assert name in loads
    assert re.search(r"[0-9a-f]{64}", loads.replace("\n", "")), "the full SHA-256 is shown"
    tables = page.inner_text("#data-tables-grid")
    assert "enrolments" in tables and "150" in tables
    assert "nothing to report" in page.inner_text("#main")
    settings = page.inner_text("#data-settings-heading + dl")
    assert "nationality" in settings and "duo" in settings and "2024-25" in settings

    assert chart_title(page).startswith("Enrolment headcount per academic year, 2015-16 to 2024-25")
    summary = page.inner_text(".chart-summary")
    assert f"from {enrolment_total(2015)} in 2015-16 to {enrolment_total(2024)} in 2024-25" in (
        summary
    )
    assert "2024-25 are provisional" in summary

    look(page, "data")


def test_first_load_stays_on_the_app_host_and_within_budget(page, app_server):
    open_data_page(page, app_server.base_url)

    transfer = page.watch.transfer_bytes()
    print(f"first load of /data: {len(page.watch.transfer)} responses, {transfer:,} bytes")
    assert all(url.startswith(app_server.base_url) for url in page.watch.requests)
    assert transfer < FIRST_LOAD_BUDGET
    # Map outlines would come from the app's own assets (plotly's default is its CDN).
    config = page.evaluate("() => document.querySelector('.js-plotly-plot')._context")
    assert config["topojsonURL"] == "/assets/topojson/"
    assert config["showSendToCloud"] is False and config["displaylogo"] is False
    # The map outlines the KPI pages will draw are where the config says.
    response = page.request.get(f"{app_server.base_url}/assets/topojson/world_110m.json")
    assert response.ok and "countries" in response.json()["objects"]


def test_the_app_works_below_a_path_prefix(prefixed_page, prefixed_app_server):
    page = prefixed_page
    open_data_page(page, prefixed_app_server.base_url, "?from=2020")
    assert page.url.startswith(prefixed_app_server.base_url + "/data?from=2020")
    config = page.evaluate("() => document.querySelector('.js-plotly-plot')._context")
    assert config["topojsonURL"] == "/kpi/assets/topojson/"
    link = page.get_by_role("link", name="Data", exact=True)
    assert link.get_attribute("href") == "/kpi/data?from=2020"
    assert "active" in (link.get_attribute("class") or "")


def test_table_view_lists_the_plotted_numbers(page, app_server, look):
    open_data_page(page, app_server.base_url, "?from=2020&to=2022")

    page.get_by_text("Show the numbers as a table").click()
    grid = page.locator(".chart-table")
    grid.locator(".ag-row").first.wait_for()
    text = grid.inner_text()
    for year in (2020, 2021, 2022):
        assert f"{year}-{(year + 1) % 100:02d}" in text
        assert f"{enrolment_total(year):,}" in text
    assert "2019-20" not in text
    look(page, "data-table-view")


def test_no_database_shows_how_to_load_data(empty_page, empty_app_server, look):
    empty_page.goto(f"{empty_app_server.base_url}/data")
    empty_page.wait_for_selector("#app-no-database")
    settle(empty_page)

    text = empty_page.inner_text("#main")
    assert "No data is loaded yet" in text
    assert "intl-kpi demo" in text and "intl-kpi load" in text
    assert "No data is published yet" in empty_page.inner_text("#app-status-banner")
    look(empty_page, "data-no-database")
