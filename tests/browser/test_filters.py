"""The filter bar in a real browser: every control writes the URL, the URL restores the
controls (reload, back button, copied link), bad links show a notice, links keep the query."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard import ids
from tests.browser.helpers import (
    chart_title,
    choose,
    dropdown_options,
    open_data_page,
    query_of,
    settle,
)

pytestmark = pytest.mark.browser


def test_each_filter_writes_the_url(page, app_server):
    open_data_page(page, app_server.base_url)
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2015"

    page.select_option(f"#{ids.FILTER_YEAR_FROM}", "2017")
    page.wait_for_url(re.compile(r"from=2017"))
    settle(page)
    assert chart_title(page).startswith("Enrolment headcount per academic year, 2017-18 to")

    page.select_option(f"#{ids.FILTER_YEAR_TO}", "2021")
    page.wait_for_url(re.compile(r"to=2021"))

    choose(page, ids.FILTER_FACULTY, "Science")
    page.wait_for_url(re.compile(r"faculty=Science"))
    settle(page)
    # The programme list follows the faculty, grouped by cycle (issue 13).
    assert dropdown_options(page, ids.FILTER_PROGRAMME) == [
        "Physics (bachelor, 50002)",
        "Astronomy (master, 60002)",
        "PhD programme Science (PhD, 70001)",
    ]

    choose(page, ids.FILTER_PROGRAMME, "Physics (bachelor, 50002)")
    page.wait_for_url(re.compile(r"programme=50002"))

    page.get_by_role("checkbox", name="master").check()
    page.wait_for_url(re.compile(r"cycle=master"))

    page.get_by_role("radio", name="country of prior education").check()
    page.wait_for_url(re.compile(r"basis=prior_education"))
    settle(page)

    assert query_of(page) == {
        "from": ["2017"],
        "to": ["2021"],
        "faculty": ["Science"],
        "programme": ["50002"],
        "cycle": ["master"],
        "basis": ["prior_education"],
    }
    # Choosing another faculty drops the programme that is not part of it.
    choose(page, ids.FILTER_FACULTY, "Science")  # deselect
    choose(page, ids.FILTER_FACULTY, "Law")
    page.wait_for_url(re.compile(r"faculty=Law"))
    settle(page)
    assert "programme" not in query_of(page)


def test_reload_and_a_copied_link_keep_the_selection(page, app_server, look):
    query = "?from=2016&to=2019&faculty=Law&programme=60001&cycle=master&basis=both"
    open_data_page(page, app_server.base_url, query)
    page.reload()
    page.wait_for_selector(".js-plotly-plot .main-svg")
    settle(page)

    assert page.url.endswith("/data" + query)
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2016"
    assert page.input_value(f"#{ids.FILTER_YEAR_TO}") == "2019"
    assert "Law" in page.inner_text(f"#{ids.FILTER_FACULTY}")
    assert "International Law" in page.inner_text(f"#{ids.FILTER_PROGRAMME}")
    assert page.get_by_role("checkbox", name="master").is_checked()
    assert page.get_by_role("radio", name="nationality and prior education").is_checked()
    assert chart_title(page).startswith("Enrolment headcount per academic year, 2016-17 to 2019-20")
    expect(page.locator(f"#{ids.FILTER_NOTICE}")).to_be_hidden()
    look(page, "data-filtered")


def test_back_button_restores_the_previous_selection(page, app_server):
    open_data_page(page, app_server.base_url, "?from=2015&to=2024&basis=nationality")

    page.select_option(f"#{ids.FILTER_YEAR_FROM}", "2018")
    page.wait_for_url(re.compile(r"from=2018"))
    settle(page)
    choose(page, ids.FILTER_FACULTY, "Humanities")
    page.wait_for_url(re.compile(r"faculty=Humanities"))
    settle(page)

    page.go_back()
    page.wait_for_url(lambda url: "faculty=" not in url and "from=2018" in url)
    settle(page)
    assert "Humanities" not in page.inner_text(f"#{ids.FILTER_FACULTY}")
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2018"

    page.go_back()
    page.wait_for_url(re.compile(r"from=2015"))
    settle(page)
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2015"
    assert chart_title(page).startswith("Enrolment headcount per academic year, 2015-16 to")

    page.go_forward()
    page.wait_for_url(re.compile(r"from=2018"))
    settle(page)
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2018"


def test_a_malformed_link_shows_a_notice_and_defaults(page, app_server, look):
    open_data_page(
        page,
        app_server.base_url,
        "?from=abc&to=2040&faculty=Nope&programme=99999&cycle=xyz&basis=zzz&unknown=1",
    )
    notice = page.inner_text(f"#{ids.FILTER_NOTICE}")
    for fragment in (
        "'abc' is not an academic year",
        "no data for 2040-41",
        "faculty 'Nope'",
        "code '99999'",
        "'xyz' is not a cycle",
        "'zzz' is not an international",
    ):
        assert fragment.lower() in notice.lower(), fragment
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2015"
    assert page.input_value(f"#{ids.FILTER_YEAR_TO}") == "2024"
    assert page.get_by_role("radio", name="nationality", exact=True).is_checked()
    look(page, "data-malformed-link")

    # Changing a filter replaces the bad link with a clean one and clears the notice.
    page.select_option(f"#{ids.FILTER_YEAR_FROM}", "2016")
    page.wait_for_url(re.compile(r"from=2016"))
    settle(page)
    expect(page.locator(f"#{ids.FILTER_NOTICE}")).to_be_hidden()
    assert query_of(page)["unknown"] == ["1"], "keys the filter bar does not own are kept"


def test_navbar_links_carry_the_selection(page, app_server):
    open_data_page(page, app_server.base_url)
    page.select_option(f"#{ids.FILTER_YEAR_FROM}", "2019")
    page.wait_for_url(re.compile(r"from=2019"))
    settle(page)

    link = page.get_by_role("link", name="Data", exact=True)
    assert link.get_attribute("href") == "/data?from=2019&to=2024&basis=nationality"
    assert "active" in (link.get_attribute("class") or "")
    link.click()
    settle(page)
    assert page.input_value(f"#{ids.FILTER_YEAR_FROM}") == "2019"


def test_filters_work_from_the_keyboard(page, app_server):
    open_data_page(page, app_server.base_url)

    page.focus(f"#{ids.FILTER_YEAR_TO}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == ids.FILTER_FACULTY, "Tab reaches the faculty dropdown's button"
    page.keyboard.press("Enter")
    listbox = page.locator("[role=listbox]")
    listbox.wait_for()
    page.keyboard.type("Hum")
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"faculty=Humanities"))
    settle(page)

    page.get_by_role("checkbox", name="PhD").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"cycle=phd"))
