"""Fixtures of the KPI engine tests: small hand-made datasets written as canonical CSV files,
loaded through the normal ETL (``etl.pipeline.load_files``) into a temporary DuckDB file, and
a read-only cursor on the result.

Every dataset shares the programmes below; a test module describes the rest of its dataset
as ``{entity name: rows}`` (first row = header) and works out the expected KPI values by hand.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, kpi_frame
from etl.pipeline import load_files
from etl.settings import Settings

# code, name, faculty, cycle, 30 ECTS mobility window
PROGRAMMES = [
    ["programme_code", "programme_name", "faculty", "cycle", "mobility_window"],
    ["B1", "History", "Humanities", "bachelor", "yes"],
    ["B2", "Physics", "Science", "bachelor", "no"],
    ["B3", "Philosophy", "Humanities", "bachelor", ""],
    ["M1", "International Law", "Law", "master", ""],
    ["M2", "Astronomy", "Science", "master", ""],
    ["P1", "PhD Science", "Science", "phd", ""],
    ["S1", "Associate degree Science", "Science", "short_cycle", ""],
]

NO_SUPPRESSION = QueryContext(suppression="none")

Files = dict[str, list[list[object]]]


def write_files(folder: Path, files: Files) -> Path:
    """Write ``{entity name: rows}`` (plus the shared programmes) as canonical CSV files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in {"programmes": PROGRAMMES, **files}.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def publish(folder: Path, files: Files) -> Path:
    """Load ``files`` through the ETL into ``folder/intl_kpi.duckdb``; return its path."""
    database = folder / "intl_kpi.duckdb"
    settings = Settings.from_env({}, database=database, lock_timeout=5)
    load_files([write_files(folder / "input", files)], settings, fresh=True)
    return database


def open_cursor(database: Path) -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(database), read_only=True)
    return connection, connection.cursor()


@pytest.fixture
def load(tmp_path: Path) -> Iterator[Callable[[Files], duckdb.DuckDBPyConnection]]:
    """Load a small dataset (for one test) and return a cursor on it."""
    connections: list[duckdb.DuckDBPyConnection] = []

    def run(files: Files) -> duckdb.DuckDBPyConnection:
        database = publish(tmp_path / f"dataset{len(connections)}", files)
        connection, cursor = open_cursor(database)
        connections.append(connection)
        return cursor

    yield run
    for connection in connections:
        connection.close()


def module_dataset(files: Files):
    """A module-scoped fixture: ``files`` loaded once, a cursor on the result."""

    @pytest.fixture(scope="module")
    def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
        connection, cursor = open_cursor(publish(tmp_path_factory.mktemp("kpi"), files))
        yield cursor
        connection.close()

    return fixture


def kpi(
    cursor: duckdb.DuckDBPyConnection,
    kpi_id: str,
    by: str | None = None,
    state: FilterState | None = None,
    context: QueryContext = NO_SUPPRESSION,
) -> pd.DataFrame:
    """``kpi_frame`` without suppression unless told otherwise."""
    return kpi_frame(cursor, kpi_id, state or FilterState(), by, context)


def cells(result: pd.DataFrame, column: str = "value", year: int | None = None) -> dict:
    """``{group: value}`` of one column for one academic year (default: the only year)."""
    if year is None:
        years = set(result["academic_year"])
        assert len(years) == 1, f"expected one year, got {sorted(years)}"
        year = years.pop()
    chosen = result[result["academic_year"] == year]
    return {row["group"]: _plain(row[column]) for row in chosen.to_dict(orient="records")}


def by_year(result: pd.DataFrame, column: str = "value", group: str = "all") -> dict:
    """``{academic year: value}`` of one column for one group."""
    chosen = result[result["group"] == group]
    return {
        int(row["academic_year"]): _plain(row[column]) for row in chosen.to_dict(orient="records")
    }


def _plain(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
