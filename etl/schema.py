"""The published database's tables: one per input entity (generated from
``etl/entities.py`` so the two never disagree), the reference tables, and the load metadata
(``etl/sql/metadata.sql``). The KPIs aggregate these tables directly at query time
(``dashboard/kpis/query.py``): at national scale that takes tens of milliseconds per KPI, so
no pre-aggregated marts are kept.
"""

from __future__ import annotations

import importlib.resources

import duckdb

from etl.countries import country_table
from etl.entities import ENTITIES, Entity
from etl.membership import membership_table

SCHEMA_VERSION = 1

SQL_TYPES = {
    "text": "varchar",
    "code": "varchar",
    "choice": "varchar",
    "country": "varchar",
    "nationality": "varchar",
    "erasmus_code": "varchar",
    "year": "integer",
    "int": "integer",
    "decimal": "double",
    "bool": "boolean",
    "date": "date",
}

# Columns that validation always fills (derived or defaulted), so they are never null.
NOT_NULL_AFTER_LOAD = {
    "enrolments": ("cycle", "headcount", "nationality", "gender", "enrolment_type", "population"),
    "graduates": ("cycle", "headcount", "nationality", "gender"),
    "staff": ("headcount", "nationality", "gender"),
    "mobility": ("academic_year", "headcount"),
}


def create_table_sql(entity: Entity) -> str:
    """``create table`` for an entity: its columns plus the id of the load that wrote them."""
    not_null = set(NOT_NULL_AFTER_LOAD.get(entity.name, ()))
    lines = []
    for column in entity.columns:
        constraint = " not null" if column.required or column.name in not_null else ""
        lines.append(f"    {column.name} {SQL_TYPES[column.kind]}{constraint}")
    lines.append("    _load_id integer not null")
    return f"create table if not exists {entity.name} (\n" + ",\n".join(lines) + "\n)"


def sql_file(name: str) -> str:
    """Text of a file under ``etl/sql``."""
    return (importlib.resources.files("etl") / "sql" / name).read_text(encoding="utf-8")


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create every table of an empty database (idempotent)."""
    for entity in ENTITIES:
        connection.execute(create_table_sql(entity))
    connection.execute(sql_file("metadata.sql"))
    refresh_reference_tables(connection)


def refresh_reference_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """(Re)write the reference tables: ``countries`` from the country libraries, and
    ``country_membership`` (EU/EEA membership periods with their sources) from
    ``etl/reference/eu_membership.csv``, so a region is the one of the year, not today's."""
    country_frame = country_table()  # noqa: F841 (read by DuckDB's replacement scan)
    connection.execute("create or replace table countries as select * from country_frame")
    membership_frame = membership_table()  # noqa: F841 (read by DuckDB's replacement scan)
    connection.execute(
        "create or replace table country_membership as select iso2, country, membership, "
        "cast(member_from as date) as member_from, cast(member_until as date) as member_until, "
        "source from membership_frame"
    )
