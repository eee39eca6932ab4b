"""The short version of ``tests/benchmarks/bench_users.py`` (issue 12): 5 simulated people for
5 seconds against the app on Werkzeug's threaded server in this process, on the fixture
database. Every page is opened, filters change and CSVs are downloaded with the request
bodies Dash's renderer sends; every callback a page, the filter bar or the navbar fires
answers 200, and the report has a p95 for each. ``make bench`` runs 50 people for 2 minutes
against the README's shared-server command.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from dashboard import runtime
from tests.benchmarks.bench_users import (
    APP_LOCATION,
    FILTER_LOCATION,
    FILTER_STATE,
    PAGES,
    App,
    label,
    run_users,
)

USERS = 5
SECONDS = 5.0
THINK = (0.1, 0.4)


@pytest.fixture
def base_url(published) -> Iterator[str]:
    runtime.settings.cache_clear()
    server = make_server("127.0.0.1", 0, importlib.import_module("app").server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def test_simulated_people_exercise_every_page_without_an_error(base_url):
    # Each person opens another page, changes a filter, downloads a CSV (the Overview has
    # none: a filter change instead) and moves to another page, then acts at random.
    report = run_users(
        base_url, USERS, SECONDS, THINK, seed=3, first=("filter", "download", "navigate")
    )

    assert report.failures == []
    assert report.errors == 0
    assert set(report.statuses()) == {200}
    # Every callback that opening a page, the filter bar or the navbar fires: the page
    # router, shell and navbar, the filter bar, and each page's charts and cards.
    app = App.fetch(base_url)
    fired_by_people = {
        output
        for output, callback in app.callbacks.items()
        if {f"{i['id']}.{i['property']}" for i in callback["inputs"]}
        & {
            f"{FILTER_STATE}.data",
            f"{FILTER_LOCATION}.search",
            f"{APP_LOCATION}.pathname",
            "_pages_location.pathname",
        }  # fmt: skip
    }
    expected = {label(output) for output in fired_by_people} | {"chart-download (csv)"}
    assert len(expected) > 40, "every KPI page's chart cards are among them"
    assert expected <= set(report.requests), expected - set(report.requests)
    # Each page was opened, and its charts answered on it.
    assert {page for pages in report.pages.values() for page in pages} == set(PAGES)
    for page in PAGES:
        assert report.actions[("open (first load)", page)], page
    assert report.pages["overview-cards-container.children"] == {"/"}
    assert report.pages["chart data-enrolment"] == {"/data"}
    for page in PAGES:
        assert report.actions[("filter change", page)], page
    assert {page for kind, page in report.actions if kind == "CSV download"} >= set(PAGES[1:])
    for name in report.requests:
        measured = report.stats(name)
        assert 0 < measured["median"] <= measured["p95"] <= measured["max"], name
    assert report.overall()["p95"] > 0
    assert report.requests_per_second() > 0
    # The table has a row per callback with its p95.
    table = report.table()
    for name in expected:
        assert name[:44] in table
