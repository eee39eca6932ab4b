"""Dashboard benchmark on a demo database, in one run per scale (``make bench``,
SCALES="1 10"); not part of the test suite, since timings depend on the machine.

Server time of a filter change on every page: each callback the filter store fires on the
page, sent as the browser sends it (``POST /_dash-update-component`` through Flask's test
client, so Dash's own request handling and JSON are included, the network is not), one
after another, for a sequence of selections. Measured side by side, each in a fresh
process on the same database:

- this project, on the first visit of each selection and on a repeat (the chart cache);
- the pandas peer (``pandas_peer.py``): tables read into pandas at start-up, 13
  Mobility-like chart callbacks that filter and aggregate them on every change;
- the framework's floor: 13 trivial callbacks.

Then, in Chromium (``/usr/bin/chromium`` or INTL_KPI_CHROMIUM) against ``make run``'s
server (gunicorn on 127.0.0.1, 1 worker x 8 threads): the time from a click on a faculty
to every chart of the Mobility page drawn, and how much of it the browser spends after the
last answer arrived. Also the full KPI table (what ``intl-kpi kpis`` computes).

A database is built per scale with ``intl-kpi demo`` unless ``--database`` names one.

Each server time is also given as CPU time (``time.process_time``: every thread of the
measuring process, DuckDB's included): on a machine shared with other work the wall-clock
times of the three processes, run one after another, are measured under different loads,
while their CPU times stay comparable. The ratios are printed for both.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FILTER_STATE = "filters-state-store"  # dashboard.ids.FILTER_STATE (no dashboard import here)
# Filter selections a person might click through, one after the other (each a first visit).
SELECTIONS = (
    {"faculties": ["Science"]},
    {"faculties": ["Science"], "cycles": ["master"]},
    {"year_from": 2019, "year_to": 2024},
    {"basis": "both"},
    {"faculties": ["Law", "Humanities"]},
    {"faculties": ["Medicine"], "year_from": 2018},
)
# Faculties clicked one after another in the browser (each click a new selection).
BROWSER_CLICKS = 4


def build_demo(scale: float, folder: Path) -> Path:
    database = folder / "bench.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl.cli", "demo", "--scale", str(scale), "--output",
         str(folder / "files"), "--database", str(database)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return database


def _state(selection: dict[str, Any]) -> dict[str, Any]:
    """A selection as the filter store holds it (FilterState.to_dict())."""
    return {"year_from": None, "year_to": None, "faculties": [], "programmes": [],
            "cycles": [], "basis": "nationality", **selection}  # fmt: skip


def _post_each(client, bodies: list[dict[str, Any]]) -> tuple[float, float]:  # noqa: ANN001
    """Seconds (wall clock, CPU) to answer ``bodies`` one after another (each must
    succeed)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for body in bodies:
        response = client.post("/_dash-update-component", json=body)
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{body['output'][:80]}: HTTP {response.status_code}")
    return time.perf_counter() - started, time.process_time() - cpu_started


def _store_callbacks(dash_app) -> dict[str, list[str]]:  # noqa: ANN001
    """Outputs of the callbacks fired by the filter store, per page."""
    pages: dict[str, list[str]] = defaultdict(list)
    for output, callback in dash_app.callback_map.items():
        if [i["id"] for i in callback["inputs"]] != [FILTER_STATE]:
            continue
        if '"chart":"' in output:
            page = output.split('"chart":"', 1)[1].split("-", 1)[0]
        else:
            page = output.split("-", 1)[0].split(".", 1)[0]
        pages[page].append(output)
    return dict(pages)


def _bodies(dash_app, outputs: list[str], selection: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: ANN001
    sys.path.insert(0, str(ROOT))
    from tests.dashboard.callback_requests import request_body

    state = _state(selection)
    return [request_body(dash_app.callback_map, output, [state]) for output in outputs]


def _spread(seconds: list[float]) -> dict[str, float]:
    return {"median": statistics.median(seconds), "worst": max(seconds)}


def _timings(times: list[tuple[float, float]]) -> dict[str, float]:
    walls = [wall for wall, _cpu in times]
    return {
        "median": statistics.median(walls),
        "worst": max(walls),
        "cpu_median": statistics.median(cpu for _wall, cpu in times),
    }


def measure_project(database: Path) -> dict[str, Any]:
    os.environ["INTL_KPI_DATABASE"] = str(database)
    os.environ.setdefault("INTL_KPI_TARGETS", str(ROOT / "data" / "targets.csv"))
    os.environ.setdefault("INTL_KPI_CACHE", "memory")
    sys.path.insert(0, str(ROOT))
    import app as shell
    from dashboard import runtime
    from dashboard.filters_state import FilterState
    from dashboard.kpis.table import kpi_table

    runtime.settings.cache_clear()
    started = time.perf_counter()
    table = kpi_table(runtime.cursor(), FilterState(), runtime.query_context(), runtime.targets())
    results: dict[str, Any] = {
        "kpi_table_rows": len(table),
        "kpi_table_seconds": time.perf_counter() - started,
    }
    client = shell.app.server.test_client()
    client.get("/_dash-dependencies")  # fills the callback map
    pages = _store_callbacks(shell.app)
    # Opening a page with the default selection: snapshot views, filter options.
    for outputs in pages.values():
        _post_each(client, _bodies(shell.app, outputs, {}))
    for page, outputs in sorted(pages.items()):
        first = [_post_each(client, _bodies(shell.app, outputs, s)) for s in SELECTIONS]
        cached = [_post_each(client, _bodies(shell.app, outputs, s)) for s in SELECTIONS]
        results[page] = {
            "callbacks": len(outputs),
            "first_visit": _timings(first),
            "cached_repeat": _timings(cached),
        }
    return results


def measure_peer(database: Path | None) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks import pandas_peer

    started = time.perf_counter()
    dash_app = pandas_peer.make_floor_app() if database is None else (
        pandas_peer.make_peer_app(database)
    )  # fmt: skip
    start_up = time.perf_counter() - started
    client = dash_app.server.test_client()
    client.get("/_dash-dependencies")
    outputs = [o for o, c in dash_app.callback_map.items()
               if [i["id"] for i in c["inputs"]] == [pandas_peer.STORE]]  # fmt: skip

    def bodies(selection: dict[str, Any]) -> list[dict[str, Any]]:
        from tests.dashboard.callback_requests import request_body

        return [request_body(dash_app.callback_map, o, [_state(selection)]) for o in outputs]

    _post_each(client, bodies({}))
    times = [_post_each(client, bodies(s)) for s in SELECTIONS]
    return {
        "callbacks": len(outputs),
        "start_up_seconds": start_up,
        "filter_change": _timings(times),
    }


# --- Chromium -----------------------------------------------------------------------------

# Installed in the page: when a faculty option is clicked, wait until every chart graph has
# been marked loading and unmarked again, then two frames (drawn); note the last callback
# answer's arrival from the resource timings.
WATCH = """() => {
    window.benchRuns = [];
    let run = null;
    const graphs = () => [...document.querySelectorAll('.chart-graph')];
    document.addEventListener('click', event => {
        if (!event.target.closest('[role=option]')) return;
        run = {clickAt: performance.now(), marked: new Set()};
    }, true);
    new MutationObserver(() => {
        if (!run) return;
        for (const g of graphs()) {
            if (g.getAttribute('data-dash-is-loading') === 'true') run.marked.add(g.id);
        }
        const busy = graphs().some(g => g.getAttribute('data-dash-is-loading') === 'true');
        if (run.marked.size === graphs().length && !busy && !run.unmarkedAt) {
            const finished = run;
            finished.unmarkedAt = performance.now();
            requestAnimationFrame(() => requestAnimationFrame(() => {
                const answers = performance.getEntriesByType('resource').filter(
                    e => e.name.includes('_dash-update-component')
                         && e.startTime >= finished.clickAt);
                window.benchRuns.push({
                    total: performance.now() - finished.clickAt,
                    lastAnswer: Math.max(...answers.map(e => e.responseEnd)) - finished.clickAt,
                    requests: answers.length});
            }));
            run = null;
        }
    }).observe(document.body, {attributes: true, subtree: true,
                               attributeFilter: ['data-dash-is-loading']});
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _make_run_server(database: Path):  # noqa: ANN202
    """The dashboard as ``make run`` serves it, on a free port."""
    port = _free_port()
    environment = {**os.environ, "INTL_KPI_DATABASE": str(database)}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", "1", "--threads", "8",
         "--timeout", "120", "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base_url + "/_dash-layout", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the dashboard did not start") from None
                time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure_browser(database: Path) -> dict[str, Any]:
    chromium = os.environ.get("INTL_KPI_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        return {"skipped": "no chromium"}
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, float]]] = {}
    with _make_run_server(database) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for visit in ("first_visit", "cached_repeat"):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(base_url + "/mobility")
                page.wait_for_selector("#main .main-svg", timeout=120_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-dash-is-loading=\"true\"]')",
                    timeout=120_000,
                )
                page.evaluate(WATCH)
                page.click("#filters-faculty-dropdown")
                names = page.locator("[role=listbox] [role=option]").all_inner_texts()
                page.keyboard.press("Escape")
                for count, name in enumerate(names[:BROWSER_CLICKS], start=1):
                    page.click("#filters-faculty-dropdown")
                    page.locator("[role=listbox]").get_by_role(
                        "option", name=name.strip(), exact=True
                    ).click()
                    page.keyboard.press("Escape")
                    page.wait_for_function(
                        f"() => window.benchRuns.length >= {count}", timeout=120_000
                    )
                runs[visit] = page.evaluate("() => window.benchRuns")
                page.close()
        finally:
            browser.close()
    results: dict[str, Any] = {}
    for visit, measured in runs.items():
        totals = [run["total"] / 1000 for run in measured]
        drawing = [(run["total"] - run["lastAnswer"]) / 1000 for run in measured]
        results[visit] = {
            "click_to_drawn": _spread(totals),
            "after_last_answer": _spread(drawing),
            "clicks": len(measured),
        }
    return results


# --- the run ------------------------------------------------------------------------------


def _child(kind: str, database: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind]
    if database is not None:
        command += ["--database", str(database)]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def report(label: str, project: dict, peer: dict, floor: dict, browser: dict) -> None:
    floor_time = floor["filter_change"]["median"]
    peer_time = peer["filter_change"]["median"]
    print(f"\n== {label} ==")
    print(f"KPI table: {project['kpi_table_rows']} rows in {project['kpi_table_seconds']:.2f} s")
    print(f"pandas peer: {peer['callbacks']} callbacks, start-up {peer['start_up_seconds']:.2f} s,"
          f" filter change median {peer_time:.3f} s (worst "
          f"{peer['filter_change']['worst']:.3f} s)")  # fmt: skip
    print(f"framework floor: {floor['callbacks']} trivial callbacks, median {floor_time:.3f} s")
    floor_cpu = floor["filter_change"]["cpu_median"]
    peer_cpu = peer["filter_change"]["cpu_median"]
    print(f"CPU time: pandas peer {peer_cpu:.3f} s, floor {floor_cpu:.3f} s")
    print(f"{'page':10} {'callbacks':>9} {'first median':>12} {'worst':>7} {'cached':>7}"
          f" {'first/peer':>10} {'first/floor':>11} {'cached/floor':>12}")  # fmt: skip
    heaviest = max(
        (p for p in project if isinstance(project[p], dict)),
        key=lambda p: project[p]["first_visit"]["median"],
    )
    for page, measured in project.items():
        if not isinstance(measured, dict):
            continue
        first = measured["first_visit"]["median"]
        cached = measured["cached_repeat"]["median"]
        print(f"{page:10} {measured['callbacks']:>9} {first:>12.3f} "
              f"{measured['first_visit']['worst']:>7.3f} {cached:>7.3f} "
              f"{first / peer_time:>10.2f} {first / floor_time:>11.1f} "
              f"{cached / floor_time:>12.1f}")  # fmt: skip
    print(f"{'CPU time':10} {'':>9} {'first median':>12} {'':>7} {'cached':>7}"
          f" {'first/peer':>10} {'first/floor':>11} {'cached/floor':>12}")  # fmt: skip
    for page, measured in project.items():
        if not isinstance(measured, dict):
            continue
        first = measured["first_visit"]["cpu_median"]
        cached = measured["cached_repeat"]["cpu_median"]
        print(f"{page:10} {'':>9} {first:>12.3f} {'':>7} {cached:>7.3f} "
              f"{first / peer_cpu:>10.2f} {first / floor_cpu:>11.1f} "
              f"{cached / floor_cpu:>12.1f}")  # fmt: skip
    first = project[heaviest]["first_visit"]["median"]
    first_cpu = project[heaviest]["first_visit"]["cpu_median"]
    print(
        f"heaviest page: {heaviest}; goals: first visit <= 0.1x the peer "
        f"({first / peer_time:.2f}x; CPU time {first_cpu / peer_cpu:.2f}x) and <= 3x the "
        f"floor ({first / floor_time:.1f}x; CPU time {first_cpu / floor_cpu:.1f}x)"
    )
    for visit, measured in browser.items():
        if isinstance(measured, dict):
            print(
                f"Chromium, Mobility, click to all charts drawn ({visit}, "
                f"{measured['clicks']} clicks): median "
                f"{measured['click_to_drawn']['median']:.2f} s, worst "
                f"{measured['click_to_drawn']['worst']:.2f} s; after the last answer "
                f"(browser) median {measured['after_last_answer']['median']:.2f} s"
            )
        else:
            print(f"Chromium: {measured}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0])
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--child", choices=("project", "peer", "floor", "browser"))
    arguments = parser.parse_args()
    if arguments.child:
        measure = {
            "project": lambda: measure_project(arguments.database),
            "peer": lambda: measure_peer(arguments.database),
            "floor": lambda: measure_peer(None),
            "browser": lambda: measure_browser(arguments.database),
        }[arguments.child]
        print(json.dumps(measure()))
        return
    scales = [None] if arguments.database else arguments.scales
    for scale in scales:
        with tempfile.TemporaryDirectory() as folder:
            database = arguments.database or build_demo(scale, Path(folder))
            # A fresh process per measurement: nothing cached from another.
            project = _child("project", database)
            peer = _child("peer", database)
            floor = _child("floor", None)
            browser = {} if arguments.no_browser else _child("browser", database)
            label = str(arguments.database) if scale is None else f"demo scale {scale:g}"
            report(label, project, peer, floor, browser)
            print(json.dumps({"label": label, "project": project, "peer": peer,
                              "floor": floor, "browser": browser}))  # fmt: skip


if __name__ == "__main__":
    main()
