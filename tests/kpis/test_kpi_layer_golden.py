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
