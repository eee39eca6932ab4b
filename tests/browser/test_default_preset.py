"""The default disclosure-control preset (round5) as a person meets it in the browser: every
people count in every download of the KPI pages and in the table views is a multiple of 5,
every rate is the rounded numerator over the rounded denominator, and the data sheet names
the preset. (The other browser tests run the hand-computed fixture under ``duo``.)"""

from __future__ import annotations

import re

import pytest

import app  # noqa: F401 (Dash loads the pages, which declare their charts)
from dashboard import ids
from dashboard.kpis.registry import get_kpi
from dashboard.pages.diversity import CHARTS as DIVERSITY_CHARTS
from dashboard.pages.mobility import CHARTS as MOBILITY_CHARTS
from dashboard.pages.networks import CHARTS as NETWORK_CHARTS
from tests.browser.helpers import by_id, open_page

pytestmark = pytest.mark.browser

PAGES = {"diversity": DIVERSITY_CHARTS, "mobility": MOBILITY_CHARTS, "networks": NETWORK_CHARTS}


def _read_download(page, prefix: str):  # noqa: ANN001, ANN202
    import io

    import pandas as pd

    with page.expect_download() as info:
        page.locator(by_id(ids.chart_download_csv(prefix))).click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    return text, pd.read_csv(io.StringIO(text), comment="#")


@pytest.mark.parametrize("name", PAGES)
def test_every_download_holds_counts_rounded_to_five(default_preset_page, default_preset_app_server,
                                                     name):  # fmt: skip
    page = default_preset_page
    open_page(page, default_preset_app_server.base_url, f"/{name}?from=2019&to=2020")
    checked = 0
    for spec in PAGES[name]:
        if page.locator(by_id(ids.chart_download_csv(spec.prefix))).is_disabled():
            continue
        text, frame = _read_download(page, spec.prefix)
        assert "# Suppression preset: round5" in text, spec.prefix
        for row in frame.to_dict(orient="records"):
            kpi = get_kpi(row["kpi_id"])
            columns = ["numerator", "denominator"] if kpi.counts_people else []
            columns += [m for m, _label, people in kpi.extra_measures if people]
            for column in columns:
                value = row.get(column)
                if value is not None and value == value:
                    assert float(value) % 5 == 0, (spec.prefix, column, row)
                    checked += 1
            if (
                kpi.counts_people
                and kpi.unit == "percent"
                and row.get("value") == row.get("value")
                and row.get("denominator")
            ):
                expected = 100 * row["numerator"] / row["denominator"]
                assert abs(float(row["value"]) - expected) < 1e-6, (spec.prefix, row)
    assert checked > 0


def test_the_table_view_shows_rounded_counts(default_preset_page, default_preset_app_server):
    page = default_preset_page
    open_page(page, default_preset_app_server.base_url, "/mobility?from=2019&to=2019")
    grid = page.locator(by_id(ids.chart_table("mobility-destinations")))
    page.locator("details", has=grid).locator("summary").click()
    poland = grid.locator(".ag-row", has_text="Poland")
    poland.wait_for()
    # Poland's 3 students are shown as 5 (rounded), never as 3.
    cells = [text.strip() for text in poland.locator(".ag-cell").all_inner_texts()]
    assert "5" in cells, cells
    assert not any(re.fullmatch(r"[1-4]", cell) for cell in cells), cells
