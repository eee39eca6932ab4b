"""The data checks run after every load, declared in one place (like dbt's schema.yml).

``declared_checks()`` derives unique / not-null / accepted-values / relationship checks
from ``etl/entities.py`` and adds the data-quality findings a user should see (unknown
nationalities, sources without nationality). The ETL runs them on the new snapshot before
publishing it: a failing ``error`` check stops the publish; ``warning`` and ``info`` checks
become the quality findings shown by ``intl-kpi status`` and the Data page. Tests run the
same list against their fixture databases.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.entities import (
    ENTITIES,
    NATIONALITY_NOT_AVAILABLE,
    RELATIONSHIPS,
    UNKNOWN_NATIONALITY,
    Entity,
)
from etl.progress import progress

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Check:
    """A named query counting failing rows (or people, for the quality findings)."""

    name: str
    entity: str
    column: str
    severity: str
    description: str
    # Returns one number: how many rows fail. Identifiers come from etl/entities.py only.
    sql: str

    def run(self, connection: duckdb.DuckDBPyConnection) -> int:
        return int(connection.execute(self.sql).fetchall()[0][0] or 0)


def _quoted_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _entity_checks(entity: Entity) -> list[Check]:
    table = entity.name
    checks = []
    key = list(entity.key)
    condition = f"{entity.person_key} is not null" if entity.person_key else "true"
    if entity.person_key is None:
        condition = " and ".join(f"{column} is not null" for column in key)
    checks.append(
        Check(
            f"unique_{table}_{'_'.join(key)}",
            table,
            ", ".join(key),
            "error",
            f"{', '.join(key)} identifies at most one row",
            f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {table} "
            f"where {condition} group by {', '.join(key)} having count(*) > 1)",
        )
    )
    for column in entity.columns:
        if column.required:
            checks.append(
                Check(
                    f"not_null_{table}_{column.name}",
                    table,
                    column.name,
                    "error",
                    f"{column.name} is always filled",
                    f"select count(*) from {table} where {column.name} is null",
                )
            )
        if column.kind == "choice":
            checks.append(
                Check(
                    f"accepted_values_{table}_{column.name}",
                    table,
                    column.name,
                    "error",
                    f"{column.name} is one of {', '.join(column.choices)}",
                    f"select count(*) from {table} where {column.name} is not null "
                    f"and {column.name} not in ({_quoted_list(column.choices)})",
                )
            )
    return checks


def _relationship_checks() -> list[Check]:
    return [
        Check(
            f"relationship_{table}_{column}",
            table,
            column,
            "error",
            f"every {column} in {table} exists in {to_table}",
            f"select count(*) from {table} where {column} is not null and {column} not in "
            f"(select {to_column} from {to_table})",
        )
        for table, column, to_table, to_column in RELATIONSHIPS
    ]


def _quality_checks() -> list[Check]:
    checks = []
    for table in ("enrolments", "graduates", "staff"):
        checks.append(
            Check(
                f"nationality_unknown_{table}",
                table,
                "nationality",
                "warning",
                "people whose nationality is missing (kept as 'unknown'; they count in totals "
                "but in no nationality)",
                f"select sum(headcount) from {table} where nationality = '{UNKNOWN_NATIONALITY}'",
            )
        )
    for table in ("enrolments", "graduates"):
        checks.append(
            Check(
                f"nationality_not_available_{table}",
                table,
                "nationality",
                "info",
                "people loaded from a source without nationality (e.g. DUO): they feed totals, "
                "and diversity KPIs report 'nationality not available' for them",
                f"select sum(headcount) from {table} "
                f"where nationality = '{NATIONALITY_NOT_AVAILABLE}'",
            )
        )
    checks.append(
        Check(
            "mobility_partner_country_missing",
            "mobility",
            "partner_country",
            "warning",
            "mobilities without a partner country (not on the map, not in regional shares)",
            "select sum(headcount) from mobility where partner_country is null",
        )
    )
    checks.append(
        Check(
            "mobility_duration_missing",
            "mobility",
            "duration_days",
            "warning",
            "mobilities without dates or duration (cannot be tested against the 3-month rule)",
            "select sum(headcount) from mobility where duration_days is null "
            "and participant = 'student'",
        )
    )
    checks.append(
        Check(
            "programmes_without_mobility_window_flag",
            "programmes",
            "mobility_window",
            "info",
            "bachelor programmes that do not say whether they offer a mobility window",
            "select count(*) from programmes where cycle = 'bachelor' and mobility_window is null",
        )
    )
    return checks


def declared_checks() -> list[Check]:
    """Every check, in a stable order."""
    checks = [check for entity in ENTITIES for check in _entity_checks(entity)]
    return checks + _relationship_checks() + _quality_checks()


def run_checks(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Run every declared check; return the failing ones as quality findings."""
    rows = []
    checks = declared_checks()
    with progress("Checking", len(checks), "check(s)") as step:
        for check in checks:
            step.working_on(check.name)
            failing = check.run(connection)
            step.advance(item=check.name)
            if not failing:
                continue
            rows.append(
                {
                    "check_name": check.name,
                    "entity": check.entity,
                    "column_name": check.column,
                    "severity": check.severity,
                    "failing_rows": failing,
                    "description": check.description,
                }
            )
    columns = ["check_name", "entity", "column_name", "severity", "failing_rows", "description"]
    return pd.DataFrame(rows, columns=columns)
