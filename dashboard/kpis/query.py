"""The KPI query layer: ``kpi id + filters + breakdown -> DataFrame``.

Every number the dashboard, the downloads and ``intl-kpi kpis`` show comes from
:func:`kpi_frame`. Aggregation happens in DuckDB; filter values are bound parameters and
breakdown expressions come from the allow-lists below, never from user text. Suppression
(``dashboard.kpis.suppression``) is applied here, before anything leaves this module.

The frame has one row per academic year and breakdown group, with the columns named by the
constants below: the value with its numerator and denominator, the unit, whether anything
was withheld, whether the year is provisional, and the method when a KPI fell back to
another one (the yearly participation rate standing in for the graduate mobility rate).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard.filters_state import FilterState
from dashboard.i18n import _
from dashboard.kpis.registry import Kpi, get_kpi
from dashboard.kpis.suppression import DEFAULT_PRESET, get_preset, suppress
from etl.store import MARTS, MARTS_VERSION, mart_sql, marts_rules_sql

KPI_ID = "kpi_id"
ACADEMIC_YEAR = "academic_year"
BREAKDOWN = "breakdown"
GROUP = "group"
VALUE = "value"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
UNIT = "unit"
SUPPRESSED = "suppressed"
PROVISIONAL = "provisional"
METHOD = "method"
NOTE = "note"
COLUMNS = (
    KPI_ID,
    ACADEMIC_YEAR,
    BREAKDOWN,
    GROUP,
    VALUE,
    NUMERATOR,
    DENOMINATOR,
    UNIT,
    SUPPRESSED,
    PROVISIONAL,
    METHOD,
    NOTE,
)
TOTAL = "total"
ALL = "all"
# Internal: people behind a value whose numerator and denominator are not people (ECTS).
_PEOPLE = "_people"
# Internal: headcount whose nationality is not available (DUO rows).
_UNAVAILABLE = "_unavailable"

METHOD_GRADUATES = "graduates"
METHOD_PARTICIPATION_FALLBACK = "participation rate (fallback: no graduate records)"
NOTE_NOT_AVAILABLE = "nationality not available"
NOTE_STAFF_BASIS = "staff: nationality basis (no prior-education data)"
NOT_COUNTED_NATIONALITIES = ("unknown", "not_available")

logger = logging.getLogger(__name__)


class UnknownBreakdown(ValueError):
    """A breakdown the KPI does not allow."""


@dataclass(frozen=True)
class QueryContext:
    """The settings a query depends on (from ``etl.settings.Settings``)."""

    home_country: str = "NL"
    suppression: str = DEFAULT_PRESET
    provisional_years: int = 1
    # The signed-in user's faculty scope (``dashboard.auth``): ``None`` means every faculty.
    # Every query is restricted to these faculties, whatever the filter selection says;
    # KPIs without a faculty dimension return no rows for a restricted scope.
    allowed_faculties: tuple[str, ...] | None = None

    @classmethod
    def from_settings(
        cls, settings: object, allowed_faculties: tuple[str, ...] | None = None
    ) -> QueryContext:
        return cls(
            home_country=settings.home_country,
            suppression=settings.suppression,
            provisional_years=settings.provisional_years,
            allowed_faculties=None if allowed_faculties is None else tuple(allowed_faculties),
        )

    def in_scope(self, kpi: Kpi, state: FilterState) -> bool:
        """Whether the selection may be answered at all under the faculty scope."""
        if self.allowed_faculties is None:
            return True
        if "faculty" not in kpi.filters or not self.allowed_faculties:
            return False
        return set(state.faculties) <= set(self.allowed_faculties)


# --- SQL files ----------------------------------------------------------------------------
# A KPI's SQL is the file its registry entry names under ``sql/`` (a family folder each:
# students, staff, mobility, networks), on the marts the ETL builds at every publish
# (``etl/sql/marts/``: enrolled_students, graduates_with_stays, staff_groups, staff_trips,
# stays, stay_groups, qualifying_movers, and the rules' macros), and the filter macros and
# thin views of ``sql/views/``. A file pasted into the DuckDB shell after ``.read``-ing the
# rules and views runs as the total for the bound parameters; the query layer only puts the
# breakdown's expression where the file says ``'all' /* breakdown: <family> */``, from the
# allow-lists below.

SQL_FOLDER = Path(__file__).parent / "sql"
# In dependency order, after the rules (etl/sql/marts/rules.sql): filters are macros, the
# views read the marts.
VIEW_FILES = ("filters", "degree_enrolments", "stays")
_BREAKDOWN_MARKER = re.compile(r"'all' /\* breakdown: ([a-z_]+) \*/")

# Breakdown -> SQL expression, per family of sources (the marker names the family). Only
# these expressions ever reach SQL as text; every value is a bound parameter.
_STUDENTS = {
    "faculty": "coalesce(e.faculty, 'unknown')",
    "programme": "e.programme_code",
    "cycle": "coalesce(e.cycle, 'unknown')",
    "gender": "coalesce(e.gender, 'unknown')",
    "nationality": "e.nationality",
    "nationality_region": (
        "nationality_region(e.nationality, e.second_nationality, e.academic_year, $home)"
    ),
    "world_region": "world_region(e.nationality)",
}
BREAKDOWN_SQL: dict[str, dict[str, str]] = {
    "students": _STUDENTS,
    "staff": {
        "faculty": "s.faculty",
        "staff_category": "s.category",
        "gender": "coalesce(s.gender, 'unknown')",
        "nationality": "s.nationality",
        "nationality_region": (
            "nationality_region(s.nationality, s.second_nationality, s.reference_year, $home)"
        ),
        "world_region": "world_region(s.nationality)",
    },
    # Staff have no activity: trips of each activity are set against all staff of the group.
    "staff_units": {"faculty": "s.faculty", "activity": f"'{ALL}'"},
    "people": {"population": "population", "faculty": "coalesce(faculty, 'unknown')"},
    "graduates": {
        "faculty": "coalesce(g.faculty, 'unknown')",
        "programme": "g.programme_code",
        "gender": "coalesce(g.gender, 'unknown')",
        "graduate_origin": (
            "case when degree_mobile(g.prior_education_country, $home) "
            "then 'degree-mobile (prior education abroad)' "
            "when g.prior_education_country is null then 'prior education unknown' "
            "else 'prior education at home' end"
        ),
    },
    "stays": {
        "faculty": "coalesce(m.faculty, 'unknown')",
        "programme": "coalesce(m.programme_code, 'unknown')",
        "cycle": "coalesce(m.cycle, 'unknown')",
        "activity": "m.activity",
        "benchmark": (
            "case when m.qualifying then 'counts toward the benchmark' "
            "else 'shown, not counted' end"
        ),
        "partner_country": "coalesce(m.partner_country, 'unknown')",
        "partner_region": (
            "partner_region(m.partner_country, m.partner_cee, m.partner_neighbourhood, "
            "m.academic_year)"
        ),
        "direction": "m.direction",
        "participant": "m.participant",
    },
    "programmes": {"faculty": "coalesce(p.faculty, 'unknown')"},
    "networks": {"network": "n.network_name", "network_type": "n.network_type"},
    "network_activities": {
        "network": "coalesce(n.network_name, a.network_code)",
        "activity_type": "a.activity_type",
        "faculty": "coalesce(a.faculty, 'university-wide')",
    },
    "projects": {
        "action_type": "pr.action_type",
        "role": "pr.role",
        "network": "coalesce(n.network_name, 'none')",
        "faculty": "coalesce(pr.faculty, 'university-wide')",
    },
    "agreements": {
        "partner_country": "a.partner_country",
        "partner_region": (
            "partner_region(a.partner_country, pc.cee, pc.neighbourhood, y.academic_year)"
        ),
        "agreement_type": "a.agreement_type",
        "faculty": "coalesce(a.faculty, 'university-wide')",
    },
}


@cache
def _read_sql(relative: str) -> str:
    return (SQL_FOLDER / relative).read_text(encoding="utf-8")


@cache
def views_sql() -> str:
    """Every shared view and macro, in order (what ``.read`` of each file would run)."""
    return "\n".join([marts_rules_sql(), *(_read_sql(f"views/{name}.sql") for name in VIEW_FILES)])


@cache
def marts_as_views_sql() -> str:
    """The marts as temporary views on the raw tables, for a database published before the
    ETL built them (computed on every query: correct, slower)."""
    return "\n".join(f"create or replace temp view {name} as\n{mart_sql(name)};" for name in MARTS)


def _marts_version_check_sql() -> str:
    """A statement that fails unless the database's marts are this version's."""
    return (
        "select error('the published database''s KPI marts are not version "
        f"{MARTS_VERSION}') where (select max(value) from meta where key = 'marts_version') "
        f"is distinct from '{MARTS_VERSION}';\n"
    )


def shared_views_sql() -> str:
    """The shared views and macros as persistent objects, for a database that keeps them
    (``dashboard.db`` creates them once per snapshot). On a database whose marts are of
    another version (or missing) it fails before creating anything, so every KPI query
    finds no macro and :func:`create_views` gives its cursor the marts as views."""
    return _marts_version_check_sql() + views_sql().replace(
        "create or replace temp ", "create or replace "
    )


def _marts_current(cursor: duckdb.DuckDBPyConnection) -> bool:
    try:
        rows = cursor.execute("select value from meta where key = 'marts_version'").fetchall()
    except duckdb.Error:
        return False
    return rows == [(str(MARTS_VERSION),)]


def create_views_for_rules(cursor: duckdb.DuckDBPyConnection) -> None:
    """Only the macros of the definitions' rules and the filters (for tests)."""
    cursor.execute(marts_rules_sql() + _read_sql("views/filters.sql"))


@cache
def _warn_marts_missing() -> None:
    """Once per process: every request's cursor goes this way on such a database."""
    logger.warning(
        "the published database has no KPI marts of version %d (published before they were "
        "built): computing them on every query, which is slow; a new load or `intl-kpi demo` "
        "builds them",
        MARTS_VERSION,
    )


def create_views(cursor: duckdb.DuckDBPyConnection) -> None:
    """Create the shared views and macros as temporary objects of ``cursor``'s connection
    (a DuckDB cursor is a connection of its own, so each request's cursor gets them).

    A database published before the marts, or with marts of another version
    (``marts_version``, see ``etl.store``), gets them as views on the raw tables (temporary
    objects come before the database's tables), with a warning that a reload makes it fast.
    """
    if not _marts_current(cursor):
        _warn_marts_missing()
        cursor.execute(marts_rules_sql() + marts_as_views_sql())
    cursor.execute(views_sql())


def kpi_sql_file(kpi: Kpi) -> str:
    """The KPI's SQL file, relative to ``SQL_FOLDER``."""
    if kpi.sql:
        return kpi.sql
    found = sorted(SQL_FOLDER.glob(f"*/{kpi.id}.sql"))
    if len(found) != 1:
        raise FileNotFoundError(f"{kpi.id}: expected one {kpi.id}.sql under {SQL_FOLDER}")
    return found[0].relative_to(SQL_FOLDER).as_posix()


def kpi_sql(kpi: Kpi, by: str | None) -> str:
    """The KPI's SQL with the breakdown's expressions in place (``by`` from the allow-list)."""

    def expression(match: re.Match[str]) -> str:
        if by is None:
            return f"'{ALL}'"
        family = BREAKDOWN_SQL[match.group(1)]
        if by not in family:
            raise UnknownBreakdown(f"{kpi.id}: no {by!r} breakdown for {match.group(1)}")
        return family[by]

    return _BREAKDOWN_MARKER.sub(expression, _read_sql(kpi_sql_file(kpi)))


@dataclass
class _Sql:
    """A query's parameters: the selection, narrowed to the filters the KPI honours, the
    user's faculty scope, and the KPI's own values."""

    state: FilterState
    kpi: Kpi
    context: QueryContext

    def params(self, sql: str, by: str | None) -> dict[str, object]:
        honoured = self.kpi.filters
        values: dict[str, object] = {
            "year_from": self.state.year_from,
            "year_to": self.state.year_to,
            # A filter the KPI does not honour is an empty choice: every value.
            "faculties": list(self.state.faculties) if "faculty" in honoured else [],
            "programmes": list(self.state.programmes) if "programme" in honoured else [],
            "cycles": list(self.state.cycles) if "cycle" in honoured else [],
            "scoped": self.context.allowed_faculties is not None,
            "allowed_faculties": list(self.context.allowed_faculties or ()),
            "home": self.context.home_country,
            "basis": self.state.basis,
            "cycle": self.kpi.cycle,
            "by": by or TOTAL,
            # Staff have no programme or cycle: such a selection counts students only.
            "students_only": bool(self.state.programmes or self.state.cycles),
            "staff_type": None,
        }
        values.update(dict(self.kpi.sql_parameters))
        used = set(re.findall(r"\$([a-z_]+)", sql))
        return {key: value for key, value in values.items() if key in used}


def _execute(
    cursor: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]
) -> pd.DataFrame:
    """Run ``sql``; a cursor without the shared views gets them first. The result comes as
    NumPy arrays (a few rows: ``.df()`` costs ~2 ms more per query in its conversion);
    numbers and nulls are what ``.df()`` gives, as floats."""
    try:
        result = cursor.execute(sql, params)
    except duckdb.CatalogException:
        create_views(cursor)
        result = cursor.execute(sql, params)
    arrays = result.fetchnumpy()
    # The breakdown group under its frame name, and no method yet: set here, before the
    # frame exists (a rename or a new column of a built frame copies it).
    if "grp" in arrays:
        arrays = {GROUP if name == "grp" else name: values for name, values in arrays.items()}
    rows = len(next(iter(arrays.values()), ()))
    arrays.setdefault(METHOD, pd.array([""] * rows, dtype=str))
    return pd.DataFrame(arrays)


def _run(cursor: duckdb.DuckDBPyConnection, q: _Sql, by: str | None) -> pd.DataFrame:
    sql = kpi_sql(q.kpi, by)
    return _execute(cursor, sql, q.params(sql, by))


# --- the public functions ---------------------------------------------------------------------


def data_years(cursor: duckdb.DuckDBPyConnection) -> list[int]:
    """The academic years the dashboard and ``intl-kpi kpis`` cover by default, ascending:
    years with students, graduates or staff. Mobility and network records reach further
    back or ahead (stays before a cohort's first counted year), but a year without its
    population has no denominators, so when any population is loaded only its years count.
    Without one (mobility-only, network-only or agreements-only data), every loaded table
    gives its years: mobility, network activities, and the academic years in which
    agreements and projects start."""
    rows = cursor.execute(
        """
        select academic_year from enrolments
        union select academic_year from graduates
        union select reference_year from staff
        order by 1
        """
    ).fetchall()
    if not rows:
        rows = cursor.execute(
            """
            select academic_year from mobility
            union select academic_year from network_activities
            union select start_year from agreements
            -- a project starting in September 2020 or later starts in academic year 2020
            union select year(start_date) - (month(start_date) < 9)::integer from projects
            order by 1
            """
        ).fetchall()
    return [int(year) for (year,) in rows if year is not None]


def provisional_from(years: list[int], provisional_years: int) -> int | None:
    """The first academic year flagged provisional (the last ``provisional_years``)."""
    if not years or provisional_years <= 0:
        return None
    return max(years) - provisional_years + 1


def kpi_frame(
    cursor: duckdb.DuckDBPyConnection,
    kpi_id: str,
    state: FilterState | None = None,
    by: str | None = None,
    context: QueryContext | None = None,
    *,
    years: list[int] | None = None,
) -> pd.DataFrame:
    """One KPI for a filter selection, per academic year (and breakdown group).

    ``by`` is one of the KPI's breakdowns (``None``: the total). An open year range means
    every year with data. Small counts are withheld according to the context's suppression
    preset before the frame is returned.
    """
    kpi = get_kpi(kpi_id)
    if by is not None and by not in kpi.breakdowns:
        raise UnknownBreakdown(
            f"{kpi_id} cannot be broken down by {by!r}; allowed: {', '.join(kpi.breakdowns)}"
        )
    state = state or FilterState()
    context = context or QueryContext()
    if years is None:
        years = data_years(cursor)
    if (state.year_from is None or state.year_to is None) and years:
        state = FilterState(
            year_from=min(years) if state.year_from is None else state.year_from,
            year_to=max(years) if state.year_to is None else state.year_to,
            faculties=state.faculties,
            programmes=state.programmes,
            cycles=state.cycles,
            basis=state.basis,
        )
    q = _Sql(state=state, kpi=kpi, context=context)
    if state.year_from is None or not context.in_scope(kpi, state):
        raw = pd.DataFrame(columns=[ACADEMIC_YEAR, GROUP, NUMERATOR, DENOMINATOR])
        raw[METHOD] = ""
    else:
        raw = _run(cursor, q, by)
    if kpi.id.startswith("outgoing_mobility_rate_") and context.in_scope(kpi, state):
        raw = _with_participation_fallback(cursor, q, by, raw)
    elif kpi.id == "outgoing_participation_rate":
        raw[METHOD] = _("yearly participation rate")
    frame = finalise(raw, kpi, by, context, provisional_from(years, context.provisional_years))
    staff_share = kpi.id in ("intl_share_staff", "intl_share_academic_staff")
    if staff_share and state.basis != "nationality":
        # Staff records carry no prior education: say which basis their share used.
        frame[NOTE] = NOTE_STAFF_BASIS
    return frame


def _with_participation_fallback(
    cursor: duckdb.DuckDBPyConnection, q: _Sql, by: str | None, graduates: pd.DataFrame
) -> pd.DataFrame:
    """Graduate-based rows, and the cycle's yearly participation rate for the years of the
    selection that have no graduate records."""
    graduates = graduates.copy()
    graduates[METHOD] = METHOD_GRADUATES
    covered = set(graduates.loc[graduates[DENOMINATOR] > 0, ACADEMIC_YEAR].astype(int))
    if q.state.year_from is None or q.state.year_to is None:
        return graduates
    if set(range(q.state.year_from, q.state.year_to + 1)) <= covered:
        return graduates  # graduate records for every year: no fallback to compute
    participation_by = by if by in ("faculty", "programme") else None
    # The participation rate's SQL with this KPI's selection and cycle.
    sql = kpi_sql(get_kpi("outgoing_participation_rate"), participation_by)
    fallback = _execute(cursor, sql, q.params(sql, participation_by))
    if by is not None and participation_by is None:
        # No graduate records to break down by gender: the fallback has no such groups.
        fallback = fallback.iloc[0:0]
    fallback = fallback[~fallback[ACADEMIC_YEAR].astype(int).isin(covered)]
    fallback[METHOD] = METHOD_PARTICIPATION_FALLBACK
    graduates = graduates[graduates[ACADEMIC_YEAR].astype(int).isin(covered)]
    frames = [frame for frame in (graduates, fallback) if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else graduates


def _set_values(frame: pd.DataFrame, kpi: Kpi, withheld: np.ndarray | None = None) -> None:
    """The value column from the numerator and denominator, by the KPI's unit ("index"
    comes with its value from SQL); missing where ``withheld``. Computed on NumPy arrays:
    counts that suppression rounded are nullable (``Float64``), and so is the value then."""
    unit = kpi.unit_spec
    if unit.scale is None and not unit.value_from_numerator():
        return
    numerator, denominator = frame[NUMERATOR], frame[DENOMINATOR]
    nullable = isinstance(numerator.dtype, pd.Float64Dtype) or (
        unit.scale is not None and isinstance(denominator.dtype, pd.Float64Dtype)
    )
    values = numerator.to_numpy(dtype="float64", na_value=np.nan)
    if unit.scale is not None:
        below = denominator.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = values / np.where(below > 0, below, np.nan)
        if unit.scale != 1:
            values = unit.scale * values
    else:
        values = values.copy()
    if withheld is not None:
        values[withheld] = np.nan
    frame[VALUE] = pd.array(values, dtype="Float64") if nullable else values


def _float_column(raw: pd.DataFrame, column: str) -> np.ndarray:
    """``raw[column]`` as float64 (missing or not a number: NaN)."""
    if column not in raw:
        return np.full(len(raw), np.nan)
    series = raw[column]
    if series.dtype == np.float64:
        return series.to_numpy(copy=True)
    return pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()


def _values(
    kpi: Kpi, numerator: np.ndarray, denominator: np.ndarray, value: np.ndarray
) -> np.ndarray:
    """:func:`_set_values` on arrays (before suppression, when every column is float64)."""
    unit = kpi.unit_spec
    if unit.scale is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = numerator / np.where(denominator > 0, denominator, np.nan)
        return ratio if unit.scale == 1 else unit.scale * ratio
    if unit.value_from_numerator():
        return numerator.copy()
    return value


def finalise(
    raw: pd.DataFrame,
    kpi: Kpi,
    by: str | None,
    context: QueryContext,
    first_provisional: int | None,
) -> pd.DataFrame:
    """Values from numerators and denominators, suppression, flags, and fixed columns."""
    # One frame built from arrays: a few rows each, so pandas' cost per column operation,
    # not the data, is what a KPI pays here (17 frames for a Mobility page).
    numerator = _float_column(raw, NUMERATOR)
    denominator = _float_column(raw, DENOMINATOR)
    value = _values(kpi, numerator, denominator, _float_column(raw, VALUE))
    columns: dict[str, object] = {
        name: raw[name]
        for name in raw.columns
        if name not in (NUMERATOR, DENOMINATOR, VALUE, ACADEMIC_YEAR, GROUP)
    }
    years = raw[ACADEMIC_YEAR]
    columns[ACADEMIC_YEAR] = years if years.dtype == np.int64 else years.astype("int64")
    columns[GROUP] = raw[GROUP].astype(str) if len(raw) else pd.Series(dtype=str)
    columns.update({NUMERATOR: numerator, DENOMINATOR: denominator, VALUE: value, NOTE: ""})
    frame = pd.DataFrame(columns, index=raw.index)
    # In year, then group order before anything is withheld: where complementary
    # suppression (duo) chooses between equal cells, the choice must not follow the order
    # SQL returned the rows in, which a parallel scan varies; two answers to one selection
    # would otherwise each show a cell the other withholds, and give the hidden one away.
    years = frame[ACADEMIC_YEAR].to_numpy()
    order = np.argsort(frame[GROUP].to_numpy(dtype=object), kind="stable")
    order = order[np.argsort(years[order], kind="stable")]
    frame = frame.take(order)
    frame.index = pd.RangeIndex(len(frame))

    if _UNAVAILABLE in frame:
        unavailable = pd.to_numeric(frame[_UNAVAILABLE], errors="coerce").fillna(0)
        # No known status behind the row: a share with nothing to count, or a composition
        # group (its numerator is missing) made only of such rows.
        not_available = (unavailable > 0) & (
            (frame[DENOMINATOR].fillna(0) == 0) | frame[NUMERATOR].isna()
        )
        frame.loc[not_available, NOTE] = NOTE_NOT_AVAILABLE
        frame = frame.drop(columns=[_UNAVAILABLE])

    preset = get_preset(context.suppression)
    people = [NUMERATOR, DENOMINATOR] if kpi.counts_people else []
    if kpi.unit == "index":
        people = [DENOMINATOR]
    people += [name for name, _label, is_people in kpi.extra_measures if is_people]
    if _PEOPLE in frame:
        people.append(_PEOPLE)
    people = [column for column in people if column in frame]
    frame[SUPPRESSED] = False
    # People behind a rate of credits, before rounding: a rate on too few is withheld.
    people_behind = pd.to_numeric(frame[_PEOPLE], errors="coerce") if _PEOPLE in frame else None
    if people:
        rate: tuple[str, str] | None = (NUMERATOR, DENOMINATOR)
        if kpi.unit == "index":
            rate = (DENOMINATOR, DENOMINATOR)
        elif kpi.unit == "count":
            # A count is no rate: nothing is withheld for want of a denominator (hesa would
            # otherwise flag every count below 22.5 as suppressed).
            rate = None
        frame = suppress(
            frame,
            preset,
            people_columns=people,
            rate_columns=rate,
            share=kpi.share,
            value_column=VALUE,
            suppressed_column=SUPPRESSED,
        )
    if _PEOPLE in frame:
        # Too few people behind a rate of credits: withhold it with its parts.
        hidden = frame[_PEOPLE].isna() | (people_behind < preset.min_denominator).fillna(False)
        frame.loc[hidden, [VALUE, NUMERATOR, DENOMINATOR]] = np.nan
        frame.loc[hidden, SUPPRESSED] = True
        frame = frame.drop(columns=[_PEOPLE])
    if kpi.unit == "count":
        frame[VALUE] = frame[NUMERATOR]
    elif preset.values_from_published and kpi.counts_people and kpi.unit != "index":
        # A value exactly as precise as the published counts it rests on: a rate from
        # unrounded counts would give them away (10 / 43 = 23.2558...%). Withheld values
        # stay withheld.
        _set_values(frame, kpi, withheld=frame[VALUE].isna().to_numpy(dtype=bool))
    if kpi.unit == "index" and preset.index_decimals is not None:
        frame[VALUE] = frame[VALUE].round(preset.index_decimals)

    extras = [name for name, _label, _people in kpi.extra_measures]
    years = frame[ACADEMIC_YEAR].to_numpy()
    provisional = (
        years >= first_provisional
        if first_provisional is not None
        else np.zeros(len(years), dtype=bool)
    )
    return pd.DataFrame(
        {
            KPI_ID: kpi.id,
            ACADEMIC_YEAR: years,
            BREAKDOWN: by or TOTAL,
            GROUP: frame[GROUP].array,
            VALUE: frame[VALUE].array,
            NUMERATOR: frame[NUMERATOR].array,
            DENOMINATOR: frame[DENOMINATOR].array,
            UNIT: kpi.unit,
            SUPPRESSED: frame[SUPPRESSED].to_numpy(dtype=bool),
            PROVISIONAL: provisional.astype(bool),
            METHOD: frame[METHOD].array,
            NOTE: frame[NOTE].array,
            **{
                name: (
                    pd.to_numeric(frame[name], errors="coerce").astype("float64").to_numpy()
                    if name in frame
                    else np.full(len(years), np.nan)
                )
                for name in extras
            },
        },
        index=pd.RangeIndex(len(years)),
    )
