"""Small actions the browser tests share: wait for Dash to settle, pick dropdown options."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from dashboard import ids

# Every page: its path and a selector that shows once it is drawn.
PAGES = {
    "overview": ("/", ".kpi-card"),
    "diversity": ("/diversity", ".js-plotly-plot .main-svg"),
    "mobility": ("/mobility", ".js-plotly-plot .main-svg"),
    "networks": ("/networks", ".js-plotly-plot .main-svg"),
    "data": ("/data", ".js-plotly-plot .main-svg"),
}


def settle(page) -> None:  # noqa: ANN001 (playwright Page)
    """Wait until the network is quiet and Dash has no callback in flight."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.title.startsWith('Updating')")
    page.wait_for_load_state("networkidle")


def open_data_page(page, base_url: str, query: str = "") -> None:  # noqa: ANN001
    """Open the Data page and wait for its chart."""
    page.goto(f"{base_url}/data{query}")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    settle(page)


def query_of(page) -> dict[str, list[str]]:  # noqa: ANN001
    return parse_qs(urlsplit(page.url).query)


def choose(page, dropdown_id: str, option: str) -> None:  # noqa: ANN001
    """Pick ``option`` in a (multi) ``dcc.Dropdown`` and close it."""
    page.click(f"#{dropdown_id}")
    page.locator("[role=listbox]").get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def dropdown_options(page, dropdown_id: str) -> list[str]:  # noqa: ANN001
    """The option labels a ``dcc.Dropdown`` offers (opens and closes it)."""
    page.click(f"#{dropdown_id}")
    labels = page.locator("[role=listbox] [role=option]").all_inner_texts()
    page.keyboard.press("Escape")
    return [label.strip() for label in labels]


def by_id(component_id: dict) -> str:
    """A CSS selector for a pattern-matching id (Dash writes it as sorted, compact JSON)."""
    return "[id='" + json.dumps(component_id, sort_keys=True, separators=(",", ":")) + "']"


def chart_title(page) -> str:  # noqa: ANN001
    return page.inner_text(by_id(ids.chart_title(ids.DATA_ENROLMENT_CHART)))


def open_page(page, base_url: str, path: str, ready: str = "#main .main-svg") -> None:  # noqa: ANN001
    """Open ``path`` (with its query) and wait until ``ready`` shows and Dash settles."""
    page.goto(base_url + path)
    page.wait_for_selector(ready)
    settle(page)


def download_csv(page, prefix: str):  # noqa: ANN001, ANN201 (a pandas DataFrame)
    """Click a chart card's CSV button and read the file (its ``#`` data-sheet lines
    skipped)."""
    import io

    import pandas as pd

    with page.expect_download() as info:
        page.locator(by_id(ids.chart_download_csv(prefix))).click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    return pd.read_csv(io.StringIO(text), comment="#")


def plotted_traces(page, prefix: str) -> list[dict]:  # noqa: ANN001
    """What the chart's Plotly figure holds in the browser: per trace its locations, x, y,
    z, text and customdata (everything a hover label can show)."""
    return page.evaluate(
        """(selector) => {
            const graph = document.querySelector(selector + ' .js-plotly-plot')
                || document.querySelector(selector);
            return (graph.data || []).map(t => ({
                type: t.type, locations: t.locations || null, x: t.x || null, y: t.y || null,
                z: t.z || null, text: t.text || null, hovertext: t.hovertext || null,
                customdata: t.customdata || null}));
        }""",
        by_id(ids.chart_graph(prefix)),
    )
