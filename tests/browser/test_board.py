"""The board's overview in Chromium (issue 13, parts 2 and 4, and print): the summary's
counts equal the statuses on the cards; on a 390x844 phone the navbar folds and the summary
is on the first screen; printed to A4 PDF the overview has no navbar or filter bar, its
sparklines stay inside their cards and no card is split across pages.

Screenshots and the PDF's pages as PNGs go to ``tests/screenshots/board-*.png`` to be
looked at.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from dashboard import board, ids
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import open_page, settle

PHONE = {"width": 390, "height": 844}
# A4 at 96 CSS pixels per inch: 210 mm x 297 mm.
A4_HEIGHT_PX = 297 / 25.4 * 96


def _open_overview(page, base_url: str, path: str = "/") -> None:  # noqa: ANN001
    open_page(page, base_url, path, ".kpi-card .main-svg")


def test_summary_counts_equal_the_cards_and_cards_show_change_and_commentary(
    page, app_server, look
):
    _open_overview(page, app_server.base_url)
    summary = page.locator("#overview-board-summary")
    expect(summary).to_contain_text("At risk: fair progress")
    total = 0
    for group in board.SUMMARY_GROUPS:
        tile = page.locator(f"#overview-summary-{group}")
        on_cards = page.locator(f".kpi-card [data-summary-group='{group}']").count()
        if tile.count() == 0:
            assert group == board.NOT_SCORED and on_cards == 0
            continue
        shown = int(tile.get_attribute("data-count"))
        assert shown == on_cards, group
        assert tile.locator(".board-count-number").inner_text() == str(shown)
        total += shown
    assert f"Board summary: {total} targets" in summary.inner_text()
    card = page.locator("#overview-card-intl_share_master")
    # The fixture's latest complete year is 2023-24; 2022-23 is there to compare with.
    expect(card.locator(".kpi-change")).to_contain_text("since 2022-23")
    expect(card.locator(".kpi-change")).to_contain_text("pp")
    # data/commentary.csv's example entry for this KPI and year, with its author and date.
    expect(card.locator(".kpi-commentary")).to_contain_text("EXAMPLE")
    expect(card.locator(".kpi-commentary figcaption")).to_contain_text("14 March 2025")
    look(page, "board-overview")


def test_on_a_phone_the_navbar_folds_and_the_summary_is_on_the_first_screen(page, app_server):
    page.set_viewport_size(PHONE)
    _open_overview(page, app_server.base_url)
    toggler = page.locator(f"#{ids.APP_NAVBAR_TOGGLER}")
    expect(toggler).to_be_visible()
    mobility = page.get_by_role("link", name="Mobility", exact=True)
    expect(mobility).to_be_hidden()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "board-phone-first-screen.png"))
    counts = page.locator(".board-counts").bounding_box()
    assert counts is not None and counts["y"] + counts["height"] <= PHONE["height"], counts
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    toggler.click()
    expect(mobility).to_be_visible()
    page.wait_for_selector(f"#{ids.APP_NAVBAR_COLLAPSE}.show")
    page.wait_for_timeout(400)  # the opening transition, for the screenshot
    page.screenshot(path=str(SCREENSHOTS / "board-phone-menu-open.png"))
    mobility.click()
    page.wait_for_url("**/mobility**")
    settle(page)
    expect(mobility).to_be_hidden()  # the menu closes on the new page


def test_printed_overview_is_clean_a4(page, app_server):
    _open_overview(page, app_server.base_url)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.wait_for_timeout(500)  # plotly's responsive resize
    expect(page.locator(".app-navbar")).to_be_hidden()
    expect(page.locator(".filter-bar")).to_be_hidden()
    expect(page.locator("#overview-board-summary")).to_be_visible()
    # Paper gets the scalable copy of each sparkline, inside its card's edges.
    expect(page.locator(".kpi-sparkline").first).to_be_hidden()
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.kpi-card')].map(card => {
            const box = card.getBoundingClientRect();
            const line = card.querySelector('.kpi-sparkline-print').getBoundingClientRect();
            return {id: card.id, width: line.width, left: line.left - box.left,
                    right: box.right - line.right};
        })"""
    )
    assert overflow and all(
        o["width"] > 100 and o["left"] >= 0 and o["right"] >= 0 for o in overflow
    ), overflow
    breaks = page.evaluate(
        "[...document.querySelectorAll('.kpi-card')].map(c => getComputedStyle(c).breakInside)"
    )
    assert set(breaks) == {"avoid"}

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SCREENSHOTS / "board-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed: the PDF's pages are not rendered to PNG")
    for old in SCREENSHOTS.glob("board-print-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "board-print")], check=True
    )
    pages = sorted(SCREENSHOTS.glob("board-print-*.png"))
    assert 1 <= len(pages) <= 4, len(pages)
