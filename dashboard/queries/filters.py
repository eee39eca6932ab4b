"""What the filter bar offers: available academic years, faculties, and programmes per
faculty, read from the published database."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from dashboard.filters_state import CYCLES, DEFAULT_CYCLES, FilterOptions, Programme
from dashboard.kpis.query import data_years

PROGRAMME_CODE = "programme_code"
PROGRAMME_NAME = "programme_name"
FACULTY = "faculty"
CYCLE = "cycle"


def available_years(cursor: duckdb.DuckDBPyConnection) -> list[int]:
    """The academic years the filter bar offers (those of the KPI query layer)."""
    return data_years(cursor)


def faculties(cursor: duckdb.DuckDBPyConnection, institution: str | None = None) -> list[str]:
    """Faculties of the home institution's programmes and of its staff, alphabetically."""
    rows = cursor.execute(
        """
        -- the home institution's programmes: its own code, or none given (see programmes)
        select faculty from programmes
        where $institution is null or institution_code is null or institution_code = $institution
        union select faculty from staff
        order by 1
        """,
        {"institution": institution or None},
    ).fetchall()
    return [faculty for (faculty,) in rows if faculty]


def programmes(
    cursor: duckdb.DuckDBPyConnection,
    faculties: Sequence[str] = (),
    institution: str | None = None,
) -> pd.DataFrame:
    """Programmes (code, name, faculty, cycle) of the given faculties (all when none given),
    ordered by name."""
    return cursor.execute(
        """
        select programme_code, programme_name, faculty, cycle
        from programmes
        where ($institution is null or institution_code is null
               or institution_code = $institution)
          and (len($faculties) = 0 or list_contains($faculties, faculty))
        order by programme_name, programme_code
        """,
        {"faculties": list(faculties), "institution": institution or None},
    ).df()


def filter_options(
    cursor: duckdb.DuckDBPyConnection, institution: str | None = None
) -> FilterOptions:
    """Everything the filter bar offers, in one read."""
    frame = programmes(cursor, institution=institution)
    present = set(frame[CYCLE])
    return FilterOptions(
        years=tuple(available_years(cursor)),
        faculties=tuple(faculties(cursor, institution)),
        programmes=tuple(
            Programme(code=str(code), name=str(name), faculty=str(faculty), cycle=str(cycle))
            for code, name, faculty, cycle in frame[
                [PROGRAMME_CODE, PROGRAMME_NAME, FACULTY, CYCLE]
            ].itertuples(index=False)
        ),
        cycles=tuple(c for c in CYCLES if c in present or c in DEFAULT_CYCLES),
    )
