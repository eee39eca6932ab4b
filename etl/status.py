"""What is published: the one reading of the load metadata shared by ``intl-kpi status`` and
the dashboard's Data page, and the kept versions listed by ``intl-kpi history``.

Part of the read layer (with ``dashboard/queries/`` and the KPI layer): the ETL's commands
read the published database only through these functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from etl.entities import ENTITIES

T = TypeVar("T")


@dataclass(frozen=True)
class PublishedStatus:
    """The published snapshot's facts, load history, table sizes and quality findings."""

    data_version: int
    published_at: str
    is_demo: bool
    meta: dict[str, str]
    # file_name, sha256, format, entities, rows_read/accepted/rejected/skipped, status, ...
    loads: pd.DataFrame
    # table, rows, headcount (sum of headcount where the entity has one)
    table_counts: pd.DataFrame
    # check_name, entity, column_name, severity, failing_rows, description
    findings: pd.DataFrame
    # enrolment headcount per academic year and population (what the loaded data says)
    enrolment_by_year: pd.DataFrame


def read_meta(cursor: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every ``meta`` key and value (``data_version``, ``published_at``, ``is_demo``, ...)."""
    return dict(cursor.execute("select key, value from meta").fetchall())


def read_published(database: Path, reader: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``reader`` on a read-only connection to the database file, closed afterwards (the
    command line's access; the dashboard's is ``dashboard.db``)."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return reader(connection.cursor())
    finally:
        connection.close()


def published_is_demo(database: Path) -> bool:
    """Whether the published database holds the synthetic demo only."""
    return read_published(database, read_meta).get("is_demo") == "true"


def published_faculties(database: Path) -> list[str] | None:
    """The faculties of the published data (``None`` when nothing can be read): what a
    faculty manager's scope may name (``intl-kpi users``)."""
    if not Path(database).exists():
        return None
    try:
        rows = read_published(
            database,
            lambda cursor: cursor.execute(
                "select faculty from programmes union select faculty from staff"
            ).fetchall(),
        )
    except duckdb.Error:
        return None
    return sorted(str(faculty) for (faculty,) in rows if faculty)


def read_status(cursor: duckdb.DuckDBPyConnection) -> PublishedStatus:
    """Read the published database's metadata (an empty history if nothing was loaded)."""
    meta = read_meta(cursor)
    loads = cursor.execute(
        """
        select load_id, loaded_at, file_name, sha256, format, entities, rows_read,
               rows_accepted, rows_rejected, rows_skipped, status, notes
        from load_history
        order by load_id desc, file_name
        """
    ).df()
    counts = []
    for entity in ENTITIES:
        has_headcount = "headcount" in entity.column_names
        rows, headcount = cursor.execute(
            f"select count(*), {'sum(headcount)' if has_headcount else 'null'} "  # noqa: S608 (names from ENTITIES)
            f"from {entity.name}"
        ).fetchall()[0]
        counts.append(
            {
                "table": entity.name,
                "rows": int(rows),
                "headcount": None if headcount is None else int(headcount),
            }
        )
    findings = cursor.execute(
        """
        select check_name, entity, column_name, severity, failing_rows, description
        from quality_findings
        order by case severity when 'error' then 0 when 'warning' then 1 else 2 end,
                 entity, check_name
        """
    ).df()
    enrolment_by_year = cursor.execute(
        """
        select academic_year, population, sum(headcount)::bigint as headcount
        from enrolments
        group by all
        order by academic_year, population
        """
    ).df()
    return PublishedStatus(
        data_version=int(meta.get("data_version", 0)),
        published_at=meta.get("published_at", ""),
        is_demo=meta.get("is_demo") == "true",
        meta=meta,
        loads=loads,
        table_counts=pd.DataFrame(counts),
        findings=findings,
        enrolment_by_year=enrolment_by_year,
    )


@dataclass(frozen=True)
class KeptVersion:
    """One kept published version (see ``etl/store.py``): what ``intl-kpi history`` lists."""

    version: int
    path: Path
    published_at: str
    is_published: bool  # the version readers see now
    size_bytes: int
    # the files of the load that made this version (file_name, rows_accepted, sha256)
    files: pd.DataFrame
    # table, rows, headcount
    table_counts: pd.DataFrame


def read_history(database: Path) -> list[KeptVersion]:
    """The kept versions of ``database``, newest first."""
    from etl.store import snapshot_path, snapshot_versions

    published: tuple[str, str] | None = None
    if database.exists():
        meta = read_published(database, read_meta)
        published = (meta.get("data_version", ""), meta.get("published_at", ""))
    kept = []
    for version in reversed(snapshot_versions(database)):
        path = snapshot_path(database, version)
        status = read_published(path, read_status)
        last_load = status.loads["load_id"].max() if not status.loads.empty else None
        files = status.loads[status.loads["load_id"] == last_load][
            ["file_name", "rows_accepted", "sha256"]
        ].reset_index(drop=True)
        kept.append(
            KeptVersion(
                version=version,
                path=path,
                published_at=status.published_at,
                is_published=published == (str(status.data_version), status.published_at),
                size_bytes=path.stat().st_size,
                files=files,
                table_counts=status.table_counts,
            )
        )
    return kept
