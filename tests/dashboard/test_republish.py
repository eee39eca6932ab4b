"""Republishing under threads (issue 9): readers keep the snapshot they started on while a new
one replaces it, and 50 simulated users see no failed request across 3 republishes, on the
threaded dev server (``make run``) and on ``gunicorn --workers 2 --threads 8``.

The in-suite runs are short (about 5 s of load each); ``make bench`` runs the long version
(``tests/benchmarks/bench_republish.py``).
"""

from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from werkzeug.serving import make_server

from dashboard import runtime
from dashboard.db import PublishedDatabase
from dashboard.filters_state import FilterState
from tests.dashboard.callback_requests import simulate_users, user_requests, wait_until_up

ROOT = Path(__file__).parents[2]
USERS = 50
SECONDS = 5.0
REPUBLISHES = 3


def _version(cursor) -> str:
    return cursor.execute("select value from meta where key = 'data_version'").fetchone()[0]


@pytest.fixture
def two_versions(fixture_database: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(published path, version 1, version 2): copies of the fixture, version 2 marked '2'."""
    first, second = tmp_path / "v1.duckdb", tmp_path / "v2.duckdb"
    shutil.copyfile(fixture_database, first)
    shutil.copyfile(fixture_database, second)
    connection = duckdb.connect(str(second))
    connection.execute("update meta set value = '2' where key = 'data_version'")
    connection.close()
    published = tmp_path / "published" / "intl_kpi.duckdb"
    published.parent.mkdir()
    shutil.copyfile(first, published)
    return published, first, second


def republisher(published: Path, *versions: Path) -> Callable[[], None]:
    """Publishes the next of ``versions`` the way the ETL does: a full file, then
    ``os.replace`` over the published one."""
    turn = iter(range(10**9))

    def republish() -> None:
        source = versions[next(turn) % len(versions)]
        incoming = published.with_name(published.name + ".incoming")
        shutil.copyfile(source, incoming)
        os.replace(incoming, published)

    return republish


def test_a_reader_keeps_its_snapshot_while_a_new_one_is_published(two_versions):
    published, first, second = two_versions
    database = PublishedDatabase(published)
    reader = database.cursor()
    assert _version(reader) == "1"
    republisher(published, second)()
    newer = database.cursor()
    assert _version(newer) == "2", "a new request sees the new snapshot at once"
    assert _version(reader) == "1", "a running request keeps reading its own snapshot"
    assert database.open_snapshots() == 2
    reader.close()
    assert database.open_snapshots() == 1, "the old snapshot closes with its last cursor"
    newer.close()
    assert database.open_snapshots() == 1, "the current snapshot stays open"
    republish = republisher(published, first, second)
    for _round in range(3):
        republish()
        with database.cursor() as cursor:
            assert _version(cursor) in {"1", "2"}
    assert database.open_snapshots() == 1
    database.close()
    assert database.open_snapshots() == 0


def test_threads_reading_through_republishes_never_fail(two_versions):
    published, first, second = two_versions
    database = PublishedDatabase(published)
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                with database.cursor() as cursor:
                    cursor.execute("select count(*) from enrolments").fetchone()
                    _version(cursor)
            except BaseException as error:  # noqa: BLE001 (collected for the assertion)
                errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(16)]
    for thread in threads:
        thread.start()
    republish = republisher(published, second, first)
    for _round in range(20):
        republish()
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert database.open_snapshots() == 1


def test_a_dropped_cursor_does_not_keep_an_old_snapshot_open(two_versions):
    published, _first, second = two_versions
    database = PublishedDatabase(published)
    cursor = database.cursor()
    republisher(published, second)()
    database.cursor().close()
    assert database.open_snapshots() == 2
    del cursor
    assert database.open_snapshots() == 1


# --- 50 users over HTTP ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dev_server(two_versions, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """The app on Werkzeug's threaded server (what ``make run`` starts), in this process."""
    published = two_versions[0]
    monkeypatch.setenv("INTL_KPI_DATABASE", str(published))
    runtime.settings.cache_clear()
    server = make_server("127.0.0.1", 0, importlib.import_module("app").server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", published
    finally:
        server.shutdown()
        thread.join()
        runtime.settings.cache_clear()


def test_50_users_on_the_threaded_dev_server_see_no_failure_across_3_republishes(
    dev_server, two_versions
):
    base_url, published = dev_server
    _published, first, second = two_versions
    requests = user_requests(base_url, FilterState(2018, 2020).to_dict())
    result = simulate_users(
        base_url, requests, USERS, SECONDS, republisher(published, second, first), REPUBLISHES
    )
    print("threaded dev server:", result.summary())
    assert result.republished == REPUBLISHES
    assert result.requests >= USERS
    assert result.not_ok == 0, result.failures


@pytest.fixture
def gunicorn_server(two_versions) -> Iterator[tuple[str, Path]]:
    published = two_versions[0]
    port = _free_port()
    environment = {**os.environ, "INTL_KPI_DATABASE": str(published)}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", "2", "--threads", "8",
        "--bind", f"127.0.0.1:{port}",
        "--timeout", "120",
        "app:server",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, seconds=90)
        yield base_url, published
    finally:
        process.terminate()
        output = process.communicate(timeout=60)[0].decode(errors="replace")
        assert "Traceback" not in output, output[-3000:]


def test_50_users_on_gunicorn_with_threads_see_no_failure_across_3_republishes(
    gunicorn_server, two_versions
):
    base_url, published = gunicorn_server
    _published, first, second = two_versions
    requests = user_requests(base_url, FilterState(2018, 2020).to_dict())
    result = simulate_users(
        base_url, requests, USERS, SECONDS, republisher(published, second, first), REPUBLISHES
    )
    print("gunicorn --workers 2 --threads 8:", result.summary())
    assert result.republished == REPUBLISHES
    assert result.requests >= USERS
    assert result.not_ok == 0, result.failures
