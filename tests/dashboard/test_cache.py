"""Chart results cached per data version, selection and reader (``dashboard.cache``): a
repeat costs no database access, a new publish misses, two faculty scopes never share an
entry, and the Redis backend works against a real ``redis-server`` started here."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import plotly.io as pio
import pytest

import app  # noqa: F401 (the Dash app: asset URLs need it)
from dashboard import cache, runtime
from dashboard.callbacks.kpi_cards import cached_chart_values, chart_content
from dashboard.callbacks.overview import update_overview
from dashboard.filters_state import FilterState
from dashboard.pages.mobility import CHARTS as MOBILITY_CHARTS
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION

FIGURE, ROWS = 1, 6
PARTICIPATION = next(s for s in MOBILITY_CHARTS if s.prefix == "mobility-participation")
SELECTION = FilterState(2018, 2020).to_dict()


@pytest.fixture
def counted_cursors(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many database cursors the dashboard has asked for (one entry per cursor)."""
    calls: list[int] = []
    real = runtime.cursor

    def counting() -> duckdb.DuckDBPyConnection:
        calls.append(1)
        return real()

    monkeypatch.setattr(runtime, "cursor", counting)
    return calls


@pytest.fixture
def own_database(fixture_database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the fixture database published at a path of this test's own, with the
    in-memory cache (the default) emptied before and after."""
    published = tmp_path / "published" / "intl_kpi.duckdb"
    published.parent.mkdir()
    shutil.copyfile(fixture_database, published)
    monkeypatch.setenv("INTL_KPI_DATABASE", str(published))
    monkeypatch.setenv("INTL_KPI_SUPPRESSION", FIXTURE_SUPPRESSION)
    monkeypatch.delenv("INTL_KPI_CACHE", raising=False)
    runtime.settings.cache_clear()
    cache.clear()
    yield published
    runtime.settings.cache_clear()
    cache.clear()


def _json(figure: object) -> str:
    return pio.to_json(figure, validate=False)


def _republish(published: Path, data_version: str) -> None:
    """A new publish the way the ETL does it: a full file, then ``os.replace``."""
    incoming = published.with_name(published.name + ".incoming")
    shutil.copyfile(published, incoming)
    connection = duckdb.connect(str(incoming))
    connection.execute("update meta set value = ? where key = 'data_version'", [data_version])
    connection.close()
    os.replace(incoming, published)


def test_a_repeated_selection_is_answered_without_the_database(own_database, counted_cursors):
    first = cached_chart_values(PARTICIPATION, SELECTION)
    assert counted_cursors, "the first call computes"
    counted_cursors.clear()
    second = cached_chart_values(PARTICIPATION, SELECTION)
    assert counted_cursors == []
    assert _json(second[FIGURE]) == _json(first[FIGURE])
    assert second[ROWS] == first[ROWS] and second[ROWS]
    # The same selection written differently (an explicit default) is the same entry.
    assert (
        cached_chart_values(PARTICIPATION, FilterState(2018, 2020).to_dict())[ROWS] == first[ROWS]
    )
    assert counted_cursors == []


def test_the_cached_figure_is_the_computed_one(own_database, monkeypatch):
    cached = cached_chart_values(PARTICIPATION, SELECTION)
    cached_again = cached_chart_values(PARTICIPATION, SELECTION)
    monkeypatch.setenv("INTL_KPI_CACHE", "off")
    runtime.settings.cache_clear()
    computed = cached_chart_values(PARTICIPATION, SELECTION)
    assert _json(cached_again[FIGURE]) == _json(computed[FIGURE]) == _json(cached[FIGURE])
    assert cached_again[ROWS] == computed[ROWS]


def test_the_overview_is_cached_too(own_database, counted_cursors):
    first = update_overview(SELECTION)
    counted_cursors.clear()
    assert str(update_overview(SELECTION)) == str(first)
    assert counted_cursors == []


def test_a_download_after_a_cached_draw_is_stamped_now(own_database, monkeypatch):
    chart_content(PARTICIPATION, SELECTION)
    monkeypatch.setattr("dashboard.callbacks.kpi_cards.generated_at", lambda: "later")
    assert chart_content(PARTICIPATION, SELECTION).data_sheet.generated_at == "later"


def test_a_new_publish_misses(own_database, counted_cursors):
    cached_chart_values(PARTICIPATION, SELECTION)
    before = cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix)
    _republish(own_database, "2")
    counted_cursors.clear()
    cached_chart_values(PARTICIPATION, SELECTION)
    assert counted_cursors, "a new data version is computed, not read from the cache"
    after = cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix)
    assert after != before


def test_two_faculty_scopes_never_share_an_entry(own_database, counted_cursors, monkeypatch):
    # The board (every faculty) draws first; a Law manager then asks for the same selection.
    board = cached_chart_values(PARTICIPATION, SELECTION)
    board_key = cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix)
    monkeypatch.setattr(runtime, "faculty_scope", lambda _settings: ("Law",))
    counted_cursors.clear()
    law = cached_chart_values(PARTICIPATION, SELECTION)
    assert counted_cursors, "the manager's chart is computed for the manager"
    assert cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix) != board_key
    assert law[ROWS] != board[ROWS]
    # What the manager got is what the manager's scope computes without a cache.
    monkeypatch.setenv("INTL_KPI_CACHE", "off")
    runtime.settings.cache_clear()
    assert cached_chart_values(PARTICIPATION, SELECTION)[ROWS] == law[ROWS]
    # And another faculty's manager does not get the Law entry either.
    monkeypatch.setenv("INTL_KPI_CACHE", "memory")
    runtime.settings.cache_clear()
    monkeypatch.setattr(runtime, "faculty_scope", lambda _settings: ("Science",))
    assert cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix) not in (
        board_key,
        cache.result_key("chart-outputs", SELECTION, chart="other"),
    )
    assert cached_chart_values(PARTICIPATION, SELECTION)[ROWS] != law[ROWS]


def test_the_preset_is_part_of_the_key(own_database, monkeypatch):
    first = cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix)
    preset = "hesa" if runtime.settings().suppression != "hesa" else "duo"
    monkeypatch.setenv("INTL_KPI_SUPPRESSION", preset)
    runtime.settings.cache_clear()
    assert cache.result_key("chart-outputs", SELECTION, chart=PARTICIPATION.prefix) != first


def test_a_cache_that_cannot_be_reached_still_answers(own_database, monkeypatch):
    monkeypatch.setenv("INTL_KPI_CACHE", f"redis://127.0.0.1:{_free_port()}/0")
    runtime.settings.cache_clear()
    assert cached_chart_values(PARTICIPATION, SELECTION)[ROWS]


def test_the_setting_refuses_an_unknown_backend():
    from etl.settings import Settings

    with pytest.raises(ValueError, match="INTL_KPI_CACHE"):
        Settings.from_env({"INTL_KPI_CACHE": "memcached://x"})
    assert Settings.from_env({}).cache == "memory"


# --- Redis --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server of this test's own (no persistence), stopped afterwards."""
    server = shutil.which("redis-server")
    if server is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("INTL_KPI_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_shares_results_between_processes(
    own_database, redis_url, counted_cursors, monkeypatch
):
    import redis

    monkeypatch.setenv("INTL_KPI_CACHE", redis_url)
    runtime.settings.cache_clear()
    first = cached_chart_values(PARTICIPATION, SELECTION)
    client = redis.Redis.from_url(redis_url)
    assert client.keys(f"{cache.KEY_PREFIX}chart-outputs:*")
    # Another process (here: this one with every in-process state forgotten) reads the
    # published version once, and the chart from Redis.
    cache.clear()
    counted_cursors.clear()
    second = cached_chart_values(PARTICIPATION, SELECTION)
    assert len(counted_cursors) == 1, "only the data version is read"
    assert _json(second[FIGURE]) == _json(first[FIGURE]) and second[ROWS] == first[ROWS]
    counted_cursors.clear()
    cached_chart_values(PARTICIPATION, SELECTION)
    assert counted_cursors == []
    # A faculty manager does not receive the board's entry from Redis either.
    every_faculty = runtime.faculty_scope
    monkeypatch.setattr(runtime, "faculty_scope", lambda _settings: ("Law",))
    assert cached_chart_values(PARTICIPATION, SELECTION)[ROWS] != first[ROWS]
    # A new publish misses in Redis too.
    monkeypatch.setattr(runtime, "faculty_scope", every_faculty)
    _republish(own_database, "2")
    counted_cursors.clear()
    cached_chart_values(PARTICIPATION, SELECTION)
    assert len(counted_cursors) > 1
