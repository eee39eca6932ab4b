"""Issue 13 in a real browser: "Download everything" gives the workbook under the policy, the
API answers JSON in the same origin, and plotly's modebar takes no Tab stops."""

from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.exports import read_workbook
from tests.browser.helpers import open_data_page, open_page

pytestmark = pytest.mark.browser


def test_download_everything_gives_the_workbook(page, app_server, tmp_path):
    open_data_page(page, app_server.base_url, "?from=2019&to=2020&faculty=Science")
    with page.expect_download() as info:
        page.click(f"#{ids.DATA_WORKBOOK_BUTTON}")
    assert info.value.suggested_filename == "intl-kpi-all-kpis.xlsx"
    path = tmp_path / "all.xlsx"
    info.value.save_as(path)
    sheets = read_workbook(path)
    assert list(sheets)[:3] == ["Diversity", "Mobility", "Networks"]
    assert set(sheets["Mobility"]["academic_year_label"]) == {"2019-20", "2020-21"}
    data = dict(zip(sheets["Data sheet"]["item"], sheets["Data sheet"]["value"], strict=True))
    assert data["Scope"] == "faculty Science"
    assert page.evaluate("window.__cspViolations || []") == []


def test_the_api_answers_in_the_browser(page, app_server):
    response = page.goto(app_server.base_url + "/api/v1/kpis?kpi=intl_share_master&year=2019")
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert '"academic_year_label": "2019-20"' in page.inner_text("body")


def _tab_stops(page, limit: int = 400) -> list[str]:
    """What Tab visits from the top of the page, as ``tag.class`` strings."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.focus("body")
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(
            "(() => { const e = document.activeElement; if (e === document.body) return '';"
            " return e.tagName + '.' + (e.className.baseVal ?? e.className); })()"
        )
        if not name or (seen and name == seen[0] and len(seen) > 5):
            break
        seen.append(name)
    return seen


def test_the_modebar_takes_no_tab_stop(page, app_server):
    open_page(page, app_server.base_url, "/mobility")
    buttons = page.locator(".modebar-btn")
    assert buttons.count() >= 6  # plotly drew toolbars
    assert page.locator(".modebar-btn:not([tabindex='-1'])").count() == 0
    stops = _tab_stops(page)
    assert not [stop for stop in stops if "modebar-btn" in stop]
    # On purpose: Alt+M inside a chart card focuses its toolbar; arrows move along it.
    page.locator(".chart-card button:has-text('CSV')").first.focus()
    page.keyboard.press("Alt+m")
    first = page.evaluate("document.activeElement.getAttribute('data-title')")
    assert first
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.getAttribute('data-title')")
    assert second and second != first
