"""Every number of the KPI layer, cell by cell, against a golden file (issue 12).

The golden file was written by the KPI layer before its SQL moved from Python f-strings to
``.sql`` files on shared views; any redesign of the layer must keep every cell of it. It
holds every KPI by every breakdown (and the total) for the whole university, a faculty
selection, a programme selection, a cycle selection, the ``prior_education`` and ``both``
bases of the student shares, and a signed-in user restricted to one faculty, all without
suppression (the suppression presets have their own tests) and with floats rounded to 9
decimals.

Regenerate only when a number is meant to change, and say why in the commit:
``INTL_KPI_WRITE_GOLDEN=1 .venv/bin/python -m pytest tests/kpis/test_kpi_layer_golden.py``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, data_years, kpi_frame
from dashboard.kpis.registry import KPIS

GOLDEN = Path(__file__).parent.parent / "fixtures" / "kpi_golden.parquet"
CASE = "case"
BY = "by_requested"

FACULTY = "Science"
PROGRAMMES = ("56703", "61284")  # a bachelor and a master of Science
RESTRICTED_TO = ("Humanities",)


def _cases() -> list[tuple[str, FilterState, QueryContext, bool]]:
    """(name, selection, context, every breakdown or the total and faculty only)."""
    none = QueryContext(suppression="none")
    return [
        ("university", FilterState(), none, True),
        ("faculty", FilterState(faculties=(FACULTY,)), none, True),
        ("programme", FilterState(programmes=PROGRAMMES), none, True),
        ("cycle", FilterState(cycles=("master",)), none, False),
        ("years", FilterState(year_from=2018, year_to=2021), none, False),
        (
            "restricted",
            FilterState(),
            QueryContext(suppression="none", allowed_faculties=RESTRICTED_TO),
            False,
        ),
    ]


_BASES = ("prior_education", "both")


def kpi_layer_outputs(cursor: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every case as one long frame with rounded floats and a fixed column order."""
    years = data_years(cursor)
    frames = []

    def add(name: str, kpi_id: str, state: FilterState, by: str | None, context) -> None:
        frame = kpi_frame(cursor, kpi_id, state, by, context, years=years)
        frame.insert(0, BY, by or "")
        frame.insert(0, CASE, name)
        frames.append(frame)

    for name, state, context, every_breakdown in _cases():
        for kpi in KPIS:
            breakdowns = kpi.breakdowns if every_breakdown else ("faculty",)
            for by in (None, *(b for b in breakdowns if b in kpi.breakdowns)):
                add(name, kpi.id, state, by, context)
    for kpi in KPIS:
        if not (kpi.id.startswith("intl_share_") or "basis" in kpi.filters):
            continue
        for basis in _BASES:
            for by in (None, *kpi.breakdowns):
                add(
                    f"basis_{basis}",
                    kpi.id,
                    FilterState(basis=basis),
                    by,
                    QueryContext("NL", "none"),
                )
    table = pd.concat(frames, ignore_index=True)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            table[column] = table[column].round(9)
        elif pd.api.types.is_bool_dtype(table[column]):
            table[column] = table[column].astype(bool)
        elif column not in ("academic_year",):
            table[column] = table[column].astype(str)
    return table.reset_index(drop=True)


@pytest.mark.slow
def test_every_kpi_cell_matches_the_golden_file(demo_database_cursor) -> None:
    actual = kpi_layer_outputs(demo_database_cursor)
    if os.environ.get("INTL_KPI_WRITE_GOLDEN"):
        actual.to_parquet(GOLDEN, index=False, compression="zstd")
    expected = pd.read_parquet(GOLDEN)
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected), "a KPI, breakdown or group was added or lost"
    keys = [CASE, "kpi_id", BY]
    for key, rows in expected.groupby(keys, sort=False):
        mine = actual.loc[
            (actual[CASE] == key[0]) & (actual["kpi_id"] == key[1]) & (actual[BY] == key[2])
        ].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            mine, rows.reset_index(drop=True), check_exact=True, obj=" / ".join(key)
        )


def test_the_sql_rules_are_the_registry_rules() -> None:
    """The macros of ``etl/sql/marts/rules.sql`` say what the registry says."""
    from dashboard.kpis import query, registry

    connection = duckdb.connect()
    connection.execute("create table country_membership (iso2 varchar, country varchar, "
                       "member_from date, member_until date)")  # fmt: skip
    connection.execute("create table countries (iso2 varchar, continent varchar)")
    query.create_views_for_rules(connection)
    activities = sorted(
        set(registry.BENCHMARK_ACTIVITIES)
        | set(registry.BLENDED_VIRTUAL_ACTIVITIES)
        | set(registry.STAFF_MOBILITY_ACTIVITIES)
        | set(registry.RECOGNITION_ACTIVITIES)
        | set(registry.EXCHANGE_BALANCE_ACTIVITIES)
        | {"other_activity"}
    )

    def which(macro: str, values: list[str]) -> tuple[str, ...]:
        kept = connection.execute(
            f"select list_filter($values, lambda v: {macro}(v))", {"values": values}
        ).fetchone()[0]
        return tuple(kept)

    assert set(which("benchmark_activity", activities)) == set(registry.BENCHMARK_ACTIVITIES)
    assert set(which("blended_or_virtual", activities)) == set(registry.BLENDED_VIRTUAL_ACTIVITIES)
    assert set(which("staff_mobility_activity", activities)) == set(
        registry.STAFF_MOBILITY_ACTIVITIES
    )
    assert set(which("recognition_activity", activities)) == set(registry.RECOGNITION_ACTIVITIES)
    actions = [*registry.COOPERATION_ACTIONS, "erasmus_mundus"]
    assert which("cooperation_action", actions) == registry.COOPERATION_ACTIONS
    days, ects = registry.BENCHMARK_MIN_DAYS, registry.BENCHMARK_MIN_ECTS
    checks = connection.execute(
        "select qualifying_stay('study', $days, null), qualifying_stay('study', $days - 1, "
        "$ects - 1), qualifying_stay('study', null, $ects), "
        "balance_stay($activity, $days, null), balance_stay($activity, $days - 1, null)",
        {"days": days, "ects": ects, "activity": registry.EXCHANGE_BALANCE_ACTIVITIES[0]},
    ).fetchone()
    assert checks == (True, False, True, True, False)
    balance = [a for a in activities if connection.execute(
        "select balance_stay($a, null, null)", {"a": a}).fetchone()[0]]  # fmt: skip
    assert set(balance) == set(registry.EXCHANGE_BALANCE_ACTIVITIES)


def test_every_kpi_has_one_sql_file_with_known_breakdowns() -> None:
    """One registry entry, one SQL file: every KPI's file exists, and every breakdown the
    registry allows has an expression for each family the file marks."""
    from dashboard.kpis import query

    for kpi in KPIS:
        for by in (None, *kpi.breakdowns):
            sql = query.kpi_sql(kpi, by)
            assert "/* breakdown:" not in sql, (kpi.id, by)


# The read layer: the only modules that run SQL against the published database (and the
# sign-in throttle's own store, which is not the published database).
READ_LAYER = {
    "dashboard/kpis/query.py",
    "dashboard/queries/filters.py",
    "dashboard/queries/status.py",
    "dashboard/db.py",
    "etl/status.py",
    "dashboard/auth/throttle.py",
}


def test_only_the_read_layer_runs_sql() -> None:
    """No page, callback, component, chart or command runs SQL of its own (issue 12)."""
    root = Path(__file__).parent.parent.parent
    sources = [*root.glob("dashboard/**/*.py"), root / "app.py", root / "etl" / "cli.py"]
    sources += [root / "etl" / "users_cli.py", root / "etl" / "docs.py"]
    offenders = []
    for path in sources:
        relative = path.relative_to(root).as_posix()
        if relative in READ_LAYER or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        if ".execute(" in text or ".sql(" in text:
            offenders.append(relative)
    assert offenders == []


def test_the_etl_cli_does_not_import_the_dashboard() -> None:
    """``intl-kpi kpis`` is assembled in ``dashboard/cli.py``: the ETL's command line no
    longer imports the KPI layer."""
    root = Path(__file__).parent.parent.parent
    for name in ("cli.py", "status.py", "users_cli.py"):
        tree = ast.parse((root / "etl" / name).read_text(encoding="utf-8"))
        imported = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ]
        assert not [module for module in imported if module and module.startswith("dashboard")]


def test_a_unit_is_an_object() -> None:
    from dashboard.kpis.registry import UNIT_SPECS, get_kpi

    assert get_kpi("intl_share_master").unit_spec.text(23.456) == "23.5%"
    assert UNIT_SPECS["count"].text(1234.0) == "1,234"
    assert UNIT_SPECS["ratio"].text(0.8512) == "0.85"
    assert UNIT_SPECS["per_100"].text(float("nan")) == ""
    assert [name for name, unit in UNIT_SPECS.items() if unit.is_rate] == [
        "percent",
        "ratio",
        "per_100",
    ]
