"""Network and partnership KPIs on a small hand-made dataset, values worked out by hand.

Years 2018-19 to 2020-21 (enrolments exist in those years, so an open range covers them).
Networks: LERU since 2002 (ongoing), EUNIWELL since 2019-20 (ongoing), OLDNET 2010 to 2019-20.
Activities 2020-21: EUniWell summer school (24 participants, Science) and staff exchange (6,
  Humanities); LERU research project (3, university-wide).
Projects (active in academic year Y: starts on or before 31 August Y+1, ends on or after
  1 September Y):
  PA cooperation partnership, coordinator, 2019-09-01..2022-08-31, 290,000, Humanities
  PB European University (EUNIWELL), partner, 2020-11-01..2023-10-31, 400,000
  PC alliance for innovation, partner, 2018-01-01..2019-08-31, 100,000
  PD capacity building, partner, 2021-09-01..2022-12-31, 50,000
  PE cooperation partnership, partner, 2019-05-01..2019-09-01, 20,000, Science
Agreements: IIA-1 DE 2014-2027 (4/4 places), BIL-7 JP from 2016 open-ended (2/2, Science),
  IIA-2 PL 2019 only (3/1), IIA-3 UA from 2021.
"""

from __future__ import annotations

from dashboard.filters_state import FilterState
from tests.kpis.conftest import by_year, cells, kpi, module_dataset

FILES = {
    "enrolments": [
        ["academic_year", "headcount", "programme_code", "nationality"],
        ["2018-19", 10, "B1", "NL"],
        ["2019-20", 10, "B1", "NL"],
        ["2020-21", 10, "B1", "NL"],
    ],
    "networks": [
        ["network_code", "network_name", "network_type", "member_since", "member_until"],
        ["LERU", "League of European Research Universities", "university_association", 2002, ""],
        ["EUNIWELL", "EUniWell", "european_university_alliance", "2019-20", ""],
        ["OLDNET", "Old network", "thematic_network", 2010, "2019-20"],
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
        ["A1", "EUNIWELL", "2020-21", "summer_school", 24, "Science"],
        ["A2", "LERU", "2020-21", "research_project", 3, ""],
        ["A3", "EUNIWELL", "2020-21", "staff_exchange", 6, "Humanities"],
    ],
    "projects": [
        [
            "project_id",
            "title",
            "action_type",
            "role",
            "start_date",
            "end_date",
            "eu_grant_eur",
            "network_code",
            "faculty",
        ],  # fmt: skip
        [
            "PA",
            "A",
            "cooperation_partnership",
            "coordinator",
            "2019-09-01",
            "2022-08-31",
            290000,
            "",
            "Humanities",
        ],  # fmt: skip
        [
            "PB",
            "B",
            "european_university",
            "partner",
            "2020-11-01",
            "2023-10-31",
            400000,
            "EUNIWELL",
            "",
        ],  # fmt: skip
        [
            "PC",
            "C",
            "alliance_for_innovation",
            "partner",
            "2018-01-01",
            "2019-08-31",
            100000,
            "",
            "",
        ],  # fmt: skip
        ["PD", "D", "capacity_building", "partner", "2021-09-01", "2022-12-31", 50000, "", ""],
        [
            "PE",
            "E",
            "cooperation_partnership",
            "partner",
            "2019-05-01",
            "2019-09-01",
            20000,
            "",
            "Science",
        ],  # fmt: skip
    ],
    "agreements": [
        [
            "agreement_id",
            "partner_name",
            "partner_country",
            "agreement_type",
            "start_year",
            "end_year",
            "faculty",
            "places_outgoing",
            "places_incoming",
        ],  # fmt: skip
        ["IIA-1", "Konstanz", "DE", "erasmus_iia", 2014, 2027, "", 4, 4],
        ["BIL-7", "Tokyo", "JP", "bilateral", 2016, "", "Science", 2, 2],
        ["IIA-2", "Krakow", "PL", "erasmus_iia", 2019, 2019, "", 3, 1],
        ["IIA-3", "Kyiv", "UA", "erasmus_iia", 2021, "", "", 1, 1],
    ],
}

networks = module_dataset(FILES)
Y2019 = FilterState(year_from=2019, year_to=2019)
Y2020 = FilterState(year_from=2020, year_to=2020)


def test_active_networks_per_year(networks):
    result = kpi(networks, "active_networks")
    # 2018-19: LERU, OLDNET; 2019-20: LERU, EUNIWELL (since 2019-20), OLDNET (until
    # 2019-20, inclusive); 2020-21: LERU, EUNIWELL.
    assert by_year(result) == {2018: 2, 2019: 3, 2020: 2}
    by_network = kpi(networks, "active_networks", by="network", state=Y2020)
    assert cells(by_network) == {"League of European Research Universities": 1, "EUniWell": 1}
    by_type = kpi(networks, "active_networks", by="network_type", state=Y2019)
    assert cells(by_type) == {
        "university_association": 1,
        "european_university_alliance": 1,
        "thematic_network": 1,
    }


def test_active_networks_for_years_without_other_data(networks):
    # An explicit range reaches beyond the years with student data: 2030-31 has LERU and
    # EUNIWELL (both ongoing).
    result = kpi(networks, "active_networks", state=FilterState(year_from=2030, year_to=2030))
    assert by_year(result) == {2030: 2}


def test_network_activities_and_participants(networks):
    result = kpi(networks, "network_activities", state=Y2020)
    # 3 activities with 24 + 3 + 6 = 33 participants.
    assert cells(result) == {"all": 3}
    assert cells(result, "participants") == {"all": 33}
    by_network = kpi(networks, "network_activities", by="network", state=Y2020)
    # EUniWell: 2 activities, 24 + 6 = 30 participants; LERU: 1, 3.
    assert cells(by_network) == {"EUniWell": 2, "League of European Research Universities": 1}
    assert cells(by_network, "participants") == {
        "EUniWell": 30,
        "League of European Research Universities": 3,
    }
    by_type = kpi(networks, "network_activities", by="activity_type", state=Y2020)
    assert cells(by_type) == {"summer_school": 1, "research_project": 1, "staff_exchange": 1}
    science = kpi(networks, "network_activities", state=FilterState(2020, 2020, ("Science",)))
    # Faculty filter: A1 only.
    assert cells(science) == {"all": 1}
    assert cells(science, "participants") == {"all": 24}


def test_cooperation_projects_active_in_academic_year(networks):
    result = kpi(networks, "erasmus_cooperation_projects")
    # 2018-19 (1 Sep 2018 - 31 Aug 2019): PC (ends 31 Aug 2019), PE (starts 1 May 2019) = 2;
    # grant 100,000 + 20,000.
    # 2019-20 (1 Sep 2019 - 31 Aug 2020): PA (starts 1 Sep 2019), PE (ends 1 Sep 2019) = 2;
    # PC ended 31 Aug 2019; grant 290,000 + 20,000.
    # 2020-21: PA, PB (starts 1 Nov 2020) = 2; PD starts 1 Sep 2021, after 31 Aug 2021;
    # grant 290,000 + 400,000.
    assert by_year(result) == {2018: 2, 2019: 2, 2020: 2}
    assert by_year(result, "eu_grant_eur") == {2018: 120000, 2019: 310000, 2020: 690000}
    action = kpi(networks, "erasmus_cooperation_projects", by="action_type", state=Y2019)
    assert cells(action) == {"cooperation_partnership": 2}
    role = kpi(networks, "erasmus_cooperation_projects", by="role", state=Y2020)
    assert cells(role) == {"coordinator": 1, "partner": 1}
    network = kpi(networks, "erasmus_cooperation_projects", by="network", state=Y2020)
    assert cells(network) == {"EUniWell": 1, "none": 1}
    humanities = FilterState(faculties=("Humanities",))
    # PA only, active 2019-20 and 2020-21.
    assert by_year(kpi(networks, "erasmus_cooperation_projects", state=humanities)) == {
        2019: 1,
        2020: 1,
    }


def test_partner_agreements_active(networks):
    result = kpi(networks, "partner_agreements")
    # 2018-19: IIA-1, BIL-7 = 2; 2019-20: + IIA-2 (2019 only) = 3; 2020-21: 2.
    # IIA-3 starts 2021: never in range.
    assert by_year(result) == {2018: 2, 2019: 3, 2020: 2}
    assert by_year(result, "places_outgoing") == {2018: 6, 2019: 9, 2020: 6}
    by_country = kpi(networks, "partner_agreements", by="partner_country", state=Y2019)
    assert cells(by_country) == {"DE": 1, "JP": 1, "PL": 1}
    by_region = kpi(networks, "partner_agreements", by="partner_region", state=Y2019)
    assert cells(by_region) == {
        "other EEA": 1,
        "rest of world": 1,
        "Central and Eastern Europe": 1,
    }
    science = kpi(networks, "partner_agreements", by="faculty", state=Y2019)
    assert cells(science) == {"university-wide": 2, "Science": 1}
