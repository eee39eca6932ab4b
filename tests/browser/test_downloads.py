"""Chart downloads in a real browser: the files hold exactly the plotted numbers and a data
sheet that says what they are."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from dashboard import ids
from tests.browser.helpers import by_id, open_data_page
from tests.dashboard.fixture_database import enrolment_total

pytestmark = pytest.mark.browser


def _button(page, component_id: dict):  # noqa: ANN001, ANN202
    return page.locator(by_id(component_id))


def test_csv_download_holds_the_plotted_rows_and_the_data_sheet(page, app_server, tmp_path):
    open_data_page(page, app_server.base_url, "?from=2018&to=2020&basis=nationality")

    with page.expect_download() as info:
        _button(page, ids.chart_download_csv(ids.DATA_ENROLMENT_CHART)).click()
    download = info.value
    assert download.suggested_filename == "enrolment-per-year.csv"
    path = tmp_path / "download.csv"
    download.save_as(path)

    text = path.read_text(encoding="utf-8-sig")
    assert "# Measure: Enrolment headcount per academic year" in text
    assert "# Filters: 2018-19 to 2020-21" in text
    assert "# Suppression preset: duo" in text
    assert "# Data version: 1" in text
    assert "# Provisional years: 2024-25" in text
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert list(frame["academic_year_label"]) == ["2018-19", "2019-20", "2020-21"]
    assert list(frame["headcount"]) == [enrolment_total(y) for y in (2018, 2019, 2020)]


def test_excel_download_has_a_data_sheet(page, app_server, tmp_path):
    open_data_page(page, app_server.base_url, "?from=2023&to=2024")

    with page.expect_download() as info:
        _button(page, ids.chart_download_excel(ids.DATA_ENROLMENT_CHART)).click()
    path = tmp_path / "download.xlsx"
    info.value.save_as(path)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Data", "Data sheet"]
    rows = list(workbook["Data"].iter_rows(values_only=True))
    assert rows[0] == ("academic_year_label", "population", "headcount", "provisional")
    assert rows[1:] == [
        ("2023-24", "enrolled", enrolment_total(2023), False),
        ("2024-25", "enrolled", enrolment_total(2024), True),
    ]
    sheet = dict(workbook["Data sheet"].iter_rows(min_row=2, values_only=True))
    assert sheet["Filters"].startswith("2023-24 to 2024-25")
    assert sheet["Data version"] == "1"
    assert sheet["Provisional years"] == "2024-25"
