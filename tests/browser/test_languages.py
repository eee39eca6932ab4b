"""Dutch and English in Chromium: every page in Dutch with no English left from the catalogue
and numbers in the Dutch format; the language switch, and ``?lang=`` kept across the navbar,
filter changes and reloads; the browser's language as the default; the "Board report (PDF)"
button downloads the report in the page's language."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from dashboard import ids, translations
from dashboard.i18n import use_language
from tests.browser.helpers import PAGES, by_id, choose, open_page, settle

pytestmark = pytest.mark.browser

# Everything a person can read, hidden or not (a folded table view, a tooltip): text nodes,
# the charts' SVG text (titles, axes, legends), and labels read out by screen readers or
# shown on hover. Not: scripts, and the cells of data grids and code, which hold the data's own
# values (file names, table names, the ETL's load notes).
READABLE = """() => {
    const texts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (parent && !parent.closest('script, style, .ag-cell, code, pre')) {
            texts.push(walker.currentNode.textContent);
        }
    }
    document.querySelectorAll('[title],[aria-label],[placeholder]').forEach(node => {
        for (const name of ['title', 'aria-label', 'placeholder']) {
            if (node.getAttribute(name)) texts.push(node.getAttribute(name));
        }
    });
    return texts.join('\\n');
}"""
# Words that never stand alone in Dutch text ("of" does: "or"): English left untranslated
# (in the catalogue or not). Data values (faculty, programme and network names) are the
# university's own and may be English: the fixture's are single words or names without
# these (a file name such as staff.csv is not a word).
ENGLISH_WORDS = re.compile(r"\b(?:the|and|with|from|students|staff|target|share|by)\b(?!\.\w)")


def english_messages() -> list[str]:
    """Catalogue messages whose Dutch differs and that are long enough not to be a name or
    a word both languages share (``Data``, ``partner``)."""
    template = translations.template()
    messages = []
    with use_language("nl"):
        from dashboard.i18n import _

        for message in template:
            text = message.id if isinstance(message.id, str) else None
            if not text or len(text) < 12 or " " not in text or "{" in text:
                continue
            if text not in _(text):  # kept in the Dutch too (a name, a loan word): fine
                messages.append(text)
    return messages


def test_every_page_in_dutch_has_no_english_left(page, app_server, look):
    messages = english_messages()
    assert len(messages) > 250
    for name, (path, ready) in PAGES.items():
        open_page(page, app_server.base_url, f"{path}?lang=nl", ready)
        assert page.get_attribute("html", "lang") == "nl"
        text = page.evaluate(READABLE)
        left = [message for message in messages if message in text]
        assert not left, (name, left[:5])
        words = sorted({match.group(0) for match in ENGLISH_WORDS.finditer(text)})
        assert not words, (name, words, _around(text, ENGLISH_WORDS))
        look(page, f"dutch-{name}")


def _around(text: str, pattern: re.Pattern) -> list[str]:
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in pattern.finditer(text)][:5]


# The separators of every chart that draws data (an empty selection's hidden graph has none).
DRAWN_SEPARATORS = """() => [...document.querySelectorAll('.js-plotly-plot')]
    .filter(graph => graph.data && graph.data.length)
    .map(graph => graph.layout.separators)"""


def test_numbers_are_written_the_dutch_way(page, app_server):
    open_page(page, app_server.base_url, "/?lang=nl", ".kpi-card")
    values = page.locator(".kpi-card .kpi-value").all_inner_texts()
    percentages = [value for value in values if value.endswith("%")]
    assert percentages, values
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*,\d%", value) for value in percentages), values
    open_page(page, app_server.base_url, "/mobility?lang=nl")
    separators = page.evaluate(DRAWN_SEPARATORS)
    assert separators and set(separators) == {",."}, separators
    # A rate's tick labels use the decimal comma (0,5 where English writes 0.5).
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .ytick text')]"
        ".map(t => t.textContent)"
    )
    assert not [tick for tick in ticks if re.fullmatch(r"\d+\.\d+%?", tick)], ticks
    open_page(page, app_server.base_url, "/mobility")
    english = page.evaluate(DRAWN_SEPARATORS)
    assert set(english) == {".,"}


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_the_language_switch_and_lang_kept_across_navigation(page, app_server):
    open_page(page, app_server.base_url, "/mobility?faculty=Science")
    assert page.inner_text("h1") == "Mobility"
    _switch(page, "nl")
    assert page.inner_text("h1") == "Mobiliteit"
    assert _query(page) == {"faculty": ["Science"], "lang": ["nl"]}
    assert page.get_attribute("html", "lang") == "nl"
    # The navbar keeps the language (and the selection) on the next page.
    page.get_by_role("link", name="Diversiteit").click()
    page.wait_for_url(re.compile(r"/diversity\?"))
    page.wait_for_selector("#main .main-svg")
    settle(page)
    assert page.inner_text("h1") == "Nationaliteitsdiversiteit"
    assert _query(page)["lang"] == ["nl"]
    page.reload()
    page.wait_for_selector("#main .main-svg")
    settle(page)
    assert page.inner_text("h1") == "Nationaliteitsdiversiteit"
    # A filter change writes the selection into the URL and keeps the language.
    choose(page, ids.FILTER_FACULTY, "Humanities")
    page.wait_for_url(re.compile(r"Humanities"))
    settle(page)
    assert _query(page)["lang"] == ["nl"]
    # The charts redrawn by that change are Dutch too (their titles come from callbacks).
    titles = page.locator(".chart-card h2, .chart-card h3").all_inner_texts()
    assert titles and not [t for t in titles if ENGLISH_WORDS.search(t)], titles
    # And back to English, straight after the change: the switch carries the new selection.
    _switch(page, "en")
    assert page.inner_text("h1") == "Nationality diversity"
    assert "Humanities" in _query(page)["faculty"]


def _switch(page, language: str) -> None:  # noqa: ANN001 (playwright Page)
    """Click the navbar's link to ``language`` and wait for the page in it."""
    page.locator(by_id(ids.language_link(language))).click()
    page.wait_for_url(re.compile(rf"lang={language}"))
    page.wait_for_selector("#main .main-svg")
    settle(page)


def test_the_browsers_language_is_the_default(dutch_browser_page, app_server):
    open_page(dutch_browser_page, app_server.base_url, "/", ".kpi-card")
    assert dutch_browser_page.inner_text("h1") == "Overzicht"
    assert dutch_browser_page.get_attribute("html", "lang") == "nl"
    # A link that names a language wins over the browser's.
    open_page(dutch_browser_page, app_server.base_url, "/?lang=en", ".kpi-card")
    assert dutch_browser_page.inner_text("h1") == "Overview"


@pytest.mark.parametrize(
    ("language", "button", "summary"),
    [("en", "Board report (PDF)", "Of "), ("nl", "Bestuursrapportage (PDF)", "Van de ")],
)
def test_the_pdf_button_downloads_the_report_in_the_pages_language(
    page, app_server, language, button, summary
):
    open_page(page, app_server.base_url, f"/?lang={language}", ".kpi-card")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click()
    content = info.value.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )
    assert summary in text
