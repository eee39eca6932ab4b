"""Dashboard test fixtures: the small fixture database, and the process settings pointed at
it (``dashboard.runtime`` reads the environment once, so its cache is cleared around)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard import runtime
from dashboard.filters_state import FilterOptions
from dashboard.queries.filters import filter_options
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION, build_fixture_database


@pytest.fixture(scope="session")
def fixture_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard-db")
    return build_fixture_database(folder / "intl_kpi.duckdb", folder / "input")


@pytest.fixture
def published(fixture_database: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The dashboard's settings point at the fixture database for this test."""
    monkeypatch.setenv("INTL_KPI_DATABASE", str(fixture_database))
    monkeypatch.setenv("INTL_KPI_SUPPRESSION", FIXTURE_SUPPRESSION)
    runtime.settings.cache_clear()
    yield fixture_database
    runtime.settings.cache_clear()


@pytest.fixture
def unpublished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The dashboard's settings point at a path where nothing is published."""
    missing = tmp_path / "missing.duckdb"
    monkeypatch.setenv("INTL_KPI_DATABASE", str(missing))
    runtime.settings.cache_clear()
    yield missing
    runtime.settings.cache_clear()


@pytest.fixture(scope="session")
def options(fixture_database: Path) -> FilterOptions:
    import duckdb

    connection = duckdb.connect(str(fixture_database), read_only=True)
    try:
        return filter_options(connection.cursor())
    finally:
        connection.close()
