"""Fixtures shared by every test layer: settings pointing at a temporary database, and
helpers that write small input files."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from etl.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the database in a temporary folder."""
    return Settings.from_env({}, database=tmp_path / "db" / "intl_kpi.duckdb", lock_timeout=5)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (first row = header) as a CSV file under tmp_path/input."""

    def write(name: str, rows: list[list[object]], delimiter: str = ",", encoding="utf-8") -> Path:
        folder = tmp_path / "input"
        folder.mkdir(exist_ok=True)
        path = folder / name
        with path.open("w", newline="", encoding=encoding) as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        return path

    return write


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Run a read-only query against a published database file."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql, params or []).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo university, built once per test session by ``intl-kpi demo``."""
    from click.testing import CliRunner

    from etl.cli import main

    folder = tmp_path_factory.mktemp("demo")
    database = folder / "demo.duckdb"
    result = CliRunner().invoke(
        main, ["demo", "--output", str(folder / "files"), "--database", str(database)]
    )
    assert result.exit_code == 0, result.output
    return database


@pytest.fixture(scope="session")
def demo_database_cursor(demo_database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor on the demo university."""
    connection = duckdb.connect(str(demo_database), read_only=True)
    yield connection.cursor()
    connection.close()
