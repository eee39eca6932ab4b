"""The app shell as Dash serves it (Flask test client, no browser): the page template, local
assets only, every page renders with and without data, and every callback's components exist
where the browser will look for them."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest

from dashboard import runtime
from dashboard.components.page import shell_filter_bar
from dashboard.ids import FILTER_STATE


@pytest.fixture(scope="module")
def dash_app(fixture_database: Path) -> Iterator[dash.Dash]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTL_KPI_DATABASE", str(fixture_database))
        runtime.settings.cache_clear()
        app_module = importlib.import_module("app")
        yield app_module.app
    runtime.settings.cache_clear()


@pytest.fixture(scope="module")
def client(dash_app: dash.Dash):
    return dash_app.server.test_client()


def test_the_page_template_is_offline_and_labelled(client):
    html = client.get("/data").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<title>International KPIs</title>" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the template links its scripts and styles"
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    for asset in ("/assets/vendor/bootstrap.min.css", "/assets/fonts.css", "/assets/app.css"):
        assert any(url.startswith(asset) for url in urls), asset


def test_fonts_css_only_points_at_self_hosted_files():
    css = (Path(__file__).parents[2] / "dashboard" / "assets" / "fonts.css").read_text()
    sources = re.findall(r'url\("([^"]+)"\)', css)
    assert sources and all(source.startswith("fonts/inter-") for source in sources)
    for source in sources:
        assert (Path(__file__).parents[2] / "dashboard" / "assets" / source).is_file()


def _component_ids(component: Any) -> list[Any]:
    """Every id in a component tree (children and other component-valued props)."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "to_plotly_json"):
            return
        if getattr(node, "id", None) is not None:
            found.append(node.id)
        props = {"children"} | {
            name.split(".")[0].split("[")[0].split("{")[0]
            for name in getattr(node, "_children_props", [])
        }
        for name in props:
            walk(getattr(node, name, None))

    walk(component)
    return found


def _find(component: Any, component_id: str) -> Any:
    """The component with this id in a tree (``None`` if absent)."""
    if isinstance(component, list | tuple):
        return next((f for c in component if (f := _find(c, component_id)) is not None), None)
    if not hasattr(component, "to_plotly_json"):
        return None
    if getattr(component, "id", None) == component_id:
        return component
    props = {"children"} | {
        name.split(".")[0].split("[")[0].split("{")[0]
        for name in getattr(component, "_children_props", [])
    }
    for name in props:
        found = _find(getattr(component, name, None), component_id)
        if found is not None:
            return found
    return None


def _find_json(node: Any, component_id: str) -> Any:
    """The component with this id in a layout as ``/_dash-layout`` sends it."""
    if isinstance(node, list):
        return next((f for c in node if (f := _find_json(c, component_id)) is not None), None)
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        return next(
            (f for v in node.values() if (f := _find_json(v, component_id)) is not None), None
        )
    return None


def _matches(dependency_id: str, component_id: Any) -> bool:
    if not dependency_id.startswith("{"):
        return dependency_id == component_id
    if not isinstance(component_id, dict):
        return False
    pattern = json.loads(dependency_id)
    if set(pattern) != set(component_id):
        return False
    return all(
        isinstance(value, list) or component_id[key] == value for key, value in pattern.items()
    )


def _outputs(output: str) -> list[str]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [part.rsplit(".", 1)[0] for part in parts]


def _page_layouts() -> dict[str, Any]:
    return {
        module: page["layout"]() if callable(page["layout"]) else page["layout"]
        for module, page in dash.page_registry.items()
    }


def test_every_callback_finds_its_components_on_one_page(dash_app, client):
    dependencies = client.get("/_dash-dependencies").get_json()
    shell = dash_app.layout() if callable(dash_app.layout) else dash_app.layout
    shell_ids = _component_ids(shell)
    pages = {module: _component_ids(layout) for module, layout in _page_layouts().items()}
    everywhere = shell_ids + [i for ids in pages.values() for i in ids]

    checked = 0
    for dependency in dependencies:
        inputs = [item["id"] for item in dependency["inputs"]]
        targets = inputs + [i["id"] for i in dependency.get("state", [])]
        targets += _outputs(dependency["output"])
        if any(target.startswith("_pages") for target in targets):
            continue  # Dash's own router
        checked += 1
        for target in targets:
            assert any(_matches(target, c) for c in everywhere), f"no component {target}"
        # Inputs partly present on a page make the renderer log a console error.
        for module, ids in pages.items():
            present = [any(_matches(i, c) for c in shell_ids + ids) for i in inputs]
            assert all(present) or not any(present), (module, dependency["output"], inputs)
    assert checked >= 5


def test_every_page_renders_without_data(dash_app, tmp_path, monkeypatch):
    monkeypatch.setenv("INTL_KPI_DATABASE", str(tmp_path / "missing.duckdb"))
    runtime.settings.cache_clear()
    try:
        layouts = _page_layouts()
    finally:
        monkeypatch.undo()
        runtime.settings.cache_clear()
    data_page = layouts["dashboard.pages.data"]
    assert "app-no-database" in _component_ids(data_page)


def test_the_data_page_accepts_any_query(dash_app):
    layout = dash.page_registry["dashboard.pages.data"]["layout"]
    ids_found = _component_ids(layout(**{"from": "x", "faculty": ["Law", "?"], "other": "1"}))
    assert "data-loads-grid" in ids_found
    # The shell's filter bar says what the link asked for that it ignored.
    bar = shell_filter_bar("from=x&faculty=Law&faculty=%3F&other=1")
    notice = _find(bar, "filters-notice-alert")
    assert notice.is_open and "'x' is not an academic year" in str(notice.children)


def test_the_filter_bar_is_held_once_by_the_shell(dash_app, client):
    """Every page is laid out without a filter bar; the shell has exactly one, set to the
    page's selection when the page's URL is known (the layout request's Referer)."""
    for module, layout in _page_layouts().items():
        assert "filters-state-store" not in _component_ids(layout), module
    shell = dash_app.layout()
    assert _component_ids(shell).count("filters-state-store") == 1
    text = client.get(
        "/_dash-layout", headers={"Referer": "http://localhost/mobility?faculty=Law"}
    ).get_data(as_text=True)
    store = json.loads(text)
    found = _find_json(store, "filters-state-store")
    assert found["props"]["data"]["faculties"] == ["Law"]


def test_the_download_callback_takes_no_rows_from_the_browser(client):
    # Its only data input is the filter selection: there is no store of plotted rows that a
    # forged request could fill, so every file is built on the server by the query layer.
    dependencies = client.get("/_dash-dependencies").get_json()
    downloads = [d for d in dependencies if '"chart-download"' in d["output"]]
    assert len(downloads) == 1
    assert [state["id"] for state in downloads[0]["state"]] == [FILTER_STATE]
    assert not any("chart-export" in d["output"] for d in dependencies)


def test_every_chart_a_page_declares_is_wired_once_by_the_registrar(dash_app, client):
    # A KPI page is one file: its CHARTS is all the registrar needs to give each card its
    # callback and its download, with the prefixes URLs, downloads and the cache rely on.
    from dashboard.callbacks import pages
    from dashboard.ids import chart_graph

    declared = pages.page_charts(dash.page_registry)
    assert set(declared) == {
        f"dashboard.pages.{name}" for name in ("diversity", "mobility", "networks")
    }
    assert [len(charts) for charts in declared.values()] == [8, 13, 11]
    client.get("/_dash-dependencies")  # Dash collects the registered callbacks
    # Again: a card registered twice would raise (its download builder is already there).
    pages.register(dash.page_registry)
    outputs = [output for key in dash_app.callback_map for output in _outputs(key)]
    for charts in declared.values():
        for spec in charts:
            graph = json.dumps(chart_graph(spec.prefix), separators=(",", ":"), sort_keys=True)
            assert outputs.count(graph) == 2, spec.prefix  # its figure and style, once


def test_the_dashboard_refuses_the_unprotected_preset(fixture_database, monkeypatch):
    # Preset 'none' is for the command line only: the web app does not compute a number
    # with it (app.py calls runtime.settings() before serving, and so does every callback).
    monkeypatch.setenv("INTL_KPI_DATABASE", str(fixture_database))
    monkeypatch.setenv("INTL_KPI_SUPPRESSION", "none")
    runtime.settings.cache_clear()
    try:
        with pytest.raises(runtime.UnprotectedPreset, match="command line"):
            runtime.settings()
        monkeypatch.setenv("INTL_KPI_SUPPRESSION", "duo")
        runtime.settings.cache_clear()
        assert runtime.settings().suppression == "duo"
    finally:
        runtime.settings.cache_clear()
