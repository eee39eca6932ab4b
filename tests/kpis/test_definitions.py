"""Issue 11: KPI definitions a board can act on. One hand-computed case per point; each of
these failed on the definitions before the issue and passes now.

Dataset (programmes from conftest: B1 Humanities bachelor, M1 Law master, P1 Science PhD):

Student mobility 2020-21 (B1): outgoing study 100 days (DE), virtual exchange (DE), blended
  intensive programme 5 days (DE), traineeship 30 days without credits (DE); incoming study
  without length or credits (DE), incoming study 120 days (FR).
Staff (keyed, reference year 2020): A1, A2 academic Science; S1 support Central; S2 support
  Science. Outgoing staff trips 2020-21: A1 teaching (Science), S1 training (Central), S2
  training (Science), and one unlinked teaching trip recorded for Central.
Master's students, degree enrolments: 2019-20 GB 1, NL 3; 2020-21 GB 1, NL 3; 2012-13 and
  2013-14 HR 1, NL 3.
Bachelor graduates 2020-21 (B1, diploma 2021-07-01): G1 prior education NL with the 100-day
  stay; G2 NL, no stay; G3 DE (came for the whole degree), no stay; G4 prior education not
  recorded, no stay.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.filters_state import FilterState
from dashboard.kpis import query
from dashboard.kpis.registry import get_kpi
from dashboard.kpis.status import (
    ACHIEVED_BY,
    DETERIORATION,
    MISSED_BY,
    NO_CHANGE,
    NOT_ENOUGH_DATA,
    ON_TRACK,
    progress,
)
from dashboard.kpis.table import STATUS, STATUS_LABEL, TARGETS, kpi_table, with_status
from dashboard.kpis.targets import Target, read_targets
from etl.countries import country_table, policy_regions
from etl.membership import eea_in, membership_table
from tests.kpis.conftest import NO_SUPPRESSION, cells, kpi, module_dataset

HEADER = ["mobility_id", "participant", "direction", "person_key", "academic_year",
          "programme_code", "faculty", "activity", "partner_country", "duration_days",
          "ects_earned", "ects_recognised"]  # fmt: skip


def trip(mid, participant, direction, key, programme, faculty, activity, country, days="",
         ects="", recognised=""):  # fmt: skip
    return [mid, participant, direction, key, "2020-21", programme, faculty, activity, country,
            days, ects, recognised]  # fmt: skip


FILES = {
    "enrolments": [
        ["academic_year", "headcount", "programme_code", "nationality"],
        ["2019-20", 1, "M1", "GB"],
        ["2019-20", 3, "M1", "NL"],
        ["2020-21", 1, "M1", "GB"],
        ["2020-21", 3, "M1", "NL"],
        ["2012-13", 1, "M1", "HR"],
        ["2012-13", 3, "M1", "NL"],
        ["2013-14", 1, "M1", "HR"],
        ["2013-14", 3, "M1", "NL"],
    ],
    "staff": [
        ["reference_year", "staff_key", "faculty", "category", "staff_type", "nationality"],
        [2020, "A1", "Science", "professor", "academic", "NL"],
        [2020, "A2", "Science", "lecturer", "academic", "NL"],
        [2020, "S1", "Central", "support", "support", "NL"],
        [2020, "S2", "Science", "support", "support", "NL"],
    ],
    "graduates": [
        [
            "academic_year",
            "student_key",
            "programme_code",
            "graduation_date",
            "prior_education_country",
        ],  # fmt: skip
        ["2020-21", "G1", "B1", "2021-07-01", "NL"],
        ["2020-21", "G2", "B1", "2021-07-01", "NL"],
        ["2020-21", "G3", "B1", "2021-07-01", "DE"],
        ["2020-21", "G4", "B1", "2021-07-01", ""],
    ],
    "mobility": [
        HEADER,
        trip("O1", "student", "outgoing", "G1", "B1", "", "study", "DE", 100, 30, 24),
        trip("O2", "student", "outgoing", "G2", "B1", "", "virtual_exchange", "DE", 10),
        trip("O3", "student", "outgoing", "X1", "B1", "", "blended_intensive", "DE", 5),
        trip("O4", "student", "outgoing", "X2", "B1", "", "traineeship", "DE", 30),
        trip("O5", "student", "outgoing", "X3", "B1", "", "combined", "DE", 150, 30, 30),
        trip("I1", "student", "incoming", "Y1", "B1", "", "study", "DE"),
        trip("I2", "student", "incoming", "Y2", "B1", "", "study", "FR", 120),
        trip("T1", "staff", "outgoing", "A1", "", "Science", "staff_teaching", "PL", 5),
        trip("T2", "staff", "outgoing", "S1", "", "Central", "staff_training", "PL", 5),
        trip("T3", "staff", "outgoing", "S2", "", "Science", "staff_training", "PL", 5),
        trip("T4", "staff", "outgoing", "", "", "Central", "staff_teaching", "PL", 5),
    ],
}

definitions = module_dataset(FILES)
Y2020 = FilterState(year_from=2020, year_to=2020)


# --- 1. exchange balance, like for like --------------------------------------------------------


def test_exchange_balance_compares_the_same_activities_on_both_sides(definitions):
    result = kpi(definitions, "exchange_balance", state=Y2020)
    # Incoming: I1 (no length or credits recorded: counts) + I2 (120 days) = 2. Outgoing
    # long study and traineeship stays: O1 (100 days) + O5 (combined, 150 days) = 2; the
    # virtual exchange, the blended programme and the 30-day traineeship count on neither
    # side. 2 / 2 = 1.0 (it was 2 / 5 = 0.4 with every outgoing activity).
    assert cells(result, "numerator") == {"all": 2}
    assert cells(result, "denominator") == {"all": 2}
    assert cells(result) == {"all": pytest.approx(1.0)}
    activity = kpi(definitions, "exchange_balance", by="activity", state=Y2020)
    # study: 2 in / 1 out; combined: 0 in / 1 out.
    assert cells(activity) == {"study": pytest.approx(2.0), "combined": pytest.approx(0.0)}


# --- 2. staff mobility per staff group --------------------------------------------------------


def test_staff_mobility_rate_divides_each_group_by_itself(definitions):
    academic = kpi(definitions, "staff_mobility_rate", state=Y2020)
    # Academic: A1's trip + T4 (no staff record: academic, the catalogue's reading) = 2 per
    # 2 academic staff -> 100 per 100 (it was 4 trips per 2 academic staff = 200).
    assert cells(academic, "numerator") == {"all": 2}
    assert cells(academic, "denominator") == {"all": 2}
    assert cells(academic) == {"all": pytest.approx(100.0)}
    support = kpi(definitions, "staff_mobility_rate_support", state=Y2020)
    # Support: S1 and S2's training trips per 2 support staff -> 100 per 100.
    assert cells(support, "numerator") == {"all": 2}
    assert cells(support, "denominator") == {"all": 2}


def test_staff_mobility_by_faculty_drops_no_unit(definitions):
    academic = kpi(definitions, "staff_mobility_rate", by="faculty", state=Y2020)
    # Science: A1 per A1, A2 -> 50. Central has no academic staff but an academic trip (T4):
    # shown with its numerator and no rate (it was dropped).
    assert cells(academic, "numerator") == {"Science": 1, "Central": 1}
    assert cells(academic, "denominator") == {"Science": 2, "Central": 0}
    assert cells(academic) == {"Science": pytest.approx(50.0), "Central": None}
    # Nothing lost: the units add up to the total.
    assert sum(cells(academic, "numerator").values()) == 2
    support = kpi(definitions, "staff_mobility_rate_support", by="faculty", state=Y2020)
    assert cells(support) == {"Central": pytest.approx(100.0), "Science": pytest.approx(100.0)}


def test_the_support_staff_rate_is_registered(definitions):
    kpi_ids = set(kpi_table(definitions, Y2020, NO_SUPPRESSION, [])[query.KPI_ID])
    assert {"staff_mobility_rate", "staff_mobility_rate_support"} <= kpi_ids
    assert get_kpi("staff_mobility_rate").denominator == "academic staff"
    assert get_kpi("staff_mobility_rate_support").denominator == "support staff"


# --- 3. status never mixes the graduate series with its fallback --------------------------------


def _rates(methods: dict[int, tuple[float, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            query.KPI_ID: "outgoing_mobility_rate_phd",
            query.ACADEMIC_YEAR: list(methods),
            query.GROUP: "all",
            query.VALUE: [value for value, _method in methods.values()],
            query.METHOD: [method for _value, method in methods.values()],
        }
    )


def test_status_is_scored_on_the_graduate_series_only():
    eu = Target("outgoing_mobility_rate_phd", "university", "", ">=", 23, "reach", 2030, 2020,
                None, "EU 2030", "a test")  # fmt: skip
    frame = _rates(
        {
            2019: (10.0, query.METHOD_GRADUATES),
            2020: (2.0, query.METHOD_PARTICIPATION_FALLBACK),
            2021: (9.0, query.METHOD_GRADUATES),
        }
    )
    result = with_status(frame, [eu], FilterState(), None)
    status = dict(zip(result[query.ACADEMIC_YEAR], result[STATUS], strict=True))
    # The baseline year 2020 has only the participation rate (2.0): mixing it in read
    # 2.0 -> 9.0 as "on track". On graduates only the baseline is the first graduate year
    # before 2021, 2019 (10.0): 10 -> 9 is a deterioration; the fallback year itself is not
    # scored.
    assert status[2021] == DETERIORATION
    assert status[2020] == NOT_ENOUGH_DATA


# --- 4. EU/EEA membership by academic year ----------------------------------------------------


def test_eea_membership_is_the_years(definitions):
    result = kpi(definitions, "intl_share_master", by="nationality_region")
    # GB: EU on 1 October 2019 -> EEA in 2019-20; rest of world from 2020-21. HR: joined
    # 1 July 2013 -> rest of world in 2012-13, EEA from 2013-14. (GB was rest of world
    # and HR EEA in every year before.)
    assert cells(result, "numerator", 2019) == {"EEA": 1, "home": 3}
    assert cells(result, "numerator", 2020) == {"rest of world": 1, "home": 3}
    assert cells(result, "numerator", 2012) == {"rest of world": 1, "home": 3}
    assert cells(result, "numerator", 2013) == {"EEA": 1, "home": 3}


def test_membership_file_has_sources_and_no_overlaps():
    table = membership_table()
    assert table["source"].str.startswith("https://").all()
    for _iso2, periods in table.groupby("iso2"):
        ordered = periods.sort_values("member_from")
        ends = list(ordered["member_until"])[:-1]
        starts = list(ordered["member_from"])[1:]
        assert all(end is not None and end < start for end, start in zip(ends, starts, strict=True))
    # Today's members agree with country_converter's (undated) EU and EEA columns.
    countries = country_table()
    today = 2025
    assert {c for c in countries.loc[countries["eea"], "iso2"]} == {
        c for c in table["iso2"] if eea_in(c, today)
    }
    assert eea_in("GB", 2019) and not eea_in("GB", 2020)
    assert not eea_in("HR", 2012) and eea_in("HR", 2013)


def test_policy_regions_come_from_the_reference_file():
    regions = policy_regions()
    countries = country_table().set_index("iso2")
    assert set(countries.index[countries["neighbourhood"]]) == set(regions["neighbourhood"])
    # Central and Eastern Europe: the UN's Eastern Europe plus the file's countries.
    assert countries.loc["EE", "cee"] and countries.loc["PL", "cee"]
    assert not countries.loc["DE", "cee"]


# --- 5. graduate mobility the Eurostat way ----------------------------------------------------


def test_graduate_rate_leaves_out_degree_mobile_graduates(definitions):
    result = kpi(definitions, "outgoing_mobility_rate_bachelor", state=Y2020)
    # G3 came from abroad for the whole degree: out of both counts. G1 qualifies (100
    # days) of G1, G2, G4 (prior education unknown: kept) -> 1 / 3 (it was 1 / 4).
    assert cells(result, "numerator") == {"all": 1}
    assert cells(result, "denominator") == {"all": 3}
    origin = kpi(definitions, "outgoing_mobility_rate_bachelor", "graduate_origin", Y2020)
    # The other reading, every graduate by origin.
    assert cells(origin, "denominator") == {
        "prior education at home": 2,
        "degree-mobile (prior education abroad)": 1,
        "prior education unknown": 1,
    }
    assert "Eurostat" in get_kpi("outgoing_mobility_rate_bachelor").definition


# --- 6. status words ------------------------------------------------------------------------


def _target(value, kind="reach", target_year=2030, baseline_year=2021, baseline_value=None):
    return Target("mobility_window_coverage", "university", "", ">=", value, kind, target_year,
                  baseline_year, baseline_value, "test", "a test")  # fmt: skip


def test_a_past_deadline_reads_achieved_or_missed_by():
    ehea = _target(20, target_year=2020, baseline_year=2015)
    series = {2015: 16.7, 2019: 17.6, 2020: 13.5, 2023: 22.2}
    # Scored in 2023, after 2020: judged on 2020's 13.5 -> missed by 2020-21 (it read
    # "limited progress" from growth figures).
    result = progress(ehea, series, 2023)
    assert (result.status, result.label) == (MISSED_BY, "missed by 2020-21")
    met = progress(ehea, {2015: 16.7, 2020: 20.5, 2023: 18.0}, 2023)
    assert (met.status, met.label) == (ACHIEVED_BY, "achieved by 2020-21")
    # Up to the deadline the growth rules still apply.
    assert progress(ehea, {2015: 10.0, 2019: 18.0}, 2019).status == ON_TRACK


def test_a_change_within_the_tolerance_is_no_change():
    # Mobility window: 93.3% flat under a 95% floor -> no change (it read "deterioration").
    window = _target(95, kind="maintain", target_year=2027)
    flat = {year: 28 / 30 * 100 for year in range(2021, 2025)}
    assert progress(window, flat, 2024).status == NO_CHANGE
    # 10.0 -> 9.96 in a year (-0.4%, inside the 0.5% tolerance) toward a 20 target: no
    # change; a real fall (10 -> 9.0, -10%) stays a deterioration.
    reach = _target(20, baseline_year=2021, baseline_value=10.0)
    assert progress(reach, {2022: 9.96}).status == NO_CHANGE
    assert progress(reach, {2022: 9.0}).status == DETERIORATION


def test_recognition_counts_combined_stays(definitions):
    result = kpi(definitions, "ects_recognition_rate", state=Y2020)
    # O1 study 24 of 30 + O5 combined 30 of 30 = 54 / 60 = 90%.
    assert cells(result, "numerator") == {"all": 54}
    assert cells(result, "denominator") == {"all": 60}
    assert "combined study-and-traineeship" in get_kpi("ects_recognition_rate").definition


# --- 7. targets have a scope --------------------------------------------------------------------


def test_university_targets_do_not_score_a_programme(definitions, tmp_path):
    targets_file = tmp_path / "targets.csv"
    targets_file.write_text(
        "kpi_id,comparator,value,kind,target_year,baseline_year,baseline_value,label,source\n"
        "nationalities_count,>=,122,maintain,2027,2019,,EPS,the EPS\n"
        "intl_share_master,>=,23,maintain,2027,2019,23,EPS,the EPS\n",
        encoding="utf-8",
    )
    # No scope column: every target is the university's.
    targets = read_targets(targets_file)
    assert {t.scope for t in targets} == {"university"}
    one_programme = FilterState(2019, 2019, programmes=("M1",))
    table = kpi_table(definitions, one_programme, NO_SUPPRESSION, targets,
                      ["nationalities_count", "intl_share_master"])  # fmt: skip
    rows = {row[query.KPI_ID]: row for row in table.to_dict(orient="records")}
    # 2 nationalities in M1 against the university's 122: no status, no reference (it read
    # "deterioration").
    assert rows["nationalities_count"][STATUS] == "no_target"
    assert rows["nationalities_count"][TARGETS] == ""
    # A share: the university's 23% is a reference, unscored.
    assert rows["intl_share_master"][STATUS] == "no_target"
    assert rows["intl_share_master"][STATUS_LABEL] == ""
    assert rows["intl_share_master"][TARGETS].startswith("reference, not scored")
    # The university view is scored: 1 of 4 = 25% holds the 23% floor.
    university = kpi_table(definitions, FilterState(2019, 2019), NO_SUPPRESSION, targets,
                           ["intl_share_master"])  # fmt: skip
    assert list(university[STATUS]) == ["target_achieved"]
