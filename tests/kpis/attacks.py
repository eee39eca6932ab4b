"""The careful analyst of issue 8: recovers small counts by differencing what the query layer
publishes, using nothing but selections the dashboard and ``intl-kpi kpis`` allow.

:func:`run_attacks` plays five attacks over every faculty, programme, year and KPI with a
people count and returns every *exact recovery*: an estimate, built only from published
figures, that equals a true count of 1 to 4 (true counts come from the same query layer with
the unprotected preset, which the attacker never sees).

- ``faculty-minus-programmes``: a faculty's figure minus each of its other programmes
  selected on its own.
- ``pair-minus-one``: two programmes selected together minus one of them.
- ``linked``: international staff minus international academic staff (support staff, by
  faculty, nationality, gender and region); a share's denominator minus its numerator (the
  home students behind it), per selection and group.
- ``within-output``: one output's total minus its shown groups (the withheld groups' sum),
  for every breakdown whose groups add up to the total.
- ``rate-inversion``: a precise percentage times each denominator its rounding allows
  (what breaks HESA's rule of percentages on unrounded counts).

Each published figure the attacker uses is a numerator, a denominator or an extra people
measure of one row. A missing row is read as 0 (the attacker knows a bachelor programme has
no master students); a withheld value stops that estimate.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext, kpi_frame
from dashboard.kpis.registry import KPIS, Kpi

TRUTH = QueryContext(suppression="none")
SMALL = range(1, 5)


@dataclass(frozen=True)
class Recovery:
    attack: str
    kpi_id: str
    measure: str
    year: int
    target: str
    true_value: int
    estimate: float


@dataclass
class Attacker:
    """Asks the query layer under ``context`` (what is published) and under no protection
    (the truth, to judge the estimates), each selection once. ``cache`` may be shared by
    attackers of several presets on the same database (the truth is asked once)."""

    cursor: duckdb.DuckDBPyConnection
    context: QueryContext
    cache: dict[tuple, pd.DataFrame] = field(default_factory=dict)

    def frame(
        self, kpi_id: str, state: FilterState, by: str | None, truth: bool = False
    ) -> pd.DataFrame:
        context = TRUTH if truth else self.context
        key = (kpi_id, state, by, context)
        if key not in self.cache:
            self.cache[key] = kpi_frame(self.cursor, kpi_id, state, by, context)
        return self.cache[key]

    def cells(
        self, kpi_id: str, state: FilterState, measure: str, by: str | None = None,
        truth: bool = False,
    ) -> dict[tuple[int, str], float]:  # fmt: skip
        """``{(year, group): value}`` of one measure column."""
        frame = self.frame(kpi_id, state, by, truth)
        if measure not in frame:
            return {}
        values = pd.to_numeric(frame[measure], errors="coerce").to_numpy(dtype="float64")
        return dict(
            zip(
                zip(frame["academic_year"].astype(int), frame["group"].astype(str), strict=True),
                values,
                strict=True,
            )
        )


def people_measures(kpi: Kpi) -> list[str]:
    """The columns of a KPI's output that count people."""
    measures = []
    if kpi.counts_people:
        measures += ["numerator", "denominator"] if kpi.unit != "index" else ["denominator"]
    measures += [name for name, _label, is_people in kpi.extra_measures if is_people]
    return measures


def _value(cells: dict[tuple[int, str], float], year: int, group: str = "all") -> float:
    """A published figure; a missing row is a known 0, a withheld one is NaN."""
    return cells.get((year, group), 0.0)


def _recovered(true_value: float, estimate: float) -> bool:
    return (
        not np.isnan(true_value)
        and int(true_value) in SMALL
        and true_value == int(true_value)
        and not np.isnan(estimate)
        and abs(estimate - true_value) < 1e-9
    )


@dataclass(frozen=True)
class University:
    """What the attacker knows of the structure: faculties and their programmes (the filter
    bar lists them), with each programme's cycle."""

    programmes: dict[str, tuple[str, str]]  # code -> (faculty, cycle)

    @classmethod
    def read(cls, cursor: duckdb.DuckDBPyConnection) -> University:
        rows = cursor.execute(
            "select programme_code, faculty, cycle from programmes order by 1"
        ).fetchall()
        return cls({code: (faculty, cycle) for code, faculty, cycle in rows})

    def faculties(self) -> list[str]:
        return sorted({faculty for faculty, _cycle in self.programmes.values()})

    def programmes_of(self, faculty: str, kpi: Kpi) -> list[str]:
        return [
            code
            for code, (owner, cycle) in self.programmes.items()
            if owner == faculty and (kpi.cycle is None or cycle == kpi.cycle)
        ]


def _kpis(kpi_ids: Iterable[str] | None) -> list[Kpi]:
    chosen = [k for k in KPIS if people_measures(k)]
    if kpi_ids is not None:
        wanted = set(kpi_ids)
        chosen = [k for k in chosen if k.id in wanted]
    return chosen


def faculty_minus_programmes(
    attacker: Attacker, university: University, kpis: list[Kpi], years: list[int]
) -> list[Recovery]:
    found = []
    for kpi in (k for k in kpis if "programme" in k.filters and "faculty" in k.filters):
        for faculty in university.faculties():
            codes = university.programmes_of(faculty, kpi)
            if not codes:
                continue
            for measure in people_measures(kpi):
                total = attacker.cells(kpi.id, FilterState(faculties=(faculty,)), measure)
                alone = {
                    code: attacker.cells(kpi.id, FilterState(programmes=(code,)), measure)
                    for code in codes
                }
                truth = {
                    code: attacker.cells(
                        kpi.id, FilterState(programmes=(code,)), measure, truth=True
                    )
                    for code in codes
                }
                for year, target in itertools.product(years, codes):
                    estimate = _value(total, year) - sum(
                        _value(alone[code], year) for code in codes if code != target
                    )
                    true_value = _value(truth[target], year)
                    if _recovered(true_value, estimate):
                        found.append(
                            Recovery("faculty-minus-programmes", kpi.id, measure, year,
                                     f"{faculty}/{target}", int(true_value), estimate)
                        )  # fmt: skip
    return found


def pair_minus_one(
    attacker: Attacker, university: University, kpis: list[Kpi], years: list[int],
    all_pairs: bool = True,
) -> list[Recovery]:  # fmt: skip
    """Two programmes of a faculty together minus one of them (every pair, or each
    programme with the next one in its faculty when ``all_pairs`` is false)."""
    found = []
    for kpi in (k for k in kpis if "programme" in k.filters):
        for faculty in university.faculties():
            codes = university.programmes_of(faculty, kpi)
            if len(codes) < 2:
                continue
            if all_pairs:
                pairs = list(itertools.permutations(codes, 2))
            else:
                pairs = [(codes[i], codes[(i + 1) % len(codes)]) for i in range(len(codes))]
            for measure in people_measures(kpi):
                for known, target in pairs:
                    together = attacker.cells(
                        kpi.id, FilterState(programmes=tuple(sorted((known, target)))), measure
                    )
                    one = attacker.cells(kpi.id, FilterState(programmes=(known,)), measure)
                    truth = attacker.cells(
                        kpi.id, FilterState(programmes=(target,)), measure, truth=True
                    )
                    for year in years:
                        estimate = _value(together, year) - _value(one, year)
                        true_value = _value(truth, year)
                        if _recovered(true_value, estimate):
                            found.append(
                                Recovery("pair-minus-one", kpi.id, measure, year,
                                         f"{known}+{target}", int(true_value), estimate)
                            )  # fmt: skip
    return found


STAFF_BREAKDOWNS = (None, "faculty", "nationality", "gender", "nationality_region")


def linked(
    attacker: Attacker, university: University, kpis: list[Kpi], years: list[int]
) -> list[Recovery]:
    found = []
    ids = {k.id for k in kpis}
    # Support staff = all staff minus academic staff, per group.
    if {"intl_share_staff", "intl_share_academic_staff"} <= ids:
        selections = [FilterState()] + [
            FilterState(faculties=(faculty,)) for faculty in university.faculties()
        ]
        for state, by, measure in itertools.product(
            selections, STAFF_BREAKDOWNS, ("numerator", "denominator")
        ):
            everyone = attacker.cells("intl_share_staff", state, measure, by)
            academic = attacker.cells("intl_share_academic_staff", state, measure, by)
            true_all = attacker.cells("intl_share_staff", state, measure, by, truth=True)
            true_academic = attacker.cells(
                "intl_share_academic_staff", state, measure, by, truth=True
            )
            for key in true_all:
                estimate = _value(everyone, *key) - _value(academic, *key)
                true_value = _value(true_all, *key) - _value(true_academic, *key)
                if _recovered(true_value, estimate):
                    found.append(
                        Recovery("linked", "intl_share_staff - intl_share_academic_staff",
                                 measure, key[0], f"{state.faculties}/{by}/{key[1]}",
                                 int(true_value), estimate)
                    )  # fmt: skip
    # A share's complement: denominator minus numerator (e.g. the home students).
    for kpi in (k for k in kpis if k.share and k.counts_people):
        for state in _selections(university, kpi):
            numerator = attacker.cells(kpi.id, state, "numerator")
            denominator = attacker.cells(kpi.id, state, "denominator")
            true_numerator = attacker.cells(kpi.id, state, "numerator", truth=True)
            true_denominator = attacker.cells(kpi.id, state, "denominator", truth=True)
            for key in true_denominator:
                estimate = _value(denominator, *key) - _value(numerator, *key)
                true_value = _value(true_denominator, *key) - _value(true_numerator, *key)
                if _recovered(true_value, estimate):
                    found.append(
                        Recovery("linked", kpi.id, "denominator - numerator", key[0],
                                 str(state), int(true_value), estimate)
                    )  # fmt: skip
    return found


def within_output(
    attacker: Attacker, university: University, kpis: list[Kpi], years: list[int]
) -> list[Recovery]:
    found = []
    for kpi in kpis:
        selections = [FilterState()]
        if "faculty" in kpi.filters:
            selections += [FilterState(faculties=(f,)) for f in university.faculties()]
        for state, by, measure in itertools.product(
            selections, kpi.breakdowns, people_measures(kpi)
        ):
            true_total = attacker.cells(kpi.id, state, measure, truth=True)
            true_groups = attacker.cells(kpi.id, state, measure, by, truth=True)
            total = attacker.cells(kpi.id, state, measure)
            groups = attacker.cells(kpi.id, state, measure, by)
            for year in years:
                in_year = {g: v for (y, g), v in true_groups.items() if y == year}
                true_sum = sum(0 if np.isnan(v) else v for v in in_year.values())
                if abs(true_sum - _value(true_total, year)) > 1e-9:
                    continue  # the groups do not add up to the total (e.g. a composition)
                hidden = [g for g in in_year if np.isnan(_value(groups, year, g))]
                if not hidden:
                    continue
                # The withheld groups' sum: the total minus every shown group.
                estimate = _value(total, year) - sum(
                    _value(groups, year, g) for g in in_year if g not in hidden
                )
                true_value = sum(_value(true_groups, year, g) for g in hidden)
                if _recovered(true_value, estimate):
                    found.append(
                        Recovery("within-output", kpi.id, measure, year,
                                 f"{state.faculties}/{by}: {'+'.join(hidden)}",
                                 int(true_value), estimate)
                    )  # fmt: skip
    return found


def _selections(university: University, kpi: Kpi) -> list[FilterState]:
    """The university, each faculty and each programme on its own (as the KPI allows)."""
    selections = [FilterState()]
    if "faculty" in kpi.filters:
        selections += [FilterState(faculties=(f,)) for f in university.faculties()]
    if "programme" in kpi.filters:
        selections += [
            FilterState(programmes=(code,))
            for faculty in university.faculties()
            for code in university.programmes_of(faculty, kpi)
        ]
    return selections


ROUNDING_SLACK = 2  # a count published as a multiple of 5 is within 2 of the truth


def rate_inversion(
    attacker: Attacker, university: University, kpis: list[Kpi], years: list[int]
) -> list[Recovery]:
    """A precise percentage next to a rounded denominator: of the denominators the rounding
    allows, keep those for which percentage x denominator is a whole number of people; if
    they all give the same numerator, that is the count (HESA's rule computes percentages on
    unrounded counts: 16% of "25" can only be 4 of 25)."""
    found = []
    for kpi in (k for k in kpis if k.unit == "percent" and k.counts_people):
        for state in _selections(university, kpi):
            values = attacker.cells(kpi.id, state, "value")
            denominators = attacker.cells(kpi.id, state, "denominator")
            truth = attacker.cells(kpi.id, state, "numerator", truth=True)
            for key, value in values.items():
                published = denominators.get(key, np.nan)
                if np.isnan(value) or np.isnan(published):
                    continue
                numerators = set()
                low = max(1, int(published) - ROUNDING_SLACK)
                for denominator in range(low, int(published) + ROUNDING_SLACK + 1):
                    numerator = value * denominator / 100
                    if abs(numerator - round(numerator)) < 1e-6:
                        numerators.add(round(numerator))
                if len(numerators) != 1:
                    continue
                estimate = float(numerators.pop())
                true_value = truth.get(key, np.nan)
                if _recovered(true_value, estimate):
                    found.append(
                        Recovery("rate-inversion", kpi.id, "numerator", key[0],
                                 f"{state}/{key[1]}", int(true_value), estimate)
                    )  # fmt: skip
    return found


ATTACKS = {
    "faculty-minus-programmes": faculty_minus_programmes,
    "pair-minus-one": pair_minus_one,
    "linked": linked,
    "within-output": within_output,
    "rate-inversion": rate_inversion,
}


def run_attacks(
    cursor: duckdb.DuckDBPyConnection,
    context: QueryContext,
    kpi_ids: Iterable[str] | None = None,
    all_pairs: bool = True,
    cache: dict[tuple, pd.DataFrame] | None = None,
) -> list[Recovery]:
    """Every exact recovery of a count of 1 to 4 by the attacks."""
    attacker = Attacker(cursor, context, {} if cache is None else cache)
    university = University.read(cursor)
    kpis = _kpis(kpi_ids)
    years = sorted(
        int(y) for (y,) in cursor.execute(
            "select distinct academic_year from enrolments union "
            "select distinct reference_year from staff union "
            "select distinct academic_year from mobility"
        ).fetchall()
    )  # fmt: skip
    found: list[Recovery] = []
    for name, attack in ATTACKS.items():
        if name == "pair-minus-one":
            found += attack(attacker, university, kpis, years, all_pairs=all_pairs)
        else:
            found += attack(attacker, university, kpis, years)
    return found
