"""Nationality diversity KPIs on a small hand-made dataset, values worked out by hand.

The dataset (academic years 2019-20 and 2020-21; programmes in ``conftest.PROGRAMMES``):

2019-20 enrolments (degree students unless said otherwise)
  M1 (Law, master):     NL x6 (prior NL, f), DE x2 (prior DE, m), BE+NL dual x1 (prior BE, f),
                        unknown x2 (no prior, f), JP x1 exchange student
  M2 (Science, master): US x1 (prior US, f), DE x1 (prior NL, m), NL x1 (prior BE, m)
  B1 (Humanities, ba):  NL x3 (prior NL), FR x1 (prior FR)
  B2 (Science, ba):     not_available x20 (DUO-like rows: no nationality)
  P1 (Science, phd):    IN x3 (prior IN), NL x5 (prior NL)
  S1 (short cycle):     NL x1, MA x1, stateless x1
2020-21 enrolments
  M1: NL x8, DE x2;  B2: not_available x25;  P1: IN x6, NL x4
Staff 2019: Science professor academic NL x6, Science lecturer academic IT x3, Science support
  NL x10, Law researcher academic US x1, Law support unknown x2, Law support DE x2
Staff 2020: Science professor academic NL x5, Science professor academic GR x5
"""

from __future__ import annotations

import math

import pytest

from dashboard.filters_state import FilterState
from tests.kpis.conftest import by_year, cells, kpi, module_dataset

ENROLMENT_HEADER = [
    "academic_year",
    "headcount",
    "programme_code",
    "nationality",
    "second_nationality",
    "prior_education_country",
    "gender",
    "enrolment_type",
]
E = "2019-20"
F = "2020-21"
FILES = {
    "enrolments": [
        ENROLMENT_HEADER,
        [E, 6, "M1", "NL", "", "NL", "female", "degree"],
        [E, 2, "M1", "DE", "", "DE", "male", "degree"],
        [E, 1, "M1", "BE", "NL", "BE", "female", "degree"],
        [E, 2, "M1", "", "", "", "female", "degree"],
        [E, 1, "M1", "JP", "", "JP", "male", "exchange"],
        [E, 1, "M2", "US", "", "US", "female", "degree"],
        [E, 1, "M2", "DE", "", "NL", "male", "degree"],
        [E, 1, "M2", "NL", "", "BE", "male", "degree"],
        [E, 3, "B1", "NL", "", "NL", "female", "degree"],
        [E, 1, "B1", "FR", "", "FR", "female", "degree"],
        [E, 20, "B2", "not_available", "", "", "unknown", "degree"],
        [E, 3, "P1", "IN", "", "IN", "female", "degree"],
        [E, 5, "P1", "NL", "", "NL", "female", "degree"],
        [E, 1, "S1", "NL", "", "NL", "female", "degree"],
        [E, 1, "S1", "MA", "", "MA", "female", "degree"],
        [E, 1, "S1", "stateless", "", "NL", "female", "degree"],
        [F, 8, "M1", "NL", "", "NL", "female", "degree"],
        [F, 2, "M1", "DE", "", "DE", "female", "degree"],
        [F, 25, "B2", "not_available", "", "", "unknown", "degree"],
        [F, 6, "P1", "IN", "", "IN", "female", "degree"],
        [F, 4, "P1", "NL", "", "NL", "female", "degree"],
    ],
    "staff": [
        ["reference_year", "headcount", "faculty", "category", "staff_type", "nationality"],
        [2019, 6, "Science", "professor", "academic", "NL"],
        [2019, 3, "Science", "lecturer", "academic", "IT"],
        [2019, 10, "Science", "support", "support", "NL"],
        [2019, 1, "Law", "researcher", "academic", "US"],
        [2019, 2, "Law", "support", "support", ""],
        [2019, 2, "Law", "support", "support", "DE"],
        [2020, 5, "Science", "professor", "academic", "NL"],
        [2020, 5, "Science", "professor", "academic", "GR"],
    ],
}

diversity = module_dataset(FILES)
Y2019 = FilterState(year_from=2019, year_to=2019)


# --- intl_share_master: the three bases, dual nationals, unknown nationality -----------------


def test_master_share_on_nationality_basis(diversity):
    result = kpi(diversity, "intl_share_master", state=Y2019)
    # International: DE x2 (M1) + US x1 + DE x1 (M2) = 4. Home: NL x6 + the BE/NL dual
    # national (home) + NL x1 (M2) = 8. The 2 unknowns are in neither count; the JP exchange
    # student is not a degree student. 4 / 12 = 33.33%.
    assert cells(result, "numerator") == {"all": 4}
    assert cells(result, "denominator") == {"all": 12}
    assert cells(result)["all"] == pytest.approx(100 * 4 / 12)


def test_dual_national_holding_home_nationality_counts_as_home(diversity):
    result = kpi(diversity, "intl_share_master", by="programme", state=Y2019)
    # M1: international DE x2; home NL x6 + BE/NL x1 = 7 (the BE/NL student would make it 3
    # if counted as international). 2 / 9 = 22.2%.
    assert cells(result, "numerator")["M1"] == 2
    assert cells(result, "denominator")["M1"] == 9
    assert cells(result)["M1"] == pytest.approx(100 * 2 / 9)


def test_master_share_on_prior_education_basis(diversity):
    state = FilterState(year_from=2019, year_to=2019, basis="prior_education")
    result = kpi(diversity, "intl_share_master", state=state)
    # Foreign prior education: DE x2, BE/NL x1 (BE), US x1, NL x1 (BE) = 5. Dutch prior
    # education: NL x6, DE x1 (NL) = 7. The 2 unknowns have no prior-education country:
    # left out. 5 / 12 = 41.67%.
    assert cells(result, "numerator") == {"all": 5}
    assert cells(result, "denominator") == {"all": 12}
    assert cells(result)["all"] == pytest.approx(100 * 5 / 12)


def test_master_share_on_both_bases(diversity):
    state = FilterState(year_from=2019, year_to=2019, basis="both")
    result = kpi(diversity, "intl_share_master", state=state)
    # Non-Dutch nationality AND foreign prior education: DE x2 (prior DE), US x1 = 3.
    # Home (Dutch nationality or Dutch prior education): NL x6, BE/NL x1, DE x1 (prior NL),
    # NL x1 (prior BE) = 9. Unknowns left out. 3 / 12 = 25%.
    assert cells(result, "numerator") == {"all": 3}
    assert cells(result, "denominator") == {"all": 12}
    assert cells(result)["all"] == pytest.approx(25.0)


def test_master_share_by_faculty_and_gender(diversity):
    by_faculty = kpi(diversity, "intl_share_master", by="faculty", state=Y2019)
    # Law (M1): 2 of 9 (see above). Science (M2): US + DE = 2 of 3 = 66.7%.
    assert cells(by_faculty, "numerator") == {"Law": 2, "Science": 2}
    assert cells(by_faculty, "denominator") == {"Law": 9, "Science": 3}
    assert cells(by_faculty)["Science"] == pytest.approx(100 * 2 / 3)
    by_gender = kpi(diversity, "intl_share_master", by="gender", state=Y2019)
    # female: NL x6, BE/NL x1, US x1 (unknowns left out) -> 1 of 8 = 12.5%;
    # male: DE x2, DE x1, NL x1 -> 3 of 4 = 75%.
    assert cells(by_gender, "numerator") == {"female": 1, "male": 3}
    assert cells(by_gender, "denominator") == {"female": 8, "male": 4}
    assert cells(by_gender) == {"female": pytest.approx(12.5), "male": pytest.approx(75.0)}


def test_master_composition_by_nationality_region(diversity):
    result = kpi(diversity, "intl_share_master", by="nationality_region", state=Y2019)
    # Composition: each region's share of the 12 students with a known status.
    # home: NL x6 + BE/NL x1 + NL x1 = 8 -> 66.7%; EEA: DE x2 + DE x1 = 3 -> 25%;
    # rest of world: US x1 -> 8.3%. (The unknowns are in no region's count.)
    assert cells(result, "numerator") == {"home": 8, "EEA": 3, "rest of world": 1}
    assert set(cells(result, "denominator").values()) == {12}
    assert cells(result) == {
        "home": pytest.approx(100 * 8 / 12),
        "EEA": pytest.approx(25.0),
        "rest of world": pytest.approx(100 * 1 / 12),
    }


def test_master_composition_by_nationality(diversity):
    result = kpi(diversity, "intl_share_master", by="nationality", state=Y2019)
    # First nationality: NL 6+1 = 7, DE 2+1 = 3, BE 1, US 1 (of 12).
    assert cells(result, "numerator") == {"NL": 7, "DE": 3, "BE": 1, "US": 1}
    assert cells(result)["DE"] == pytest.approx(25.0)


def test_master_share_filters(diversity):
    law = kpi(diversity, "intl_share_master", state=FilterState(faculties=("Law",)))
    # Law only: 2019 M1 2/9; 2020 M1 DE x2 of NL x8 + DE x2 = 2/10 = 20%.
    assert by_year(law, "numerator") == {2019: 2, 2020: 2}
    assert by_year(law, "denominator") == {2019: 9, 2020: 10}
    m2 = kpi(diversity, "intl_share_master", state=FilterState(programmes=("M2",)))
    # M2 has students in 2019 only: 2 of 3.
    assert by_year(m2, "numerator") == {2019: 2}
    assert by_year(m2, "denominator") == {2019: 3}
    later = kpi(diversity, "intl_share_master", state=FilterState(year_from=2020))
    # 2020 only: 2 of 10.
    assert by_year(later) == {2020: pytest.approx(20.0)}


# --- bachelor, PhD, DUO-like rows without nationality ---------------------------------------


def test_bachelor_share_leaves_not_available_out(diversity):
    result = kpi(diversity, "intl_share_bachelor")
    # 2019: FR x1 of NL x3 + FR x1 = 1/4 = 25%; the 20 not_available rows do not count as
    # home (which would give 1/24).
    assert by_year(result, "numerator")[2019] == 1
    assert by_year(result, "denominator")[2019] == 4
    assert by_year(result)[2019] == pytest.approx(25.0)
    assert by_year(result, "note")[2019] == ""
    # 2020: only not_available rows: no value, and a note saying why.
    assert by_year(result)[2020] is None
    assert by_year(result, "denominator")[2020] == 0
    assert by_year(result, "note")[2020] == "nationality not available"


def test_bachelor_share_by_programme(diversity):
    result = kpi(diversity, "intl_share_bachelor", by="programme", state=Y2019)
    # B1: 1 of 4 = 25%. B2: nothing known (20 not_available): no value, a note.
    assert cells(result)["B1"] == pytest.approx(25.0)
    assert cells(result)["B2"] is None
    assert cells(result, "note")["B2"] == "nationality not available"


def test_not_available_is_not_put_in_a_nationality_region(diversity):
    result = kpi(diversity, "intl_share_bachelor", by="nationality_region", state=Y2019)
    # home NL x3 = 75%, EEA FR x1 = 25% of 4; the 20 not_available students are not
    # "rest of world" (nor home).
    assert cells(result) == {
        "home": pytest.approx(75.0),
        "EEA": pytest.approx(25.0),
        "not_available": None,
    }
    assert cells(result, "numerator") == {"home": 3, "EEA": 1, "not_available": None}
    assert cells(result, "note")["not_available"] == "nationality not available"


def test_phd_share_per_year(diversity):
    result = kpi(diversity, "intl_share_phd")
    # 2019: IN x3 of 8 = 37.5%; 2020: IN x6 of 10 = 60%.
    assert by_year(result, "numerator") == {2019: 3, 2020: 6}
    assert by_year(result, "denominator") == {2019: 8, 2020: 10}
    assert by_year(result) == {2019: pytest.approx(37.5), 2020: pytest.approx(60.0)}
    # The last year is provisional (one provisional year by default).
    assert by_year(result, "provisional") == {2019: False, 2020: True}


def test_phd_share_by_world_region(diversity):
    result = kpi(diversity, "intl_share_phd", by="world_region", state=Y2019)
    # Composition of 8: India (Asia) 3 = 37.5%, the Netherlands (Europe) 5 = 62.5%.
    assert cells(result, "numerator") == {"Asia": 3, "Europe": 5}


# --- staff ------------------------------------------------------------------------------------


def test_staff_share_all_staff(diversity):
    result = kpi(diversity, "intl_share_staff", state=Y2019)
    # International: IT x3 + US x1 + DE x2 = 6. Known: 6 + 3 + 10 + 1 + 2 = 22 (2 unknown
    # left out). 6 / 22 = 27.3%.
    assert cells(result, "numerator") == {"all": 6}
    assert cells(result, "denominator") == {"all": 22}
    assert cells(result)["all"] == pytest.approx(100 * 6 / 22)


def test_staff_share_academic_staff_only(diversity):
    result = kpi(diversity, "intl_share_academic_staff")
    # 2019 academic: NL x6, IT x3, US x1 -> 4 of 10 = 40%. 2020: GR x5 of 10 = 50%.
    assert by_year(result, "numerator") == {2019: 4, 2020: 5}
    assert by_year(result, "denominator") == {2019: 10, 2020: 10}
    assert by_year(result) == {2019: pytest.approx(40.0), 2020: pytest.approx(50.0)}


def test_staff_share_breakdowns(diversity):
    by_category = kpi(diversity, "intl_share_academic_staff", by="staff_category", state=Y2019)
    # professor 0/6, lecturer 3/3, researcher 1/1.
    assert cells(by_category) == {
        "professor": pytest.approx(0.0),
        "lecturer": pytest.approx(100.0),
        "researcher": pytest.approx(100.0),
    }
    by_faculty = kpi(diversity, "intl_share_staff", by="faculty", state=Y2019)
    # Science: IT x3 of 6 + 3 + 10 = 19; Law: US x1 + DE x2 of 3 (unknown x2 left out).
    assert cells(by_faculty, "numerator") == {"Science": 3, "Law": 3}
    assert cells(by_faculty, "denominator") == {"Science": 19, "Law": 3}
    region = kpi(diversity, "intl_share_staff", by="nationality_region", state=Y2019)
    # Composition of 22: home NL 16, EEA IT 3 + DE 2 = 5, rest of world US 1.
    assert cells(region, "numerator") == {"home": 16, "EEA": 5, "rest of world": 1}
    faculty_filter = kpi(diversity, "intl_share_staff", state=FilterState(2019, 2019, ("Law",)))
    assert cells(faculty_filter, "numerator") == {"all": 3}


# --- nationalities_count ------------------------------------------------------------------------


def test_nationalities_count(diversity):
    result = kpi(diversity, "nationalities_count", state=Y2019)
    # Students (degree and exchange): NL, DE, BE, US, JP, FR, IN, MA = 8 (unknown,
    # not_available and stateless do not count; BE/NL counts by first nationality).
    # Staff: NL, IT, US, DE = 4. Together: the 8 plus IT = 9.
    assert cells(result) == {"all": 9}
    population = kpi(diversity, "nationalities_count", by="population", state=Y2019)
    assert cells(population) == {"students": 8, "staff": 4}


def test_nationalities_count_filters(diversity):
    master = FilterState(2019, 2019, cycles=("master",))
    # A cycle filter counts students only: NL, DE, BE, US, JP = 5.
    assert cells(kpi(diversity, "nationalities_count", state=master)) == {"all": 5}
    law = FilterState(2019, 2019, faculties=("Law",))
    # Law students NL, DE, BE, JP + Law staff US, DE = NL, DE, BE, JP, US = 5.
    assert cells(kpi(diversity, "nationalities_count", state=law)) == {"all": 5}
    by_faculty = kpi(diversity, "nationalities_count", by="faculty", state=Y2019)
    # Science: students US, DE, NL (M2), IN, NL (P1), NL, MA (S1); staff NL, IT
    # -> US, DE, NL, IN, MA, IT = 6. Humanities: NL, FR = 2. Law: 5 (above).
    assert cells(by_faculty) == {"Science": 6, "Humanities": 2, "Law": 5}


# --- nationality_diversity_index --------------------------------------------------------------


def test_diversity_index_by_cycle(diversity):
    result = kpi(diversity, "nationality_diversity_index", by="cycle", state=Y2019)
    values = cells(result)
    # Short cycle: NL, MA, stateless one each -> three equal shares -> exactly 3.
    assert values["short_cycle"] == pytest.approx(3.0)
    # Bachelor: NL 3, FR 1 (not_available left out): shares 3/4 and 1/4,
    # exp(-(0.75 ln 0.75 + 0.25 ln 0.25)) = exp(0.5623) = 1.755.
    assert values["bachelor"] == pytest.approx(
        math.exp(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    )
    assert values["bachelor"] == pytest.approx(1.755, abs=0.001)
    # PhD: IN 3, NL 5 of 8: exp(-(3/8 ln 3/8 + 5/8 ln 5/8)) = exp(0.6616) = 1.938.
    assert values["phd"] == pytest.approx(1.938, abs=0.001)
    assert cells(result, "denominator")["bachelor"] == 4


def test_diversity_index_filters(diversity):
    state = FilterState(year_from=2020, programmes=("M1",))
    result = kpi(diversity, "nationality_diversity_index", state=state)
    # 2020 M1: NL 8, DE 2: exp(-(0.8 ln 0.8 + 0.2 ln 0.2)) = exp(0.5004) = 1.649.
    assert by_year(result) == {2020: pytest.approx(1.649, abs=0.001)}
    assert by_year(result, "denominator") == {2020: 10}
