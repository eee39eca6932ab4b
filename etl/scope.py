"""What a load replaces, and what it changes.

A file replaces only the rows it covers: for entities with a year, the rows of its academic
years (within the entity's ``replace_partition``: population, participant and direction)
*and* of its faculties (``scope="faculty"``, the default), of its programmes
(``"programme"``) or of the whole university (``"university"``: every row of those years).
So one faculty's 2019-20 enrolment export replaces that faculty's 2019-20 enrolments and
leaves the other faculties' rows alone. Enrolments and graduates take their faculty from
the programme; staff, mobility and network activities have their own faculty column. A row
that names no faculty (or, for ``"programme"``, no programme) says nothing narrower than the
university, so it makes its file cover the whole university for that year. Entities
without a year are replaced row by row on their key, whatever the scope.

Before publishing, the load compares every affected entity-year's rows and headcount
before and after (:func:`counts`, :func:`change`) and refuses a change that drops more than the
``INTL_KPI_SHRINK_LIMIT`` share of a year's headcount (:func:`shrinks`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.entities import ENTITY_BY_NAME, Entity

SCOPES = ("faculty", "programme", "university")
DEFAULT_SCOPE = "faculty"

# Entities whose rows get their faculty from the programme they belong to.
_FACULTY_FROM_PROGRAMME = frozenset({"enrolments", "graduates"})

CHANGE_COLUMNS = (
    "entity",
    "academic_year",
    "group",
    "rows_before",
    "rows_after",
    "headcount_before",
    "headcount_after",
)


@dataclass(frozen=True)
class _ScopeSql:
    """How to read an entity's scope columns from a table aliased ``t``."""

    join: str  # extra join (programmes, for the faculty of enrolments and graduates)
    # the same join as a ``using`` table and a condition, for ``delete ... using``
    using: str
    using_condition: str
    expressions: tuple[str, ...]  # year and partition expressions: matched exactly
    narrowing: tuple[str, ...]  # programme and faculty expressions: null matches every value


def _scope_sql(entity: Entity, scope: str) -> _ScopeSql:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")
    columns = [f"t.{entity.year_column}", *(f"t.{c}" for c in entity.replace_partition)]
    narrowing: list[str] = []
    join = using = using_condition = ""
    names = set(entity.column_names)
    if scope != "university":
        if entity.name in _FACULTY_FROM_PROGRAMME:
            join = "left join programmes p on p.programme_code = t.programme_code"
            # Every published row's programme exists (a checked relationship), so the
            # delete can join it as an inner join.
            using, using_condition = ", programmes p", "p.programme_code = t.programme_code and "
            faculty = "p.faculty"
        elif "faculty" in names:
            faculty = "t.faculty"
        else:
            faculty = None
        if scope == "programme" and "programme_code" in names:
            narrowing.append("t.programme_code")
        if faculty is not None:
            narrowing.append(faculty)
    return _ScopeSql(
        join=join,
        using=using,
        using_condition=using_condition,
        expressions=tuple(columns),
        narrowing=tuple(narrowing),
    )


def replace_rows(
    connection: duckdb.DuckDBPyConnection,
    entity: Entity,
    incoming_name: str,
    load_id: int,
    scope: str = DEFAULT_SCOPE,
) -> None:
    """Delete the rows the registered frame ``incoming_name`` replaces, then insert it."""
    # Identifiers come from etl/entities.py and SCOPES only; values stay in DuckDB.
    if entity.year_column is None:
        matches = " and ".join(f"t.{c} is not distinct from n.{c}" for c in entity.key)
        covered = f"select distinct {', '.join(entity.key)} from {incoming_name}"
        connection.execute(f"delete from {entity.name} as t using ({covered}) n where {matches}")
    else:
        sql = _scope_sql(entity, scope)
        expressions = sql.expressions + sql.narrowing
        aliases = [f"s{index}" for index in range(len(expressions))]
        selected = ", ".join(
            f"{expression} as {alias}"
            for expression, alias in zip(expressions, aliases, strict=True)
        )
        covered = f"select distinct {selected} from {incoming_name} t {sql.join}"
        matches = " and ".join(
            f"{expression} is not distinct from n.{alias}"
            if expression in sql.expressions
            else f"(n.{alias} is null or {expression} = n.{alias})"
            for expression, alias in zip(expressions, aliases, strict=True)
        )
        connection.execute(
            f"delete from {entity.name} as t using ({covered}) n{sql.using} "
            f"where {sql.using_condition}{matches}"
        )
    columns = ", ".join(entity.column_names)
    connection.execute(
        f"insert into {entity.name} ({columns}, _load_id) select {columns}, ? from {incoming_name}",
        [load_id],
    )


def counts(
    connection: duckdb.DuckDBPyConnection, entity: Entity, years: list[int] | None
) -> pd.DataFrame:
    """Rows and headcount of ``entity`` per year and partition group, for ``years``
    (``None``: the whole table as one group, for entities without a year)."""
    headcount = "sum(headcount)" if "headcount" in entity.column_names else "count(*)"
    if entity.year_column is None:
        frame = connection.execute(
            f"select null::integer as academic_year, '' as grp, count(*) as rows, "
            f"{headcount} as headcount from {entity.name}"
        ).df()
    else:
        group = (
            "concat_ws(' ', " + ", ".join(entity.replace_partition) + ")"
            if entity.replace_partition
            else "''"
        )
        frame = connection.execute(
            f"select {entity.year_column} as academic_year, {group} as grp, "
            f"count(*) as rows, {headcount} as headcount from {entity.name} "
            f"where list_contains(?, {entity.year_column}) group by all",
            [list(years or [])],
        ).df()
    frame["headcount"] = frame["headcount"].fillna(0).astype("int64")
    frame["rows"] = frame["rows"].astype("int64")
    return frame


def change(entity: Entity, before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rows and headcount before -> after per year and group (columns CHANGE_COLUMNS)."""
    merged = before.merge(
        after, on=["academic_year", "grp"], how="outer", suffixes=("_before", "_after")
    )
    for column in ("rows_before", "rows_after", "headcount_before", "headcount_after"):
        merged[column] = merged[column].fillna(0).astype("int64")
    merged = merged.rename(columns={"grp": "group"}).assign(entity=entity.name)
    return merged[list(CHANGE_COLUMNS)].sort_values(["academic_year", "group"])


def year_label(entity_name: str, year: object) -> str:
    """``2019-20`` for academic years, ``2019`` for staff's 1 October reference year."""
    if year is None or pd.isna(year):
        return "all years"
    year = int(year)
    if entity_name == "staff":
        return str(year)
    return f"{year}-{(year + 1) % 100:02d}"


def describe(row: pd.Series | object) -> str:
    """One line of the change summary."""
    group = f" {row.group}" if row.group else ""
    drop = ""
    if row.headcount_before:
        share = (row.headcount_after - row.headcount_before) / row.headcount_before
        drop = f" ({share:+.1%})"
    text = (
        f"{row.entity} {year_label(row.entity, row.academic_year)}{group}: "
        f"rows {row.rows_before:,} -> {row.rows_after:,}"
    )
    if "headcount" in ENTITY_BY_NAME[row.entity].column_names:
        return f"{text}, headcount {row.headcount_before:,} -> {row.headcount_after:,}{drop}"
    return text + drop


def shrinks(changes: pd.DataFrame, limit_percent: float) -> pd.DataFrame:
    """The entity-years whose headcount drops by more than ``limit_percent`` percent."""
    if changes.empty:
        return changes
    yearly = changes[changes["academic_year"].notna() & (changes["headcount_before"] > 0)]
    drop = (yearly["headcount_before"] - yearly["headcount_after"]) / yearly["headcount_before"]
    return yearly[drop * 100 > limit_percent]
