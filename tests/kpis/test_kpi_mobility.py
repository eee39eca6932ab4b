"""Mobility KPIs on a small hand-made dataset, values worked out by hand.

Outgoing student stays (academic year = the year of the September on or before the start):
  O1  G1 B1 study          DE  2019-09-01..2019-10-20  50 days          (2019-20)
  O2  G1 B1 study          PL  2020-02-01..2020-03-21  50 days          (2019-20)
  O3  G2 B1 blended        IT  2020-03-01..2020-03-10  10 days          (2019-20)
  O4  G3 B1 study          UA  2020-09-01..2020-09-30  30 days, 20 ECTS earned / 20 recognised
  O5  G4 B2 traineeship    US  2020-09-01..2020-12-04  95 days
  O6  G5 B2 study          ES  2021-08-01..2021-11-28  120 days, 30 ECTS / 24 (2020-21: August)
  O7  H1 M1 study          DE  2019-09-01..2019-12-09  100 days, 30 ECTS / 27 (2019-20)
  O8  K1 P1 study          FR  2020-09-01..2020-12-09  100 days, 10 ECTS / not reported
  O9  K2 P1 short doctoral FR  2020-10-01..2020-10-20  20 days
  O10 V1 B2 virtual        US  2020-10-01..2020-10-10  fewer opportunities
  O11 aggregated x3, B2 study DE, 2020-21, 150 days, fewer opportunities
Incoming students 2020-21: I1, I2 M1 from DE; I3 B1 from UA; aggregated x4 B2 from US.
Staff 2020-21: E1 Science teaching in PL, E2 Humanities training in GE (outgoing); E3
  Science teaching from DE (incoming).
Graduates 2020-21 (diploma 2021-07-01): bachelor G1 G2 G3 (B1), G4 G5 G6 (B2), aggregated B2
  x4 credit-mobile yes, B2 x10 no, B1 x3 without the flag; master H1..H4 (M1).
  2019-20 (diploma 2020-06-01): PhD J1 (P1) and aggregated P1 x1 credit-mobile yes.
Enrolled degree students: 2019-20 B1 20, B2 30, M1 10, P1 10 (70); 2020-21 B1 20, B2 25, B3 5,
  M1 10, P1 10 (70). Academic staff: 2019 Science 30; 2020 Science 30, Humanities 10 (plus 20
  support staff).
"""

from __future__ import annotations

import pytest

from dashboard.filters_state import FilterState
from dashboard.kpis.query import METHOD_GRADUATES, METHOD_PARTICIPATION_FALLBACK
from tests.kpis.conftest import by_year, cells, kpi, module_dataset

MOBILITY_HEADER = [
    "mobility_id",
    "participant",
    "direction",
    "person_key",
    "headcount",
    "academic_year",
    "programme_code",
    "faculty",
    "activity",
    "partner_country",
    "start_date",
    "end_date",
    "duration_days",
    "ects_earned",
    "ects_recognised",
    "fewer_opportunities",
]


def stay(mid, who, key, programme, activity, country, start, end, ects="", rec="", fewer="no"):
    participant, direction = who
    return [mid, participant, direction, key, "", "", programme, "", activity, country,
            start, end, "", ects, rec, fewer]  # fmt: skip


OUT = ("student", "outgoing")
IN = ("student", "incoming")
FILES = {
    "enrolments": [
        ["academic_year", "headcount", "programme_code", "nationality"],
        ["2019-20", 20, "B1", "NL"],
        ["2019-20", 30, "B2", "NL"],
        ["2019-20", 10, "M1", "NL"],
        ["2019-20", 10, "P1", "NL"],
        ["2020-21", 20, "B1", "NL"],
        ["2020-21", 25, "B2", "NL"],
        ["2020-21", 5, "B3", "NL"],
        ["2020-21", 10, "M1", "NL"],
        ["2020-21", 10, "P1", "NL"],
    ],
    "staff": [
        ["reference_year", "headcount", "faculty", "category", "staff_type", "nationality"],
        [2019, 30, "Science", "professor", "academic", "NL"],
        [2020, 30, "Science", "professor", "academic", "NL"],
        [2020, 10, "Humanities", "lecturer", "academic", "NL"],
        [2020, 20, "Central", "support", "support", "NL"],
    ],
    "graduates": [
        [
            "academic_year",
            "student_key",
            "headcount",
            "programme_code",
            "graduation_date",
            "credit_mobile",
            "gender",
        ],  # fmt: skip
        ["2020-21", "G1", "", "B1", "2021-07-01", "", "female"],
        ["2020-21", "G2", "", "B1", "2021-07-01", "", "male"],
        ["2020-21", "G3", "", "B1", "2021-07-01", "", "female"],
        ["2020-21", "G4", "", "B2", "2021-07-01", "", "female"],
        ["2020-21", "G5", "", "B2", "2021-07-01", "", "male"],
        ["2020-21", "G6", "", "B2", "2021-07-01", "", "male"],
        ["2020-21", "", 4, "B2", "2021-07-01", "yes", "female"],
        ["2020-21", "", 10, "B2", "2021-07-01", "no", "male"],
        ["2020-21", "", 3, "B1", "2021-07-01", "", "female"],
        ["2020-21", "H1", "", "M1", "2021-07-01", "", "female"],
        ["2020-21", "H2", "", "M1", "2021-07-01", "", "female"],
        ["2020-21", "H3", "", "M1", "2021-07-01", "", "male"],
        ["2020-21", "H4", "", "M1", "2021-07-01", "", "male"],
        ["2019-20", "J1", "", "P1", "2020-06-01", "", "male"],
        ["2019-20", "", 1, "P1", "2020-06-01", "yes", "female"],
    ],
    "mobility": [
        MOBILITY_HEADER,
        stay("O1", OUT, "G1", "B1", "study", "DE", "2019-09-01", "2019-10-20"),
        stay("O2", OUT, "G1", "B1", "SMS", "PL", "2020-02-01", "2020-03-21"),
        stay("O3", OUT, "G2", "B1", "BIP", "IT", "2020-03-01", "2020-03-10"),
        stay("O4", OUT, "G3", "B1", "study", "UA", "2020-09-01", "2020-09-30", 20, 20),
        stay("O5", OUT, "G4", "B2", "SMP", "US", "2020-09-01", "2020-12-04"),
        stay("O6", OUT, "G5", "B2", "study", "ES", "2021-08-01", "2021-11-28", 30, 24),
        stay("O7", OUT, "H1", "M1", "study", "DE", "2019-09-01", "2019-12-09", 30, 27),
        stay("O8", OUT, "K1", "P1", "study", "FR", "2020-09-01", "2020-12-09", 10, ""),
        stay("O9", OUT, "K2", "P1", "short_doctoral", "FR", "2020-10-01", "2020-10-20"),
        stay(
            "O10",
            OUT,
            "V1",
            "B2",
            "virtual_exchange",
            "US",
            "2020-10-01",
            "2020-10-10",
            fewer="yes",
        ),  # fmt: skip
        [
            "O11",
            "student",
            "outgoing",
            "",
            3,
            "2020-21",
            "B2",
            "",
            "study",
            "DE",
            "",
            "",
            150,
            "",
            "",
            "yes",
        ],  # fmt: skip
        stay("I1", IN, "X1", "M1", "study", "DE", "2020-09-01", "2021-01-31"),
        stay("I2", IN, "X2", "M1", "study", "DE", "2020-09-01", "2021-01-31"),
        stay("I3", IN, "X3", "B1", "study", "UA", "2020-09-01", "2021-01-31"),
        [
            "I4",
            "student",
            "incoming",
            "",
            4,
            "2020-21",
            "B2",
            "",
            "study",
            "US",
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # fmt: skip
        [
            "S1",
            "staff",
            "outgoing",
            "E1",
            "",
            "",
            "",
            "Science",
            "STA",
            "PL",
            "2020-10-05",
            "2020-10-09",
            "",
            "",
            "",
            "",
        ],  # fmt: skip
        [
            "S2",
            "staff",
            "outgoing",
            "E2",
            "",
            "",
            "",
            "Humanities",
            "STT",
            "GE",
            "2021-03-01",
            "2021-03-05",
            "",
            "",
            "",
            "",
        ],  # fmt: skip
        [
            "S3",
            "staff",
            "incoming",
            "E3",
            "",
            "",
            "",
            "Science",
            "STA",
            "DE",
            "2020-11-02",
            "2020-11-06",
            "",
            "",
            "",
            "",
        ],  # fmt: skip
    ],
}

mobility = module_dataset(FILES)
Y2020 = FilterState(year_from=2020, year_to=2020)


# --- graduate mobility rates (the EU benchmark way) -------------------------------------------


def test_bachelor_graduate_rate(mobility):
    result = kpi(mobility, "outgoing_mobility_rate_bachelor", state=Y2020)
    # Qualifying: G1 (two 50-day study stays, summed 100 days >= 90), G3 (30 days but 20
    # ECTS >= 15), G4 (95-day traineeship), and the aggregated x4 flagged credit-mobile.
    # Not: G2 (a 10-day blended intensive programme does not count), G5 (stay starts after
    # the diploma), G6 (no stay), aggregated x10 flagged no. The aggregated x3 without a
    # flag are left out. Numerator 3 + 4 = 7; denominator 6 + 4 + 10 = 20 -> 35%.
    assert cells(result, "numerator") == {"all": 7}
    assert cells(result, "denominator") == {"all": 20}
    assert cells(result) == {"all": pytest.approx(35.0)}
    assert cells(result, "method") == {"all": METHOD_GRADUATES}


def test_bachelor_graduate_rate_by_faculty_and_gender(mobility):
    by_faculty = kpi(mobility, "outgoing_mobility_rate_bachelor", by="faculty", state=Y2020)
    # Humanities (B1): G1, G3 of G1, G2, G3 -> 2/3. Science (B2): G4 + x4 of G4, G5, G6,
    # x4, x10 -> 5/17.
    assert cells(by_faculty, "numerator") == {"Humanities": 2, "Science": 5}
    assert cells(by_faculty, "denominator") == {"Humanities": 3, "Science": 17}
    by_gender = kpi(mobility, "outgoing_mobility_rate_bachelor", by="gender", state=Y2020)
    # female: G1, G3, G4, x4 all qualify -> 7/7; male: G2, G5, G6, x10 -> 0/13.
    assert cells(by_gender, "numerator") == {"female": 7, "male": 0}
    assert cells(by_gender, "denominator") == {"female": 7, "male": 13}


def test_master_graduate_rate(mobility):
    result = kpi(mobility, "outgoing_mobility_rate_master", state=Y2020)
    # H1 had a 100-day study stay; H2-H4 none: 1/4 = 25%.
    assert cells(result, "numerator") == {"all": 1}
    assert cells(result, "denominator") == {"all": 4}
    assert cells(result) == {"all": pytest.approx(25.0)}


def test_graduate_rate_falls_back_to_participation_rate_labelled(mobility):
    result = kpi(mobility, "outgoing_mobility_rate_phd")
    # 2019-20 has PhD graduate records: J1 (no stay) and x1 credit-mobile -> 1/2 = 50%.
    assert by_year(result) == {2019: pytest.approx(50.0), 2020: pytest.approx(10.0)}
    assert by_year(result, "method")[2019] == METHOD_GRADUATES
    # 2020-21 has none: the PhD yearly participation rate stands in, labelled: K1's 100-day
    # stay qualifies, K2's short doctoral stay does not; 1 of 10 PhD candidates = 10%.
    assert by_year(result, "method")[2020] == METHOD_PARTICIPATION_FALLBACK
    assert by_year(result, "numerator")[2020] == 1
    assert by_year(result, "denominator")[2020] == 10
    master = kpi(mobility, "outgoing_mobility_rate_master")
    # Master 2019-20 has no graduates: fallback, H1's 100-day stay of 10 students = 10%.
    assert by_year(master) == {2019: pytest.approx(10.0), 2020: pytest.approx(25.0)}
    assert by_year(master, "method") == {
        2019: METHOD_PARTICIPATION_FALLBACK,
        2020: METHOD_GRADUATES,
    }


def test_graduate_rate_filters(mobility):
    state = FilterState(year_from=2020, year_to=2020, programmes=("B1",))
    result = kpi(mobility, "outgoing_mobility_rate_bachelor", state=state)
    # B1 only: G1, G3 of G1, G2, G3.
    assert cells(result, "numerator") == {"all": 2}
    assert cells(result, "denominator") == {"all": 3}
    science = FilterState(year_from=2020, year_to=2020, faculties=("Science",))
    assert cells(kpi(mobility, "outgoing_mobility_rate_bachelor", state=science)) == {
        "all": pytest.approx(100 * 5 / 17)
    }


# --- the yearly participation rate ----------------------------------------------------------


def test_participation_rate(mobility):
    result = kpi(mobility, "outgoing_participation_rate")
    # Per stay, not summed: 2019-20 only O7 (100 days) qualifies (O1 and O2 are 50 days each,
    # O3 is blended): 1 of 70 enrolled = 1.43%. 2020-21: O4 (20 ECTS), O5, O6, O8 (4 distinct
    # students) + O11 (x3) = 7 of 70 = 10%.
    assert by_year(result, "numerator") == {2019: 1, 2020: 7}
    assert by_year(result, "denominator") == {2019: 70, 2020: 70}
    assert by_year(result) == {2019: pytest.approx(100 / 70), 2020: pytest.approx(10.0)}
    assert set(result["method"]) == {"yearly participation rate"}


def test_participation_rate_by_cycle_and_filters(mobility):
    result = kpi(mobility, "outgoing_participation_rate", by="cycle", state=Y2020)
    # bachelor: G3, G4, G5 + x3 = 6 of 50; master 0 of 10; PhD K1 = 1 of 10.
    assert cells(result, "numerator") == {"bachelor": 6, "master": 0, "phd": 1}
    assert cells(result, "denominator") == {"bachelor": 50, "master": 10, "phd": 10}
    assert cells(result)["bachelor"] == pytest.approx(12.0)
    phd = FilterState(year_from=2020, year_to=2020, cycles=("phd",))
    assert cells(kpi(mobility, "outgoing_participation_rate", state=phd)) == {
        "all": pytest.approx(10.0)
    }


# --- counts of mobilities -------------------------------------------------------------------


def test_outgoing_students(mobility):
    result = kpi(mobility, "outgoing_students")
    # 2019-20: O1, O2, O3, O7 = 4. 2020-21: O4, O5, O6, O8, O9, O10 + O11 x3 = 9.
    assert by_year(result) == {2019: 4, 2020: 9}
    activity = kpi(mobility, "outgoing_students", by="activity", state=Y2020)
    # study O4, O6, O8 + x3 = 6; traineeship O5; short doctoral O9; virtual O10.
    assert cells(activity) == {
        "study": 6,
        "traineeship": 1,
        "short_doctoral": 1,
        "virtual_exchange": 1,
    }
    benchmark = kpi(mobility, "outgoing_students", by="benchmark", state=Y2020)
    # Counted: O4 (20 ECTS), O5 (95 d), O6 (120 d), O8 (100 d), O11 (x3, 150 d) = 7;
    # shown, not counted: O9 (short doctoral), O10 (virtual) = 2.
    assert cells(benchmark) == {"counts toward the benchmark": 7, "shown, not counted": 2}
    cycle = kpi(mobility, "outgoing_students", by="cycle", state=Y2020)
    assert cells(cycle) == {"bachelor": 7, "phd": 2}


def test_outgoing_students_filters(mobility):
    humanities = kpi(mobility, "outgoing_students", state=FilterState(faculties=("Humanities",)))
    # B1 stays: O1, O2, O3 in 2019-20; O4 in 2020-21.
    assert by_year(humanities) == {2019: 3, 2020: 1}
    b2 = kpi(mobility, "outgoing_students", state=FilterState(programmes=("B2",)))
    # O5, O6, O10 + O11 x3 = 6, all 2020-21.
    assert by_year(b2) == {2020: 6}
    phd = kpi(mobility, "outgoing_students", state=FilterState(cycles=("phd",)))
    assert by_year(phd) == {2020: 2}
    first = kpi(mobility, "outgoing_students", state=FilterState(year_to=2019))
    assert by_year(first) == {2019: 4}


def test_incoming_exchange_students(mobility):
    result = kpi(mobility, "incoming_exchange_students", by="partner_country", state=Y2020)
    # I1, I2 from DE; I3 from UA; x4 from US (staff E3 is not a student).
    assert cells(result) == {"DE": 2, "UA": 1, "US": 4}
    total = kpi(mobility, "incoming_exchange_students", state=Y2020)
    assert cells(total) == {"all": 7}


def test_exchange_balance_overall_and_per_partner_country(mobility):
    total = kpi(mobility, "exchange_balance", state=Y2020)
    # Like for like (issue 11, point 1: this changed from 7 / 9): long study and
    # traineeship stays on both sides. Incoming: I1, I2, I3 (153 days) + I4 x4 (length and
    # credits unrecorded: counted) = 7. Outgoing: O4 (20 ECTS), O5 (95 days), O6, O8,
    # O11 x3 = 7; O9 (short doctoral) and O10 (virtual) are left out of both sides.
    assert cells(total, "numerator") == {"all": 7}
    assert cells(total, "denominator") == {"all": 7}
    assert cells(total) == {"all": pytest.approx(1.0)}
    result = kpi(mobility, "exchange_balance", by="partner_country", state=Y2020)
    # DE: 2 in / 3 out (O11) = 0.667; UA: 1 / 1 (O4) = 1; US: 4 / 1 (O5; O10 is virtual)
    # = 4; ES: 0 / 1 = 0; FR: 0 / 1 (O8; O9 is short doctoral) = 0.
    assert cells(result) == {
        "DE": pytest.approx(2 / 3),
        "UA": pytest.approx(1.0),
        "US": pytest.approx(4.0),
        "ES": pytest.approx(0.0),
        "FR": pytest.approx(0.0),
    }


def test_blended_virtual_share(mobility):
    result = kpi(mobility, "blended_virtual_share")
    # 2019-20: O3 blended of 4 = 25%; 2020-21: O10 virtual of 9 = 11.1%.
    assert by_year(result, "numerator") == {2019: 1, 2020: 1}
    assert by_year(result) == {2019: pytest.approx(25.0), 2020: pytest.approx(100 / 9)}
    by_faculty = kpi(mobility, "blended_virtual_share", by="faculty", state=Y2020)
    # Humanities: O4 -> 0/1; Science: O10 of O5, O6, O8, O9, O10, x3 -> 1/8.
    assert cells(by_faculty, "denominator") == {"Humanities": 1, "Science": 8}
    assert cells(by_faculty)["Science"] == pytest.approx(12.5)


def test_fewer_opportunities_share(mobility):
    result = kpi(mobility, "fewer_opportunities_share")
    # 2020-21: O10 + O11 x3 = 4 of 9 = 44.4%; 2019-20: none of 4.
    assert by_year(result, "numerator") == {2019: 0, 2020: 4}
    assert by_year(result) == {2019: pytest.approx(0.0), 2020: pytest.approx(400 / 9)}
    activity = kpi(mobility, "fewer_opportunities_share", by="activity", state=Y2020)
    # study: x3 of 6 = 50%; virtual: 1 of 1 = 100%; traineeship 0 of 1.
    assert cells(activity)["study"] == pytest.approx(50.0)
    assert cells(activity)["virtual_exchange"] == pytest.approx(100.0)


def test_ects_recognition_rate(mobility):
    result = kpi(mobility, "ects_recognition_rate")
    # 2019-20: O7 27 of 30 = 90%. 2020-21: O4 20/20 + O6 24/30 = 44 of 50 = 88%
    # (O8 reports no recognised credits: left out).
    assert by_year(result, "numerator") == {2019: 27, 2020: 44}
    assert by_year(result, "denominator") == {2019: 30, 2020: 50}
    assert by_year(result) == {2019: pytest.approx(90.0), 2020: pytest.approx(88.0)}
    by_country = kpi(mobility, "ects_recognition_rate", by="partner_country", state=Y2020)
    assert cells(by_country) == {"UA": pytest.approx(100.0), "ES": pytest.approx(80.0)}


def test_staff_mobility_rate(mobility):
    result = kpi(mobility, "staff_mobility_rate", state=Y2020)
    # E1 + E2 = 2 outgoing staff mobilities per 40 academic staff -> 2 / 40 x 100 = 5.0
    # (the 20 support staff and the incoming E3 do not count).
    assert cells(result, "numerator") == {"all": 2}
    assert cells(result, "denominator") == {"all": 40}
    assert cells(result) == {"all": pytest.approx(5.0)}
    by_faculty = kpi(mobility, "staff_mobility_rate", by="faculty", state=Y2020)
    # Science 1 per 30 -> 3.33; Humanities 1 per 10 -> 10.
    assert cells(by_faculty) == {
        "Science": pytest.approx(100 / 30),
        "Humanities": pytest.approx(10.0),
    }
    by_activity = kpi(mobility, "staff_mobility_rate", by="activity", state=Y2020)
    # 1 teaching, 1 training, each per 40 -> 2.5.
    assert cells(by_activity) == {
        "staff_teaching": pytest.approx(2.5),
        "staff_training": pytest.approx(2.5),
    }


def test_cee_neighbourhood_share(mobility):
    result = kpi(mobility, "cee_neighbourhood_share")
    # 2019-20: O2 (PL) of O1, O2, O3, O7 = 1/4. 2020-21, every mobility with a partner
    # country: 9 outgoing students + 7 incoming students + 3 staff = 19; Central/Eastern
    # Europe or neighbourhood: O4 (UA), I3 (UA), E1 (PL), E2 (GE) = 4 -> 21.05%.
    assert by_year(result, "numerator") == {2019: 1, 2020: 4}
    assert by_year(result, "denominator") == {2019: 4, 2020: 19}
    assert by_year(result)[2020] == pytest.approx(100 * 4 / 19)
    direction = kpi(mobility, "cee_neighbourhood_share", by="direction", state=Y2020)
    # outgoing: O4, E1, E2 of 9 + 2 = 11; incoming: I3 of 7 + 1 = 8.
    assert cells(direction, "numerator") == {"outgoing": 3, "incoming": 1}
    assert cells(direction, "denominator") == {"outgoing": 11, "incoming": 8}
    participant = kpi(mobility, "cee_neighbourhood_share", by="participant", state=Y2020)
    # students: O4, I3 of 16; staff: E1, E2 of 3.
    assert cells(participant, "numerator") == {"student": 2, "staff": 2}
    assert cells(participant, "denominator") == {"student": 16, "staff": 3}


def test_mobility_window_coverage(mobility):
    result = kpi(mobility, "mobility_window_coverage")
    # Bachelor programmes with students: 2019-20 B1 (window), B2 (no) -> 1/2 = 50%;
    # 2020-21 also B3 (no flag = no window) -> 1/3.
    assert by_year(result, "numerator") == {2019: 1, 2020: 1}
    assert by_year(result, "denominator") == {2019: 2, 2020: 3}
    assert by_year(result) == {2019: pytest.approx(50.0), 2020: pytest.approx(100 / 3)}
    by_faculty = kpi(mobility, "mobility_window_coverage", by="faculty", state=Y2020)
    # Humanities: B1 of B1, B3 = 50%; Science: B2 -> 0%.
    assert cells(by_faculty) == {"Humanities": pytest.approx(50.0), "Science": pytest.approx(0.0)}
    b1 = kpi(mobility, "mobility_window_coverage", state=FilterState(2020, 2020, (), ("B1",)))
    assert cells(b1) == {"all": pytest.approx(100.0)}


def test_master_and_phd_graduate_rates_by_breakdown(mobility):
    master = kpi(mobility, "outgoing_mobility_rate_master", by="programme", state=Y2020)
    # M1: H1 of H1-H4 -> 1/4.
    assert cells(master, "numerator") == {"M1": 1}
    assert cells(master, "denominator") == {"M1": 4}
    phd = kpi(mobility, "outgoing_mobility_rate_phd", by="faculty")
    # Science (P1): 2019-20 from graduates 1/2; 2020-21 the fallback, K1 of 10 PhD
    # candidates, labelled.
    assert by_year(phd, group="Science") == {2019: pytest.approx(50.0), 2020: pytest.approx(10.0)}
    assert by_year(phd, "method", group="Science") == {
        2019: METHOD_GRADUATES,
        2020: METHOD_PARTICIPATION_FALLBACK,
    }


def test_graduate_linked_to_stays_given_by_academic_year_only(load):
    # A stay without dates (academic year 2019-20, 120 days) of a 2020-21 graduate with a
    # diploma date counts; one recorded for 2021-22, after the graduation year, does not.
    cursor = load(
        {
            "graduates": [
                ["academic_year", "student_key", "programme_code", "graduation_date"],
                ["2020-21", "A", "B1", "2021-07-01"],
                ["2020-21", "B", "B1", "2021-07-01"],
            ],
            "mobility": [
                [
                    "mobility_id",
                    "participant",
                    "direction",
                    "person_key",
                    "academic_year",
                    "programme_code",
                    "activity",
                    "duration_days",
                ],  # fmt: skip
                ["1", "student", "outgoing", "A", "2019-20", "B1", "study", 120],
                ["2", "student", "outgoing", "B", "2021-22", "B1", "study", 120],
            ],
        }
    )
    result = kpi(cursor, "outgoing_mobility_rate_bachelor", state=Y2020)
    # A qualifies (120 days), B's stay is after graduating: 1 of 2 = 50%.
    assert cells(result, "numerator") == {"all": 1}
    assert cells(result, "denominator") == {"all": 2}
