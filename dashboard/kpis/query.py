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

import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from dashboard.filters_state import FilterState
from dashboard.i18n import _
from dashboard.kpis.registry import (
    BENCHMARK_ACTIVITIES,
    BENCHMARK_MIN_DAYS,
    BENCHMARK_MIN_ECTS,
    BLENDED_VIRTUAL_ACTIVITIES,
    COOPERATION_ACTIONS,
    EXCHANGE_BALANCE_ACTIVITIES,
    RECOGNITION_ACTIVITIES,
    STAFF_MOBILITY_ACTIVITIES,
    Kpi,
    get_kpi,
)
from dashboard.kpis.suppression import DEFAULT_PRESET, get_preset, suppress

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


# --- SQL building blocks ----------------------------------------------------------------


def _status(nationality: str, second: str | None, prior: str | None, basis: str) -> str:
    """SQL for a person's status under the basis: home, international, unknown or
    not_available. Dual nationals holding the home nationality are home."""
    second_is_home = f" or coalesce({second}, '') = $home" if second else ""
    by_nationality = (
        f"case when {nationality} = 'not_available' then 'not_available' "
        f"when {nationality} = $home{second_is_home} then 'home' "
        f"when {nationality} = 'unknown' then 'unknown' else 'international' end"
    )
    if basis == "nationality" or prior is None:
        return by_nationality
    by_prior = (
        f"case when {prior} is null then 'unknown' when {prior} = $home then 'home' "
        f"else 'international' end"
    )
    if basis == "prior_education":
        return by_prior
    return (
        f"case when ({by_nationality}) = 'home' or ({by_prior}) = 'home' then 'home' "
        f"when ({by_nationality}) = 'not_available' then 'not_available' "
        f"when ({by_nationality}) = 'international' and ({by_prior}) = 'international' "
        f"then 'international' else 'unknown' end"
    )


def _nationality_region(nationality: str, second: str | None) -> str:
    second_is_home = f" or coalesce({second}, '') = $home" if second else ""
    # Rows without a nationality (unknown, or not available in DUO-like sources) are no
    # region: they must not show up as "rest of world". EEA: a member on the year's
    # reference date (the ``cm`` join of ``_countries_join``), not today's membership.
    return (
        f"case when {nationality} = $home{second_is_home} then 'home' "
        f"when {nationality} in {_sql_list(NOT_COUNTED_NATIONALITIES)} then {nationality} "
        f"when cm.iso2 is not null then 'EEA' else 'rest of world' end"
    )


def _member_on_reference_date(year: str) -> str:
    """SQL condition on ``cm`` (country_membership): a member of the EU or the EEA on
    1 October of the academic year (the KPIS.md reference date), from the dated reference
    file ``etl/reference/eu_membership.csv``."""
    return (
        f"make_date({year}, 10, 1) >= cm.member_from "
        f"and (cm.member_until is null or make_date({year}, 10, 1) <= cm.member_until)"
    )


def _partner_region(country: str, year: str) -> str:
    """Partner region; "other EEA" by membership in the stay's (or agreement's) year."""
    return (
        f"case when {country} is null then 'unknown' "
        f"when pc.cee then 'Central and Eastern Europe' "
        f"when pc.neighbourhood then 'EU neighbourhood' "
        f"when exists (select 1 from country_membership cm where cm.iso2 = {country} "
        f"and {_member_on_reference_date(year)}) then 'other EEA' else 'rest of world' end"
    )


_PARTNER_REGION = _partner_region("m.partner_country", "m.academic_year")
_AGREEMENT_REGION = _partner_region("a.partner_country", "y.academic_year")


def _sql_list(values: Iterable[str]) -> str:
    """A constant SQL list of registry values (never user input)."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


_QUALIFYING_STAY = (
    f"m.activity in {_sql_list(BENCHMARK_ACTIVITIES)} and "
    f"(coalesce(m.duration_days, 0) >= {BENCHMARK_MIN_DAYS} "
    f"or coalesce(m.ects_earned, 0) >= {BENCHMARK_MIN_ECTS})"
)

# Breakdown -> SQL expression, per source. Only these identifiers ever reach SQL.
_STUDENT_GROUPS = {
    "faculty": "coalesce(p.faculty, 'unknown')",
    "programme": "e.programme_code",
    "cycle": "coalesce(e.cycle, 'unknown')",
    "gender": "coalesce(e.gender, 'unknown')",
    "nationality": "e.nationality",
    "nationality_region": _nationality_region("e.nationality", "e.second_nationality"),
    "world_region": "coalesce(c.continent, 'unknown')",
}
# Breakdowns of a share that split the population itself (composition), rather than
# giving the share within each group.
_COMPOSITION = ("nationality", "nationality_region", "world_region")
# Inward degree-mobile graduates: prior (secondary) education abroad, the Eurostat/UOE
# "country of origin" (see the registry's graduate mobility definition).
_DEGREE_MOBILE = "(g.prior_education_country is not null and g.prior_education_country <> $home)"
_GRADUATE_GROUPS = {
    "faculty": "coalesce(p.faculty, 'unknown')",
    "programme": "g.programme_code",
    "gender": "coalesce(g.gender, 'unknown')",
    "graduate_origin": (
        f"case when {_DEGREE_MOBILE} then 'degree-mobile (prior education abroad)' "
        f"when g.prior_education_country is null then 'prior education unknown' "
        f"else 'prior education at home' end"
    ),
}
_STAFF_GROUPS = {
    "faculty": "s.faculty",
    "staff_category": "s.category",
    "gender": "coalesce(s.gender, 'unknown')",
    "nationality": "s.nationality",
    "nationality_region": _nationality_region("s.nationality", "s.second_nationality"),
    "world_region": "coalesce(c.continent, 'unknown')",
}
_MOBILITY_GROUPS = {
    "faculty": "coalesce(m.faculty, 'unknown')",
    "programme": "coalesce(m.programme_code, 'unknown')",
    "cycle": "coalesce(m.cycle, 'unknown')",
    "activity": "m.activity",
    "benchmark": (
        f"case when {_QUALIFYING_STAY} then 'counts toward the benchmark' "
        f"else 'shown, not counted' end"
    ),
    "partner_country": "coalesce(m.partner_country, 'unknown')",
    "partner_region": _PARTNER_REGION,
    "direction": "m.direction",
    "participant": "m.participant",
}


@dataclass
class _Sql:
    """A query under construction: its text and the parameters it binds."""

    state: FilterState
    kpi: Kpi
    context: QueryContext

    def params(self, sql: str) -> dict[str, object]:
        values = {
            "year_from": self.state.year_from,
            "year_to": self.state.year_to,
            "faculties": list(self.state.faculties),
            "programmes": list(self.state.programmes),
            "cycles": list(self.state.cycles),
            "home": self.context.home_country,
            "cycle": self.kpi.cycle,
            "allowed_faculties": list(self.context.allowed_faculties or ()),
        }
        used = set(re.findall(r"\$([a-z_]+)", sql))
        return {key: value for key, value in values.items() if key in used}

    def where(
        self,
        year: str,
        faculty: str | None = None,
        programme: str | None = None,
        cycle: str | None = None,
    ) -> str:
        """The filter conjunction for the filters this KPI allows and the source has."""
        allowed = self.kpi.filters
        clauses = [
            f"($year_from is null or {year} >= $year_from)",
            f"($year_to is null or {year} <= $year_to)",
        ]
        if faculty and "faculty" in allowed:
            clauses.append(f"(len($faculties) = 0 or list_contains($faculties, {faculty}))")
        if faculty and self.context.allowed_faculties is not None:
            # The user's scope, whatever the KPI's filters: rows of no faculty drop out too.
            clauses.append(f"coalesce(list_contains($allowed_faculties, {faculty}), false)")
        if programme and "programme" in allowed:
            clauses.append(f"(len($programmes) = 0 or list_contains($programmes, {programme}))")
        if cycle and "cycle" in allowed:
            clauses.append(f"(len($cycles) = 0 or list_contains($cycles, {cycle}))")
        return " and ".join(clauses)


# Breakdowns that read the countries table (the join is left out otherwise: it costs time
# on millions of rows).
_REGION_BREAKDOWNS = ("nationality_region", "world_region")


def _countries_join(nationality: str, by: str | None, year: str) -> str:
    if by not in _REGION_BREAKDOWNS:
        return ""
    # One membership period per country and date (tests/etl/test_membership.py checks the
    # file has no overlapping periods), so the join never duplicates a row.
    return (
        f"left join countries c on c.iso2 = {nationality} "
        f"left join country_membership cm on cm.iso2 = {nationality} "
        f"and {_member_on_reference_date(year)}"
    )


def _group(groups: dict[str, str], by: str | None) -> str:
    if by is None:
        return f"'{ALL}'"
    return groups[by]


# --- one SQL builder per KPI family ---------------------------------------------------------


def _student_share_sql(q: _Sql, by: str | None) -> str:
    status = _status("e.nationality", "e.second_nationality", "e.prior_education_country",
                     q.state.basis)  # fmt: skip
    where = q.where("e.academic_year", "p.faculty", "e.programme_code")
    base = f"""
        with base as (
            select e.academic_year, {_group(_STUDENT_GROUPS, by)} as grp,
                   {status} as status, e.headcount
            from enrolments e
            left join programmes p on p.programme_code = e.programme_code
            {_countries_join("e.nationality", by, "e.academic_year")}
            where e.population = 'enrolled' and e.enrolment_type = 'degree'
              and e.cycle = $cycle and {where}
        )"""
    return base + _share_select(by)


def _share_select(by: str | None) -> str:
    known = "status in ('home', 'international')"
    if by in _COMPOSITION:
        # Composition: each group's share of everyone with a known status.
        return f"""
        , groups as (
            select academic_year, grp,
                   sum(headcount) filter (where {known}) as numerator,
                   sum(headcount) filter (where status = 'not_available') as {_UNAVAILABLE}
            from base group by all
        )
        select academic_year, grp, numerator,
               sum(numerator) over (partition by academic_year) as denominator,
               {_UNAVAILABLE}
        from groups where numerator > 0 or {_UNAVAILABLE} > 0
        """
    return f"""
        select academic_year, grp,
               coalesce(sum(headcount) filter (where status = 'international'), 0)
                   as numerator,
               coalesce(sum(headcount) filter (where {known}), 0) as denominator,
               sum(headcount) filter (where status = 'not_available') as {_UNAVAILABLE}
        from base group by all
        """


def _staff_share_sql(q: _Sql, by: str | None) -> str:
    academic = "and s.staff_type = 'academic'" if q.kpi.id == "intl_share_academic_staff" else ""
    return f"""
        with base as (
            select s.reference_year as academic_year, {_group(_STAFF_GROUPS, by)} as grp,
                   {_status("s.nationality", "s.second_nationality", None, "nationality")}
                       as status,
                   s.headcount
            from staff s
            {_countries_join("s.nationality", by, "s.reference_year")}
            where {q.where("s.reference_year", "s.faculty")} {academic}
        )""" + _share_select(by)


def _nationalities_sql(q: _Sql, by: str | None) -> str:
    groups = {"population": "population", "faculty": "coalesce(faculty, 'unknown')"}
    students_only = bool(q.state.programmes or q.state.cycles)
    staff = (
        ""
        if students_only
        else f"""
            union all
            select s.reference_year, 'staff', s.nationality, s.faculty from staff s
            where {q.where("s.reference_year", "s.faculty")}"""
    )
    return f"""
        with people as (
            select e.academic_year, 'students' as population, e.nationality, p.faculty
            from enrolments e
            left join programmes p on p.programme_code = e.programme_code
            where e.population = 'enrolled'
              and {q.where("e.academic_year", "p.faculty", "e.programme_code", "e.cycle")}
            {staff}
        )
        select academic_year, {_group(groups, by)} as grp,
               count(distinct nationality) as numerator
        from people
        where nationality not in ('unknown', 'stateless', 'not_available')
        group by all
        """


def _diversity_index_sql(q: _Sql, by: str | None) -> str:
    where = q.where("e.academic_year", "p.faculty", "e.programme_code", "e.cycle")
    return f"""
        with counts as (
            select e.academic_year, {_group(_STUDENT_GROUPS, by)} as grp, e.nationality,
                   sum(e.headcount) as n
            from enrolments e
            left join programmes p on p.programme_code = e.programme_code
            {_countries_join("e.nationality", by, "e.academic_year")}
            where e.population = 'enrolled' and e.enrolment_type = 'degree'
              and e.nationality not in {_sql_list(NOT_COUNTED_NATIONALITIES)} and {where}
            group by all
        ),
        shares as (
            select *, n / sum(n) over (partition by academic_year, grp) as share from counts
        )
        -- exp(Shannon entropy): the effective number of nationalities
        select academic_year, grp, exp(-sum(share * ln(share))) as value,
               sum(n) as denominator
        from shares group by all
        """


def _graduate_rate_sql(q: _Sql, by: str | None) -> str:
    where = q.where("g.academic_year", "p.faculty", "g.programme_code")
    # The Eurostat reading (default): graduates who came from abroad for their whole degree
    # are degree-mobile graduates of their country of origin, so they are left out of both
    # counts. The "graduate_origin" breakdown keeps every graduate (the other reading).
    if by != "graduate_origin":
        where += f" and not {_DEGREE_MOBILE}"
    return f"""
        with grads as (
            select row_number() over () as graduate_row, g.academic_year,
                   {_group(_GRADUATE_GROUPS, by)} as grp, g.student_key, g.headcount,
                   g.credit_mobile, g.graduation_date, g.cycle
            from graduates g
            left join programmes p on p.programme_code = g.programme_code
            where g.cycle = $cycle and {where}
        ),
        mobile as (
            -- graduates whose stays in the same cycle before graduating, summed, qualify
            -- (an inner join: only the few graduates with stays are aggregated)
            select g.graduate_row
            from grads g
            join mobility m
              on m.person_key = g.student_key
             and m.participant = 'student' and m.direction = 'outgoing'
             and m.activity in {_sql_list(BENCHMARK_ACTIVITIES)}
             and (m.cycle is null or m.cycle = g.cycle)
             and (g.graduation_date is null or m.start_date <= g.graduation_date
                  -- a stay given by academic year only: not after the graduation year
                  or (m.start_date is null and m.academic_year <= g.academic_year))
            group by g.graduate_row
            having coalesce(sum(m.duration_days), 0) >= {BENCHMARK_MIN_DAYS}
                or coalesce(sum(m.ects_earned), 0) >= {BENCHMARK_MIN_ECTS}
        )
        select g.academic_year, g.grp,
               coalesce(sum(g.headcount) filter (
                   where coalesce(g.credit_mobile, false)
                      or (g.student_key is not null and mobile.graduate_row is not null)
               ), 0) as numerator,
               -- aggregated rows without a credit-mobile flag say nothing: left out
               coalesce(sum(g.headcount) filter (
                   where g.student_key is not null or g.credit_mobile is not null
               ), 0) as denominator
        from grads g
        left join mobile using (graduate_row)
        group by all
        """


def _participation_sql(q: _Sql, by: str | None, cycle: str | None = None) -> str:
    enrolment_groups = dict(_STUDENT_GROUPS)
    cycle_clause_e = "and e.cycle = $cycle" if cycle else ""
    cycle_clause_m = "and m.cycle = $cycle" if cycle else ""
    return f"""
        with enrolled as (
            select e.academic_year, {_group(enrolment_groups, by)} as grp,
                   sum(e.headcount) as denominator
            from enrolments e
            left join programmes p on p.programme_code = e.programme_code
            {_countries_join("e.nationality", by, "e.academic_year")}
            where e.population = 'enrolled' and e.enrolment_type = 'degree' {cycle_clause_e}
              and {q.where("e.academic_year", "p.faculty", "e.programme_code", "e.cycle")}
            group by all
        ),
        movers as (
            select m.academic_year, {_group(_MOBILITY_GROUPS, by)} as grp,
                   count(distinct m.person_key)
                   + coalesce(sum(m.headcount) filter (where m.person_key is null), 0)
                       as numerator
            from mobility m
            where m.participant = 'student' and m.direction = 'outgoing'
              and {_QUALIFYING_STAY} {cycle_clause_m}
              and {q.where("m.academic_year", "m.faculty", "m.programme_code", "m.cycle")}
            group by all
        )
        select academic_year, grp, coalesce(numerator, 0) as numerator, denominator
        from enrolled left join movers using (academic_year, grp)
        """


def _mobility_filtered(q: _Sql) -> str:
    return q.where("m.academic_year", "m.faculty", "m.programme_code", "m.cycle")


def _mobility_count_sql(q: _Sql, by: str | None, direction: str) -> str:
    return f"""
        select m.academic_year, {_group(_MOBILITY_GROUPS, by)} as grp,
               sum(m.headcount) as numerator
        from mobility m
        left join countries pc on pc.iso2 = m.partner_country
        where m.participant = 'student' and m.direction = '{direction}'
          and {_mobility_filtered(q)}
        group by all
        """


# Like for like: the same activities and the same length rule on both sides of the
# balance. Incoming records carry no blended, virtual or short doctoral activities, so
# counting those on the outgoing side only would push the balance down (issue 11).
_BALANCE_STAY = (
    f"m.activity in {_sql_list(EXCHANGE_BALANCE_ACTIVITIES)} and ("
    # a stay whose length and credits are both unrecorded (aggregated exchange rows) counts
    f"(m.duration_days is null and m.ects_earned is null) "
    f"or coalesce(m.duration_days, 0) >= {BENCHMARK_MIN_DAYS} "
    f"or coalesce(m.ects_earned, 0) >= {BENCHMARK_MIN_ECTS})"
)


def _exchange_balance_sql(q: _Sql, by: str | None) -> str:
    return f"""
        select m.academic_year, {_group(_MOBILITY_GROUPS, by)} as grp,
               coalesce(sum(m.headcount) filter (where m.direction = 'incoming'), 0)
                   as numerator,
               coalesce(sum(m.headcount) filter (where m.direction = 'outgoing'), 0)
                   as denominator
        from mobility m
        left join countries pc on pc.iso2 = m.partner_country
        where m.participant = 'student' and {_BALANCE_STAY} and {_mobility_filtered(q)}
        group by all
        """


def _outgoing_share_sql(q: _Sql, by: str | None, condition: str) -> str:
    return f"""
        select m.academic_year, {_group(_MOBILITY_GROUPS, by)} as grp,
               coalesce(sum(m.headcount) filter (where {condition}), 0) as numerator,
               sum(m.headcount) as denominator
        from mobility m
        left join countries pc on pc.iso2 = m.partner_country
        where m.participant = 'student' and m.direction = 'outgoing' and {_mobility_filtered(q)}
        group by all
        """


def _recognition_sql(q: _Sql, by: str | None) -> str:
    return f"""
        select m.academic_year, {_group(_MOBILITY_GROUPS, by)} as grp,
               sum(m.ects_recognised) as numerator, sum(m.ects_earned) as denominator,
               sum(m.headcount) as {_PEOPLE}
        from mobility m
        left join countries pc on pc.iso2 = m.partner_country
        where m.participant = 'student' and m.direction = 'outgoing'
          and m.activity in {_sql_list(RECOGNITION_ACTIVITIES)}
          and m.ects_earned > 0 and m.ects_recognised is not null
          and {_mobility_filtered(q)}
        group by all
        """


def _staff_mobility_sql(q: _Sql, by: str | None) -> str:
    """Trips of one staff group per 100 staff of that group (``staff_mobility_rate``:
    academic, ``staff_mobility_rate_support``: support). A trip's group is its traveller's
    staff record of the same reference year; a trip without such a record counts as
    academic (the catalogue's reading, kept where the data cannot tell)."""
    staff_type = "support" if q.kpi.id == "staff_mobility_rate_support" else "academic"
    staff_group = "s.faculty" if by == "faculty" else f"'{ALL}'"
    mobility_group = _group(_MOBILITY_GROUPS, by)
    by_faculty = by == "faculty"
    of_group = (
        "m.staff_type is distinct from 'support'"
        if staff_type == "academic"
        else "m.staff_type = 'support'"
    )
    # By faculty, every unit with staff of the group or trips of the group is a row: a unit
    # without staff of the group keeps its trips (denominator 0, value withheld), one
    # without trips shows 0 — none is dropped.
    join = (
        "full join group_staff a using (academic_year, grp)"
        if by_faculty
        else "join (select academic_year, denominator from group_staff) a using (academic_year)"
    )
    return f"""
        with group_staff as (
            select s.reference_year as academic_year, {staff_group} as grp,
                   sum(s.headcount) as denominator
            from staff s
            where s.staff_type = '{staff_type}' and {q.where("s.reference_year", "s.faculty")}
            group by all
        ),
        linked as (
            select m.*, s.staff_type
            from mobility m
            left join (
                select staff_key, reference_year, any_value(staff_type) as staff_type
                from staff where staff_key is not null group by all
            ) s on s.staff_key = m.person_key and s.reference_year = m.academic_year
            where m.participant = 'staff' and m.direction = 'outgoing'
              and m.activity in {_sql_list(STAFF_MOBILITY_ACTIVITIES)}
              and {q.where("m.academic_year", "m.faculty")}
        ),
        trips as (
            select m.academic_year, {mobility_group} as grp, sum(m.headcount) as numerator
            from linked m
            where {of_group}
            group by all
        )
        select academic_year, grp, coalesce(t.numerator, 0) as numerator,
               coalesce(a.denominator, 0) as denominator
        from trips t
        {join}
        """


def _cee_sql(q: _Sql, by: str | None) -> str:
    return f"""
        select m.academic_year, {_group(_MOBILITY_GROUPS, by)} as grp,
               coalesce(sum(m.headcount) filter (where pc.cee or pc.neighbourhood), 0)
                   as numerator,
               sum(m.headcount) as denominator
        from mobility m
        join countries pc on pc.iso2 = m.partner_country
        where {_mobility_filtered(q)}
        group by all
        """


def _window_sql(q: _Sql, by: str | None) -> str:
    group = "coalesce(p.faculty, 'unknown')" if by == "faculty" else f"'{ALL}'"
    return f"""
        with offered as (
            select distinct e.academic_year, e.programme_code
            from enrolments e
            where e.population = 'enrolled' and e.enrolment_type = 'degree'
              and e.cycle = 'bachelor' and {q.where("e.academic_year")}
        )
        select o.academic_year, {group} as grp,
               count(*) filter (where coalesce(p.mobility_window, false)) as numerator,
               count(*) as denominator
        from offered o
        join programmes p on p.programme_code = o.programme_code
        where {q.where("o.academic_year", "p.faculty", "p.programme_code")}
        group by all
        """


def _years_sql() -> str:
    return "select unnest(range($year_from, $year_to + 1)) as academic_year"


def _networks_sql(q: _Sql, by: str | None) -> str:
    groups = {"network": "n.network_name", "network_type": "n.network_type"}
    return f"""
        with years as ({_years_sql()})
        select y.academic_year, {_group(groups, by)} as grp, count(*) as numerator
        from years y
        join networks n
          on n.member_since <= y.academic_year
         and (n.member_until is null or n.member_until >= y.academic_year)
        group by all
        """


def _network_activities_sql(q: _Sql, by: str | None) -> str:
    groups = {
        "network": "coalesce(n.network_name, a.network_code)",
        "activity_type": "a.activity_type",
        "faculty": "coalesce(a.faculty, 'university-wide')",
    }
    return f"""
        select a.academic_year, {_group(groups, by)} as grp, count(*) as numerator,
               sum(a.participants) as participants
        from network_activities a
        left join networks n on n.network_code = a.network_code
        where {q.where("a.academic_year", "a.faculty")}
        group by all
        """


def _projects_sql(q: _Sql, by: str | None) -> str:
    groups = {
        "action_type": "pr.action_type",
        "role": "pr.role",
        "network": "coalesce(n.network_name, 'none')",
        "faculty": "coalesce(pr.faculty, 'university-wide')",
    }
    return f"""
        with years as ({_years_sql()})
        select y.academic_year, {_group(groups, by)} as grp, count(*) as numerator,
               sum(pr.eu_grant_eur) as eu_grant_eur
        from years y
        join projects pr
          -- active in the academic year: 1 September Y to 31 August Y+1
          on pr.start_date <= make_date(y.academic_year + 1, 8, 31)
         and pr.end_date >= make_date(y.academic_year, 9, 1)
        left join networks n on n.network_code = pr.network_code
        where pr.action_type in {_sql_list(COOPERATION_ACTIONS)}
          and {q.where("y.academic_year", "pr.faculty")}
        group by all
        """


def _agreements_sql(q: _Sql, by: str | None) -> str:
    groups = {
        "partner_country": "a.partner_country",
        "partner_region": _AGREEMENT_REGION,
        "agreement_type": "a.agreement_type",
        "faculty": "coalesce(a.faculty, 'university-wide')",
    }
    return f"""
        with years as ({_years_sql()})
        select y.academic_year, {_group(groups, by)} as grp, count(*) as numerator,
               sum(a.places_outgoing) as places_outgoing,
               sum(a.places_incoming) as places_incoming
        from years y
        join agreements a
          on a.start_year <= y.academic_year
         and (a.end_year is null or a.end_year >= y.academic_year)
        left join countries pc on pc.iso2 = a.partner_country
        where {q.where("y.academic_year", "a.faculty")}
        group by all
        """


def _sql_for(q: _Sql, by: str | None) -> str:
    kpi_id = q.kpi.id
    if kpi_id.startswith("intl_share_") and q.kpi.cycle:
        return _student_share_sql(q, by)
    if kpi_id in ("intl_share_staff", "intl_share_academic_staff"):
        return _staff_share_sql(q, by)
    if kpi_id.startswith("outgoing_mobility_rate_"):
        return _graduate_rate_sql(q, by)
    builders = {
        "nationalities_count": _nationalities_sql,
        "nationality_diversity_index": _diversity_index_sql,
        "outgoing_participation_rate": _participation_sql,
        "outgoing_students": lambda q, by: _mobility_count_sql(q, by, "outgoing"),
        "incoming_exchange_students": lambda q, by: _mobility_count_sql(q, by, "incoming"),
        "exchange_balance": _exchange_balance_sql,
        "blended_virtual_share": lambda q, by: _outgoing_share_sql(
            q, by, f"m.activity in {_sql_list(BLENDED_VIRTUAL_ACTIVITIES)}"
        ),
        "fewer_opportunities_share": lambda q, by: _outgoing_share_sql(
            q, by, "coalesce(m.fewer_opportunities, false)"
        ),
        "ects_recognition_rate": _recognition_sql,
        "staff_mobility_rate": _staff_mobility_sql,
        "staff_mobility_rate_support": _staff_mobility_sql,
        "cee_neighbourhood_share": _cee_sql,
        "mobility_window_coverage": _window_sql,
        "active_networks": _networks_sql,
        "network_activities": _network_activities_sql,
        "erasmus_cooperation_projects": _projects_sql,
        "partner_agreements": _agreements_sql,
    }
    return builders[kpi_id](q, by)


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


def _run(cursor: duckdb.DuckDBPyConnection, q: _Sql, by: str | None) -> pd.DataFrame:
    sql = _sql_for(q, by)
    return cursor.execute(sql, q.params(sql)).df()


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
        raw = pd.DataFrame(columns=[ACADEMIC_YEAR, "grp", NUMERATOR, DENOMINATOR])
    else:
        raw = _run(cursor, q, by)
    raw = raw.rename(columns={"grp": GROUP})
    raw[METHOD] = ""
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
    sql = _participation_sql(q, participation_by, cycle=q.kpi.cycle)
    fallback = cursor.execute(sql, q.params(sql)).df().rename(columns={"grp": GROUP})
    if by is not None and participation_by is None:
        # No graduate records to break down by gender: the fallback has no such groups.
        fallback = fallback.iloc[0:0]
    fallback = fallback[~fallback[ACADEMIC_YEAR].astype(int).isin(covered)]
    fallback[METHOD] = METHOD_PARTICIPATION_FALLBACK
    graduates = graduates[graduates[ACADEMIC_YEAR].astype(int).isin(covered)]
    frames = [frame for frame in (graduates, fallback) if not frame.empty]
    return pd.concat(frames, ignore_index=True) if frames else graduates


def _set_values(frame: pd.DataFrame, kpi: Kpi) -> None:
    """The value column from the numerator and denominator, by the KPI's unit ("index"
    comes with its value from SQL)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = frame[NUMERATOR] / frame[DENOMINATOR].where(frame[DENOMINATOR] > 0)
    if kpi.unit == "percent" or kpi.unit == "per_100":
        frame[VALUE] = 100 * ratio
    elif kpi.unit == "ratio":
        frame[VALUE] = ratio
    elif kpi.unit == "count":
        frame[VALUE] = frame[NUMERATOR]


def finalise(
    raw: pd.DataFrame,
    kpi: Kpi,
    by: str | None,
    context: QueryContext,
    first_provisional: int | None,
) -> pd.DataFrame:
    """Values from numerators and denominators, suppression, flags, and fixed columns."""
    frame = raw.copy()
    for column in (NUMERATOR, DENOMINATOR, VALUE):
        if column not in frame:
            frame[column] = np.nan
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame[ACADEMIC_YEAR] = frame[ACADEMIC_YEAR].astype("int64")
    frame[GROUP] = frame[GROUP].astype(str) if len(frame) else pd.Series(dtype=str)
    _set_values(frame, kpi)

    frame[NOTE] = ""
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
        withheld = frame[VALUE].isna()
        _set_values(frame, kpi)
        frame.loc[withheld, VALUE] = np.nan
    if kpi.unit == "index" and preset.index_decimals is not None:
        frame[VALUE] = frame[VALUE].round(preset.index_decimals)

    frame[KPI_ID] = kpi.id
    frame[BREAKDOWN] = by or TOTAL
    frame[UNIT] = kpi.unit
    frame[PROVISIONAL] = (
        frame[ACADEMIC_YEAR] >= first_provisional if first_provisional is not None else False
    )
    extras = [name for name, _label, _people in kpi.extra_measures]
    for name in extras:
        if name not in frame:
            frame[name] = np.nan
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    frame = frame[list(COLUMNS) + extras]
    frame = frame.sort_values([ACADEMIC_YEAR, GROUP], kind="stable").reset_index(drop=True)
    frame[SUPPRESSED] = frame[SUPPRESSED].astype(bool)
    frame[PROVISIONAL] = frame[PROVISIONAL].astype(bool)
    return frame
