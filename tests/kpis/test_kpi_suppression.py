"""Small-cell suppression of the KPI query layer.

Part 1 checks the rules on a small dataset with hand-picked cells. Part 2 sweeps every KPI
and every breakdown over a dataset with many small cells, for each preset: no people-count
below the threshold leaves ``kpi_frame`` (numerator, denominator, value of a count KPI, extra
people measures), and under ``duo`` a hidden cell never stands alone in a year of a breakdown
(so it cannot be recovered by subtracting the visible cells from the total).
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from dashboard.filters_state import FilterState
from dashboard.kpis.query import QueryContext
from dashboard.kpis.registry import KPIS, REGISTRY, Kpi
from tests.kpis.conftest import cells, kpi, module_dataset

DUO = QueryContext(suppression="duo")
HESA = QueryContext(suppression="hesa")
NONE = QueryContext(suppression="none")
Y2019 = FilterState(year_from=2019, year_to=2019)

# --- part 1: the rules on hand-picked cells ----------------------------------------------------
#
# 2019-20 degree students: M1 (Law) DE 10, NL 2; M2 (Science) NL 20; B1 (Humanities) DE 7,
# NL 16; B2 (Science) FR 3, NL 9.
# Outgoing study mobilities 2019-20 (aggregated): Humanities (B1) x3, 90 ECTS earned / 81
# recognised; Science (B2) x10, 300 / 300; Law (M1) x20, 600 / 540.
# Network activity 2019-20: one LERU summer school with 3 participants, one with 12.
MOB = ["mobility_id", "participant", "direction", "headcount", "academic_year",
       "programme_code", "activity", "partner_country", "duration_days", "ects_earned",
       "ects_recognised"]  # fmt: skip
SMALL_FILES = {
    "enrolments": [
        ["academic_year", "headcount", "programme_code", "nationality"],
        [2019, 10, "M1", "DE"],
        [2019, 2, "M1", "NL"],
        [2019, 20, "M2", "NL"],
        [2019, 7, "B1", "DE"],
        [2019, 16, "B1", "NL"],
        [2019, 3, "B2", "FR"],
        [2019, 9, "B2", "NL"],
    ],
    "mobility": [
        MOB,
        ["H", "student", "outgoing", 3, 2019, "B1", "study", "DE", 120, 90, 81],
        ["S", "student", "outgoing", 10, 2019, "B2", "study", "DE", 120, 300, 300],
        ["L", "student", "outgoing", 20, 2019, "M1", "study", "DE", 120, 600, 540],
    ],
    "networks": [
        ["network_code", "network_name", "member_since"],
        ["LERU", "LERU", 2002],
    ],
    "network_activities": [
        [
            "activity_id",
            "network_code",
            "academic_year",
            "activity_type",
            "participants",
            "faculty",
        ],  # fmt: skip
        ["A1", "LERU", 2019, "summer_school", 3, "Law"],
        ["A2", "LERU", 2019, "summer_school", 12, "Science"],
    ],
}
small = module_dataset(SMALL_FILES)


def test_duo_withholds_a_share_whose_complement_is_small(small):
    result = kpi(small, "intl_share_master", by="faculty", state=Y2019, context=DUO)
    # Law: 10 international of 12 -> the 2 home students would be given away: the
    # numerator and the value are withheld, the denominator (12) is shown.
    assert cells(result, "numerator")["Law"] is None
    assert cells(result)["Law"] is None
    assert cells(result, "denominator")["Law"] == 12
    assert cells(result, "suppressed")["Law"] is True


def test_duo_complementary_suppression_includes_a_zero_cell(small):
    result = kpi(small, "intl_share_master", by="faculty", state=Y2019, context=DUO)
    total = kpi(small, "intl_share_master", state=Y2019, context=DUO)
    # Total: 10 international of 32 (complement 22): shown.
    assert cells(total, "numerator") == {"all": 10}
    # Science has 0 international of 20. Were it shown, Law's hidden numerator would be
    # 10 - 0 = 10: Science's numerator is withheld too.
    assert cells(result, "numerator")["Science"] is None
    assert cells(result, "denominator")["Science"] == 20


def test_duo_chooses_between_equal_cells_whatever_order_sql_returns_them_in():
    # A year with one small cell (AT 3) and three equal candidates for the second hidden
    # cell (BE, CH, DE, 8 each). A parallel scan returns rows in any order; were the choice
    # to follow it, two answers to one selection could hide BE once and DE once, and
    # together show all three, which gives AT away as the total minus the rest. The
    # choice is the first group in order (BE), however the rows arrive.
    from dashboard.kpis.query import METHOD, finalise

    rows = [("DE", 8.0), ("AT", 3.0), ("CH", 8.0), ("BE", 8.0), ("NL", 30.0)]
    answers = []
    for shuffle in range(6):
        ordered = rows[shuffle % len(rows) :] + rows[: shuffle % len(rows)]
        if shuffle % 2:
            ordered = ordered[::-1]
        raw = pd.DataFrame(
            {
                "academic_year": np.full(len(ordered), 2019, dtype=np.int64),
                "group": [group for group, _count in ordered],
                "numerator": [count for _group, count in ordered],
                "denominator": np.full(len(ordered), np.nan),
                METHOD: [""] * len(ordered),
            }
        )
        frame = finalise(raw, REGISTRY["outgoing_students"], "partner_country", DUO, None)
        answers.append(dict(zip(frame["group"], frame["suppressed"], strict=True)))
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0] == {"AT": True, "BE": True, "CH": False, "DE": False, "NL": False}


def test_duo_hides_small_counts_and_a_second_cell(small):
    result = kpi(small, "outgoing_students", by="faculty", state=Y2019, context=DUO)
    # Humanities 3 is "<5"; the smallest other cell (Science 10) is hidden with it, so
    # 33 - 20 = 13 is all one can work out. Law 20 is shown, and so is the total 33.
    assert cells(result) == {"Humanities": None, "Science": None, "Law": 20}
    assert cells(result, "suppressed") == {"Humanities": True, "Science": True, "Law": False}
    total = kpi(small, "outgoing_students", state=Y2019, context=DUO)
    assert cells(total) == {"all": 33}


def test_duo_rate_on_a_small_denominator(small):
    result = kpi(small, "intl_share_bachelor", by="programme", state=Y2019, context=DUO)
    # B2: 3 international of 12: numerator "<5", value withheld; B1: 7 of 23 -> its
    # numerator is hidden as the complementary cell, so its value goes too.
    assert cells(result, "numerator") == {"B1": None, "B2": None}
    assert cells(result) == {"B1": None, "B2": None}
    assert cells(result, "denominator") == {"B1": 23, "B2": 12}


def test_duo_ects_rate_behind_few_people(small):
    result = kpi(small, "ects_recognition_rate", by="faculty", state=Y2019, context=DUO)
    # Humanities: 81 of 90 ECTS but only 3 students: withheld with its credits; Science
    # (10 students) as the complementary cell; Law 540 / 600 = 90% shown.
    assert cells(result) == {"Humanities": None, "Science": None, "Law": pytest.approx(90.0)}
    assert cells(result, "numerator")["Humanities"] is None


def test_duo_extra_people_measure(small):
    result = kpi(small, "network_activities", by="faculty", state=Y2019, context=DUO)
    # Law: 3 participants "<5", Science: 12 hidden with it; the activity counts (not people)
    # stay.
    assert cells(result, "participants") == {"Law": None, "Science": None}
    assert cells(result) == {"Law": 1, "Science": 1}


def test_hesa_rounds_counts_and_withholds_rates_on_small_denominators(small):
    bachelor = kpi(small, "intl_share_bachelor", by="programme", state=Y2019, context=HESA)
    # B1: 7 of 23 -> counts rounded to 5 and 25; the rate, on the unrounded counts,
    # 7 / 23 = 30.4%, is shown (23 >= 22.5).
    assert cells(bachelor, "numerator")["B1"] == 5
    assert cells(bachelor, "denominator")["B1"] == 25
    assert cells(bachelor)["B1"] == pytest.approx(100 * 7 / 23)
    # B2: 3 of 12 -> 5 and 10; the rate is withheld (12 < 22.5).
    assert cells(bachelor, "numerator")["B2"] == 5
    assert cells(bachelor, "denominator")["B2"] == 10
    assert cells(bachelor)["B2"] is None
    counts = kpi(small, "outgoing_students", by="faculty", state=Y2019, context=HESA)
    # 3 -> 5, 10 -> 10, 20 -> 20: only a changed count is flagged.
    assert cells(counts) == {"Humanities": 5, "Science": 10, "Law": 20}
    assert cells(counts, "suppressed") == {"Humanities": True, "Science": False, "Law": False}
    total = kpi(small, "outgoing_students", state=Y2019, context=HESA)
    assert cells(total) == {"all": 35}  # 33 -> 35


def test_hesa_withholds_ects_rate_behind_fewer_than_23_people(small):
    result = kpi(small, "ects_recognition_rate", by="faculty", state=Y2019, context=HESA)
    # 3, 10 and 20 students: each below 22.5, every faculty's rate is withheld.
    assert cells(result) == {"Humanities": None, "Science": None, "Law": None}
    total = kpi(small, "ects_recognition_rate", state=Y2019, context=HESA)
    # 33 students: 921 of 990 ECTS = 93.0%.
    assert cells(total) == {"all": pytest.approx(100 * 921 / 990)}


def test_none_shows_everything(small):
    result = kpi(small, "outgoing_students", by="faculty", state=Y2019, context=NONE)
    assert cells(result) == {"Humanities": 3, "Science": 10, "Law": 20}
    assert not result["suppressed"].any()
    master = kpi(small, "intl_share_master", by="faculty", state=Y2019, context=NONE)
    assert cells(master, "numerator") == {"Law": 10, "Science": 0}


# --- part 2: every KPI and breakdown over many small cells -------------------------------------


def _many_small_cells() -> dict[str, list[list[object]]]:
    """Two years of sparse data: few rows per cell, counts mostly 1-4 (seeded, so the same
    every run). Only structural properties are checked on it, never values."""
    rng = random.Random(20240513)

    def count() -> int:
        return rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 9])

    years = (2019, 2020)
    programmes = ("B1", "B2", "B3", "M1", "M2", "P1", "S1")
    people = (("NL", "", "NL"), ("DE", "", "DE"), ("DE", "", "NL"), ("US", "", "US"),
              ("IN", "", ""), ("", "", ""), ("BE", "NL", "BE"))  # fmt: skip
    enrolments = [["academic_year", "headcount", "programme_code", "nationality",
                   "second_nationality", "prior_education_country", "gender",
                   "enrolment_type"]]  # fmt: skip
    for year in years:
        for code in programmes:
            for nationality, second, prior in rng.sample(people, 3):
                enrolments.append([year, count(), code, nationality, second, prior,
                                   rng.choice(["female", "male"]), "degree"])  # fmt: skip
            if rng.random() < 0.5:
                enrolments.append([year, count(), code, "JP", "", "JP", "female", "exchange"])
        enrolments.append([year, count(), "B2", "not_available", "", "", "unknown", "degree"])
    graduates = [["academic_year", "student_key", "headcount", "programme_code",
                  "graduation_date", "credit_mobile", "gender"]]  # fmt: skip
    mobility = [["mobility_id", "participant", "direction", "person_key", "headcount",
                 "academic_year", "programme_code", "faculty", "activity", "partner_country",
                 "duration_days", "ects_earned", "ects_recognised", "fewer_opportunities",
                 "start_date"]]  # fmt: skip
    activities = ("study", "traineeship", "blended_intensive", "virtual_exchange")
    countries = ("DE", "PL", "UA", "US", "JP")
    mid = 0
    for year in years:
        for code in ("B1", "B2", "M1", "M2") + (("P1",) if year == 2020 else ()):
            for flag in ("yes", "no"):
                graduates.append([year, "", count(), code, f"{year + 1}-07-01", flag,
                                  rng.choice(["female", "male"])])  # fmt: skip
            for n in range(rng.randint(1, 3)):
                key = f"{code}-{year}-{n}"
                graduates.append([year, key, "", code, f"{year + 1}-07-01", "", "female"])
                mid += 1
                mobility.append([f"R{mid}", "student", "outgoing", key, "", year, code, "",
                                 "study", rng.choice(countries), rng.choice([30, 60, 100]),
                                 rng.choice(["", 10, 20]), "", "no",
                                 f"{year}-10-01"])  # fmt: skip
        for code in programmes:
            for direction in ("outgoing", "incoming"):
                for _n in range(rng.randint(1, 3)):
                    mid += 1
                    ects = rng.choice([0, 15, 30])
                    mobility.append([f"M{mid}", "student", direction, "", count(), year, code,
                                     "", rng.choice(activities), rng.choice(countries),
                                     rng.choice([10, 60, 120]), ects or "",
                                     rng.choice([ects, ects - 3]) if ects else "",
                                     rng.choice(["yes", "no", ""]), ""])  # fmt: skip
        for faculty in ("Humanities", "Science", "Law"):
            for _n in range(2):
                mid += 1
                mobility.append([f"T{mid}", "staff", rng.choice(["outgoing", "incoming"]), "",
                                 count(), year, "", faculty,
                                 rng.choice(["staff_teaching", "staff_training"]),
                                 rng.choice(["DE", "GE", "US"]), 5, "", "", "",
                                 ""])  # fmt: skip
    staff = [["reference_year", "headcount", "faculty", "category", "staff_type",
              "nationality", "gender"]]  # fmt: skip
    for year in years:
        for faculty in ("Humanities", "Science", "Law"):
            for category, staff_type in (("professor", "academic"), ("lecturer", "academic"),
                                         ("support", "support")):  # fmt: skip
                for nationality in rng.sample(["NL", "IT", "US", ""], 2):
                    staff.append([year, count(), faculty, category, staff_type, nationality,
                                  rng.choice(["female", "male"])])  # fmt: skip
    network_activities = [["activity_id", "network_code", "academic_year", "activity_type",
                           "participants", "faculty"]]  # fmt: skip
    for year in years:
        for n, (network, kind) in enumerate(
            [
                ("LERU", "summer_school"),
                ("LERU", "research_project"),
                ("EUNIWELL", "summer_school"),
                ("EUNIWELL", "staff_exchange"),
            ]  # fmt: skip
        ):
            network_activities.append([f"A{year}{n}", network, year, kind, count(),
                                       rng.choice(["Science", "Law", ""])])  # fmt: skip
    return {
        "enrolments": enrolments,
        "graduates": graduates,
        "staff": staff,
        "mobility": mobility,
        "networks": [
            ["network_code", "network_name", "network_type", "member_since"],
            ["LERU", "LERU", "association", 2002],
            ["EUNIWELL", "EUniWell", "alliance", 2019],
        ],
        "network_activities": network_activities,
        "projects": [
            [
                "project_id",
                "title",
                "action_type",
                "role",
                "start_date",
                "end_date",
                "eu_grant_eur",
            ],  # fmt: skip
            ["PA", "A", "cooperation_partnership", "partner", "2019-09-01", "2021-08-31", 3],
        ],
        "agreements": [
            [
                "agreement_id",
                "partner_name",
                "partner_country",
                "agreement_type",
                "start_year",
                "places_outgoing",
                "places_incoming",
            ],  # fmt: skip
            ["IIA-1", "Konstanz", "DE", "erasmus_iia", 2014, 2, 1],
        ],
    }


many = module_dataset(_many_small_cells())


def _people_columns(kpi_def: Kpi) -> list[str]:
    """Output columns that count people for this KPI."""
    columns = []
    if kpi_def.counts_people:
        columns += ["numerator", "denominator"]
        if kpi_def.unit == "count":
            columns.append("value")
    if kpi_def.unit == "index":
        columns.append("denominator")
    columns += [name for name, _label, is_people in kpi_def.extra_measures if is_people]
    return columns


@pytest.fixture(scope="module")
def views(many):
    """Every KPI with every breakdown (and, for the student shares, the 'both' basis too)
    under each preset, computed once: ``{(preset, kpi id): {view: frame}}``."""
    contexts = {"none": NONE, "duo": DUO, "hesa": HESA}
    out = {}
    for name, context in contexts.items():
        for kpi_def in KPIS:
            frames = {}
            for by in (None, *kpi_def.breakdowns):
                frames[by] = kpi(many, kpi_def.id, by=by, context=context)
            if kpi_def.id == "intl_share_master":
                for by in (None, "faculty", "nationality_region"):
                    state = FilterState(basis="both")
                    frames[(by, "both")] = kpi(many, kpi_def.id, by, state, context)
            out[(name, kpi_def.id)] = frames
    return out


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")


KPI_IDS = [k.id for k in KPIS]


def test_the_sweep_covers_small_cells(views):
    # Sanity check of the dataset: without suppression, every KPI that counts people has
    # counts of 1-4 in its output (else the sweep would prove nothing).
    for kpi_def in KPIS:
        columns = _people_columns(kpi_def)
        if not columns:
            continue
        small = 0
        for frame in views[("none", kpi_def.id)].values():
            for column in columns:
                values = _numbers(frame[column])
                small += int(((values > 0) & (values < 5)).sum())
        assert small > 0, kpi_def.id
        # ... and duo does withhold some of them.
        withheld = sum(
            int(frame["suppressed"].sum()) for frame in views[("duo", kpi_def.id)].values()
        )
        assert withheld > 0, kpi_def.id


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_duo_no_small_count_leaves_and_no_lone_hidden_cell(views, kpi_id):
    kpi_def = REGISTRY[kpi_id]
    columns = _people_columns(kpi_def)
    plain = views[("none", kpi_def.id)]
    for view, frame in views[("duo", kpi_def.id)].items():
        reference = plain[view]
        assert len(frame) == len(reference)
        for column in columns:
            values = _numbers(frame[column])
            assert not ((values > 0) & (values < 5)).any(), (view, column, frame)
        if kpi_def.share and kpi_def.counts_people:
            complement = _numbers(frame["denominator"]) - _numbers(frame["numerator"])
            assert not ((complement > 0) & (complement < 5)).any(), (view, frame)
        if kpi_def.is_rate and kpi_def.counts_people:
            # A withheld numerator or denominator takes the value with it.
            parts_hidden = np.isnan(_numbers(frame["numerator"])) | np.isnan(
                _numbers(frame["denominator"])
            )
            assert np.isnan(_numbers(frame["value"]))[parts_hidden].all(), (view, frame)
        by = view[0] if isinstance(view, tuple) else view
        if by is None:
            continue
        for column in columns:
            hidden = np.isnan(_numbers(frame[column])) & ~np.isnan(_numbers(reference[column]))
            years = frame["academic_year"].to_numpy()
            per_year = pd.Series(hidden).groupby(years).sum()
            cells_per_year = pd.Series(years).value_counts()
            # Within a year of a breakdown: no hidden cell, or at least two, unless the year
            # has a single cell (then it is the total, withheld alike).
            lone = [y for y, n in per_year.items() if n == 1 and cells_per_year[y] > 1]
            assert not lone, (view, column, lone, frame, reference)
        # Suppressed rows are flagged.
        for column in columns:
            hidden = np.isnan(_numbers(frame[column])) & ~np.isnan(_numbers(reference[column]))
            assert frame["suppressed"].to_numpy()[hidden].all()


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_hesa_counts_are_multiples_of_five_and_rates_need_22_5(views, kpi_id):
    kpi_def = REGISTRY[kpi_id]
    columns = _people_columns(kpi_def)
    plain = views[("none", kpi_def.id)]
    for view, frame in views[("hesa", kpi_def.id)].items():
        reference = plain[view]
        for column in columns:
            values = _numbers(frame[column])
            values = values[~np.isnan(values)]
            assert (values % 5 == 0).all(), (view, column, frame)
        if kpi_def.unit != "count" and (kpi_def.counts_people or kpi_def.unit == "index"):
            # Rates (and the index) on fewer than 22.5 people are withheld.
            small = _numbers(reference["denominator"]) < 22.5
            assert np.isnan(_numbers(frame["value"]))[small].all(), (view, frame, reference)
            # Otherwise the value is the unrounded one.
            shown = ~small & ~np.isnan(_numbers(reference["value"]))
            assert np.allclose(_numbers(frame["value"])[shown], _numbers(reference["value"])[shown])


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_none_withholds_nothing(views, kpi_id):
    kpi_def = REGISTRY[kpi_id]
    for view, frame in views[("none", kpi_def.id)].items():
        assert not frame["suppressed"].any(), view
        # Without suppression, every share's parts are there.
        if kpi_def.counts_people and kpi_def.unit != "index":
            # (A composition group made only of rows without nationality has no numerator.)
            known = frame["note"] != "nationality not available"
            assert frame.loc[known, "numerator"].notna().all(), view


def test_suppression_never_changes_the_rows(views):
    # Suppression removes values, never rows or groups: the same (year, group) cells.
    for kpi_def in KPIS:
        for view in views[("none", kpi_def.id)]:
            keys = [
                list(zip(frames[view]["academic_year"], frames[view]["group"], strict=True))
                for frames in (views[(preset, kpi_def.id)] for preset in ("none", "duo", "hesa"))
            ]
            assert keys[0] == keys[1] == keys[2], (kpi_def.id, view)


def test_ects_rate_is_withheld_with_its_people(views):
    # The ECTS recognition rate counts credits, not people; its rows go when the students
    # behind them are too few (duo: 1-4, or as the complementary cell; hesa: below 22.5).
    for preset in ("duo", "hesa"):
        for view, frame in views[(preset, "ects_recognition_rate")].items():
            reference = views[("none", "ects_recognition_rate")][view]
            hidden = frame["value"].isna() & reference["value"].notna()
            assert frame.loc[hidden, ["numerator", "denominator"]].isna().all().all(), view
            assert frame.loc[hidden, "suppressed"].all(), view
