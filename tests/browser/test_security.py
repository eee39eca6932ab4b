"""Security headers and the Content-Security-Policy in a real browser (issue 9): every page
loads and draws its charts under the strict policy with no violation and no console error,
the policy really blocks an inline script, and a network named as an HTML link is drawn as
text, not as a link, in every chart.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard import ids
from tests.browser.conftest import AppServer, _open_page, _start_app, _stop_app
from tests.browser.helpers import by_id, download_csv, open_page, settle
from tests.dashboard.hostile_database import HOSTILE_NETWORK, build_hostile_database

pytestmark = pytest.mark.browser

PAGES = {
    "/": ".kpi-card",
    "/diversity": ".js-plotly-plot .main-svg",
    "/mobility": ".js-plotly-plot .main-svg",
    "/networks": ".js-plotly-plot .main-svg",
    "/data": ".js-plotly-plot .main-svg",
    "/no-such-page": "h1",
}
# Collects CSP violations from the first moment of every document (an init script runs
# through the DevTools protocol, so the policy does not apply to it).
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def test_every_page_draws_under_the_strict_policy_with_every_header(page, app_server):
    page.add_init_script(WATCH_VIOLATIONS)
    for path, ready in PAGES.items():
        response = page.goto(app_server.url(path))
        headers = response.headers
        policy = _directives(headers["content-security-policy"])
        assert "'unsafe-eval'" not in " ".join(sum(policy.values(), [])), path
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert any(source.startswith("'sha256-") for source in policy["script-src"]), path
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        page.wait_for_selector(ready)
        settle(page)
        if ready.endswith("main-svg"):
            drawn = page.locator(".js-plotly-plot .main-svg .trace, .choroplethlayer path")
            assert drawn.count() > 0, f"{path}: no chart drew"
        assert page.evaluate("window.__cspViolations") == [], path
    # The page fixture fails the test on any console error (a CSP report is one).


def test_callback_answers_carry_the_headers_too(page, app_server):
    answers = []
    page.on(
        "response",
        lambda response: (
            answers.append(response) if "_dash-update-component" in response.url else None
        ),
    )
    open_page(page, app_server.base_url, "/data")
    assert answers
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_the_policy_blocks_an_injected_inline_script(page, app_server):
    page.add_init_script(WATCH_VIOLATIONS)
    open_page(page, app_server.base_url, "/data")
    ran = page.evaluate(
        """() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.appendChild(script);
        return window.__injected === true;
    }"""
    )
    assert ran is False
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
    # Expected: the browser reports the blocked script as a console error.
    page.watch.errors[:] = [e for e in page.watch.errors if "Content Security Policy" not in e]


def test_downloads_and_the_chart_image_work_under_the_policy(page, app_server):
    page.add_init_script(WATCH_VIOLATIONS)
    open_page(page, app_server.base_url, "/data")
    frame = download_csv(page, ids.DATA_ENROLMENT_CHART)
    assert len(frame) > 0
    with page.expect_download() as excel:
        page.locator(by_id(ids.chart_download_excel(ids.DATA_ENROLMENT_CHART))).click()
    assert excel.value.path().read_bytes()[:2] == b"PK"
    # plotly's "Download plot as a PNG" builds the image from data: and blob: URLs.
    graph = page.locator(by_id(ids.chart_graph(ids.DATA_ENROLMENT_CHART)))
    graph.hover()
    with page.expect_download() as image:
        graph.locator(".modebar-btn[data-title^='Download plot']").click()
    assert image.value.path().read_bytes()[:4] == b"\x89PNG"
    assert page.evaluate("window.__cspViolations") == []


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("hostile-browser-db")
    database = build_hostile_database(folder / "intl_kpi.duckdb", folder / "input")
    server = _start_app(database, folder / "app.log")
    yield server
    _stop_app(server)


@pytest.fixture
def hostile_page(browser, hostile_server: AppServer) -> Iterator:  # noqa: ANN001
    yield from _open_page(browser, hostile_server)


def test_a_network_named_as_a_link_is_drawn_as_text(hostile_page, hostile_server):
    page = hostile_page
    open_page(page, hostile_server.base_url, "/networks?from=2015&to=2024")
    graphs = page.locator(".js-plotly-plot")
    # plotly draws a link in its SVG as an <a> element: there must be none.
    assert page.locator(".js-plotly-plot svg a").count() == 0
    shown = [text for text in graphs.all_text_contents() if "Official report" in text]
    # The timeline's and the participants chart's axes (the activities chart has a single
    # series, so no legend).
    assert len(shown) >= 2, shown
    assert all(HOSTILE_NETWORK in text for text in shown)
    # The hover label too: hover the participants bar of the network.
    card = page.locator("[id*='networks-participants'][id*='chart-graph']")
    bar = card.locator(".trace.bars .point path").first
    bar.hover(force=True)
    hover = card.locator(".hoverlayer")
    hover.wait_for(state="attached")
    if "Official report" in hover.text_content():
        assert HOSTILE_NETWORK in hover.text_content()
        assert hover.locator("a").count() == 0
