"""The KPI layer's marts (issue 12, speed): built by the ETL at every publish, the numbers a
database without them gives are the same, and an old database still answers."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.db import PublishedDatabase
from dashboard.filters_state import FilterState
from dashboard.kpis import query
from dashboard.kpis.query import QueryContext, data_years, kpi_frame
from dashboard.kpis.registry import KPIS
from etl.store import MARTS, MARTS_VERSION

NONE = QueryContext(suppression="none")


def test_a_publish_builds_every_mart_and_records_its_version(demo_database: Path) -> None:
    connection = duckdb.connect(str(demo_database), read_only=True)
    try:
        tables = {
            row[0]
            for row in connection.execute("select table_name from duckdb_tables()").fetchall()
        }
        version = connection.execute(
            "select value from meta where key = 'marts_version'"
        ).fetchall()
        # The groups hold every enrolled student, graduate and staff member of the rows.
        enrolled, grouped = connection.execute(
            "select (select sum(headcount) from enrolments where population = 'enrolled'), "
            "(select sum(headcount) from enrolled_students)"
        ).fetchone()
        graduates, graduate_groups = connection.execute(
            "select (select sum(headcount) from graduates), "
            "(select sum(headcount) from graduates_with_stays)"
        ).fetchone()
        staff, staff_groups = connection.execute(
            "select (select sum(headcount) from staff), (select sum(headcount) from staff_groups)"
        ).fetchone()
        group_rows, enrolment_rows = connection.execute(
            "select (select count(*) from enrolled_students), (select count(*) from enrolments)"
        ).fetchone()
    finally:
        connection.close()
    assert set(MARTS) <= tables
    assert version == [(str(MARTS_VERSION),)]
    assert (enrolled, graduates, staff) == (grouped, graduate_groups, staff_groups)
    assert group_rows < enrolment_rows


def _old_copy(source: Path, folder: Path, marts: str) -> Path:
    """A copy of ``source`` as a database published before the marts existed (``none``) or
    with marts of an older version whose tables are stale (``older``: emptied, so reading
    them would change every number)."""
    copy = folder / f"old-{marts}.duckdb"
    shutil.copyfile(source, copy)
    connection = duckdb.connect(str(copy))
    try:
        for name in MARTS:
            if marts == "none":
                connection.execute(f"drop table {name}")
            else:
                connection.execute(f"delete from {name}")
        if marts == "none":
            connection.execute("delete from meta where key = 'marts_version'")
        else:
            connection.execute(
                "update meta set value = ? where key = 'marts_version'", [str(MARTS_VERSION - 1)]
            )
    finally:
        connection.close()
    return copy


def _every_kpi(cursor: duckdb.DuckDBPyConnection, state: FilterState) -> pd.DataFrame:
    years = data_years(cursor)
    frames = [
        kpi_frame(cursor, kpi.id, state, by, NONE, years=years).assign(by=by or "total")
        for kpi in KPIS
        for by in (None, kpi.breakdowns[0] if kpi.breakdowns else None)
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.slow
@pytest.mark.parametrize("marts", ["none", "older"])
def test_a_database_published_before_the_marts_gives_the_same_numbers(
    demo_database: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, marts: str
) -> None:
    """Computed as views on the raw tables (slower), with a warning that a load rebuilds
    them; cell by cell what the marts give, for every KPI's total and first breakdown, on a
    plain connection (the CLI) and on the dashboard's snapshot cursors."""
    old = _old_copy(demo_database, tmp_path, marts)
    state = FilterState(faculties=("Science",))
    query._warn_marts_missing.cache_clear()
    new_connection = duckdb.connect(str(demo_database), read_only=True)
    old_connection = duckdb.connect(str(old), read_only=True)
    try:
        with caplog.at_level(logging.WARNING, logger="dashboard.kpis.query"):
            from_views = _every_kpi(old_connection.cursor(), state)
        from_marts = _every_kpi(new_connection.cursor(), state)
    finally:
        new_connection.close()
        old_connection.close()
    assert "no KPI marts" in caplog.text
    assert len(from_marts) > 100
    pd.testing.assert_frame_equal(from_views, from_marts)

    database = PublishedDatabase(old)
    try:
        with database.cursor() as cursor:
            from_snapshot = _every_kpi(cursor, state)
    finally:
        database.close()
    pd.testing.assert_frame_equal(from_snapshot, from_marts)


def test_graduates_alike_are_one_group_and_their_stays_still_count(load) -> None:  # noqa: ANN001
    """Two graduates alike in every column a KPI reads are one row of the mart with
    headcount 2, yet whether each one's own stays qualify is kept apart: one graduate with
    two stays summing to 90 days qualifies, the other (60 days) does not."""
    cursor = load(
        {
            "graduates": [
                ["academic_year", "student_key", "headcount", "programme_code", "cycle",
                 "graduation_date", "nationality", "gender"],
                [2022, "g1", 1, "M1", "master", "2023-07-01", "NL", "female"],
                [2022, "g2", 1, "M1", "master", "2023-07-01", "NL", "female"],
                [2022, "g3", 1, "M1", "master", "2023-07-01", "NL", "female"],
            ],
            "mobility": [
                ["mobility_id", "participant", "direction", "person_key", "headcount",
                 "academic_year", "cycle", "programme_code", "activity", "partner_country",
                 "start_date", "end_date", "duration_days"],
                ["s1", "student", "outgoing", "g1", 1, 2022, "master", "M1", "study", "DE",
                 "2022-09-01", "2022-10-15", 45],
                ["s2", "student", "outgoing", "g1", 1, 2022, "master", "M1", "traineeship",
                 "FR", "2023-02-01", "2023-03-17", 45],
                ["s3", "student", "outgoing", "g2", 1, 2022, "master", "M1", "study", "DE",
                 "2022-09-01", "2022-10-30", 60],
            ],
        }
    )  # fmt: skip
    groups = cursor.execute(
        "select has_qualifying_stays, headcount from graduates_with_stays order by 1"
    ).fetchall()
    assert groups == [(False, 2), (True, 1)]
    frame = kpi_frame(
        cursor, "outgoing_mobility_rate_master", FilterState(), context=NONE, years=[2022]
    )
    assert (frame["numerator"].tolist(), frame["denominator"].tolist()) == ([1.0], [3.0])
