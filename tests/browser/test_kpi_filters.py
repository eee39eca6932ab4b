"""The filter bar on the KPI pages in a real browser: each filter redraws the charts with the
numbers worked out by hand for the fixture database (tests/dashboard/fixture_database.py), a
copied link opens the same selection and numbers in a new browser, the back button restores
the previous numbers, a malformed link shows a notice while the charts still draw, and an
Excel download holds the query layer's rows.

Enrolled students per programme in year y: (40 + 10 + 5) + 3 * (y - 2015), so 67 in 2019-20
and 70 in 2020-21; five programmes (Science: Physics, Astronomy, PhD). The 13 outgoing study
stays a year are all from Physics (bachelor).
"""

from __future__ import annotations

import re

import duckdb
import openpyxl
import pytest
from playwright.sync_api import expect

from dashboard import ids
from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, kpi_frame
from tests.browser.helpers import by_id, choose, download_csv, open_page, query_of, settle
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION

pytestmark = pytest.mark.browser


def _counts(frame) -> list[tuple[int, int]]:  # noqa: ANN001
    return [(int(n), int(d)) for n, d in zip(frame["numerator"], frame["denominator"], strict=True)]


def _changed(page, pattern: str) -> None:  # noqa: ANN001
    page.wait_for_url(re.compile(pattern))
    settle(page)


def _title(page, prefix: str):  # noqa: ANN001, ANN202
    return page.locator(by_id(ids.chart_title(prefix)))


def test_each_filter_redraws_the_mobility_numbers(page, app_server, fixture_database, tmp_path):
    open_page(page, app_server.base_url, "/mobility?from=2019&to=2019")
    # Outgoing participation: the 13 study stays of 2019-20 per 5 x 67 enrolled students.
    assert _counts(download_csv(page, "mobility-participation")) == [(13, 335)]

    # Excel download of the CEE share equals the query layer: Poland's 3 students and 2
    # staff of 42 mobilities with a known partner country (students 19 out + 13 in, staff
    # 7 out + 3 in).
    with page.expect_download() as info:
        page.locator(by_id(ids.chart_download_excel("mobility-cee"))).click()
    info.value.save_as(tmp_path / "cee.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "cee.xlsx")["Data"].iter_rows(values_only=True))
    header, data = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    connection = duckdb.connect(str(fixture_database), read_only=True)
    try:
        expected = kpi_frame(
            connection.cursor(), "cee_neighbourhood_share", FilterState(2019, 2019), None,
            QueryContext(suppression=FIXTURE_SUPPRESSION),
        )  # fmt: skip
    finally:
        connection.close()
    assert "numerator" in header and "value" in header
    assert [(r["kpi_id"], r["numerator"], r["denominator"]) for r in data] == list(
        zip(expected["kpi_id"], expected["numerator"], expected["denominator"], strict=True)
    )
    assert [round(r["value"], 6) for r in data] == [round(v, 6) for v in expected["value"]]
    assert [(r["numerator"], r["denominator"]) for r in data] == [(5, 42)]

    page.select_option(f"#{ids.FILTER_YEAR_TO}", "2020")
    _changed(page, r"to=2020")
    assert _counts(download_csv(page, "mobility-participation")) == [(13, 335), (13, 350)]

    choose(page, ids.FILTER_FACULTY, "Science")
    _changed(page, r"faculty=Science")
    expect(_title(page, "mobility-participation")).to_contain_text("faculty Science")
    assert _counts(download_csv(page, "mobility-participation")) == [(13, 201), (13, 210)]

    page.get_by_role("checkbox", name="bachelor").check()
    _changed(page, r"cycle=bachelor")
    frame = download_csv(page, "mobility-participation")
    assert _counts(frame) == [(13, 67), (13, 70)]  # Physics alone
    assert [round(v, 2) for v in frame["value"]] == [19.4, 18.57]

    page.get_by_role("checkbox", name="bachelor").uncheck()
    page.wait_for_url(lambda url: "cycle=" not in url)
    settle(page)
    choose(page, ids.FILTER_PROGRAMME, "Astronomy (master, 60002)")
    _changed(page, r"programme=60002")
    expect(_title(page, "mobility-participation")).to_contain_text("Astronomy")
    # Astronomy sends no one: 0 of its 70 students, and no destination to map.
    assert _counts(download_csv(page, "mobility-participation")) == [(0, 67), (0, 70)]
    expect(page.locator(by_id(ids.chart_empty("mobility-destinations")))).to_be_visible()


def test_a_copied_link_and_the_back_button_on_a_kpi_page(browser_page_factory):
    page = browser_page_factory()
    open_page(page, page.base_url, "/diversity?from=2019&to=2019")
    prefix = "diversity-share-by-cycle"
    # 2019-20, per programme 44 NL, 14 DE and 9 IN students; two bachelor programmes, two
    # master's, one PhD.
    assert _counts(download_csv(page, prefix)) == [(46, 134), (46, 134), (23, 67)]

    # By prior education the Germans (schooled in the Netherlands) are home: 9 of 67.
    page.get_by_role("radio", name="country of prior education").check()
    _changed(page, r"basis=prior_education")
    expect(_title(page, prefix)).to_contain_text("prior education")
    assert _counts(download_csv(page, prefix)) == [(18, 134), (18, 134), (9, 67)]

    choose(page, ids.FILTER_FACULTY, "Science")
    _changed(page, r"faculty=Science")
    before = download_csv(page, prefix)
    assert _counts(before) == [(9, 67), (9, 67), (9, 67)]
    title = _title(page, prefix).inner_text()

    # The link, opened in another browser (no shared storage), shows the same.
    other = browser_page_factory()
    open_page(other, "", page.url)
    assert query_of(other) == query_of(page)
    assert other.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2019"
    assert other.input_value(f"#{ids.FILTER_YEAR_TO}") == "2019"
    assert "Science" in other.inner_text(f"#{ids.FILTER_FACULTY}")
    assert other.get_by_role("radio", name="country of prior education").is_checked()
    assert _title(other, prefix).inner_text() == title
    after = download_csv(other, prefix)
    assert after.to_dict(orient="records") == before.to_dict(orient="records")

    # Back: the faculty goes, then the basis; the numbers follow.
    page.go_back()
    page.wait_for_url(lambda url: "faculty=" not in url and "basis=prior_education" in url)
    settle(page)
    assert "Science" not in page.inner_text(f"#{ids.FILTER_FACULTY}")
    assert _counts(download_csv(page, prefix)) == [(18, 134), (18, 134), (9, 67)]
    page.go_back()
    page.wait_for_url(lambda url: "basis=prior_education" not in url)
    settle(page)
    assert page.get_by_role("radio", name="nationality", exact=True).is_checked()
    assert _counts(download_csv(page, prefix)) == [(46, 134), (46, 134), (23, 67)]


def test_a_malformed_link_on_a_kpi_page_shows_a_notice_and_the_charts(page, app_server, look):
    open_page(page, app_server.base_url, "/networks?from=abc&to=2040&faculty=Nope&cycle=xyz")
    notice = page.locator(f"#{ids.FILTER_NOTICE}")
    expect(notice).to_be_visible()
    for fragment in ("'abc' is not an academic year", "faculty 'Nope'", "'xyz' is not a cycle"):
        expect(notice).to_contain_text(fragment, ignore_case=True)
    # The charts still draw, for the defaults: every year, every faculty.
    expect(_title(page, "networks-activities")).to_contain_text("2015-16 to 2024-25")
    expect(_title(page, "networks-activities")).to_contain_text("all faculties")
    frame = download_csv(page, "networks-activities")
    # One LERU summer school a year.
    assert list(frame["numerator"]) == [1] * 10
    assert page.locator(by_id(ids.chart_graph("networks-timeline")) + " .main-svg").count() > 0
    look(page, "networks-malformed-link")
