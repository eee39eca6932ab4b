"""A small published database for the dashboard tests: three faculties, five programmes,
ten academic years (2015-16 to 2024-25), loaded through the normal ETL as demo data.

Every year has the same mobility, graduates and network records, so the expected figures
below hold for any year and are easy to check by hand:

- Physics (bachelor, Science) graduates: 25, of whom 5 credit-mobile -> 20.0%; no other
  programme has graduate records (its mobility rate falls back to participation).
- Outgoing student mobilities, all from Physics: 10 study stays in Germany (5 months),
  3 in Poland (5 months; a small cell, withheld under the default ``duo`` preset) and
  6 blended intensive programmes in Italy (5 days). Incoming: 8 study stays from Spain.
- Networks: LERU (since 2000) and EUniWell (since 2019); one LERU summer school a year
  with 30 participants; one Erasmus+ cooperation partnership 2018-2021; two agreements.
"""

from __future__ import annotations

import csv
from pathlib import Path

from etl.pipeline import load_files
from etl.settings import Settings

FIRST_YEAR = 2015
LAST_YEAR = 2024
FACULTIES = ("Humanities", "Law", "Science")
PROGRAMMES = (
    # code, name, faculty, cycle
    ("50001", "History", "Humanities", "bachelor"),
    ("50002", "Physics", "Science", "bachelor"),
    ("60001", "International Law", "Law", "master"),
    ("60002", "Astronomy", "Science", "master"),
    ("70001", "PhD programme Science", "Science", "phd"),
)
# Enrolment headcount per programme and nationality in FIRST_YEAR; each later year adds
# one student per group, so totals are easy to compute by hand.
# The preset the dashboard and browser tests run under: their numbers are worked out by hand
# and are not multiples of 5, so they run under ``duo``, which shows counts of 5 and more as
# they are. The default preset (round5) has dashboard and browser tests of its own.
FIXTURE_SUPPRESSION = "duo"
BASE_HEADCOUNT = {"NL": 40, "DE": 10, "IN": 5}
# Country of prior education per nationality: the German students went to school in the
# Netherlands, so they are international by nationality but home by prior education.
PRIOR_EDUCATION = {"NL": "NL", "DE": "NL", "IN": "IN"}


def enrolment_total(year: int) -> int:
    """Enrolled headcount of the whole fixture university in ``year``."""
    per_programme = sum(BASE_HEADCOUNT.values()) + len(BASE_HEADCOUNT) * (year - FIRST_YEAR)
    return per_programme * len(PROGRAMMES)


def _write(folder: Path, name: str, rows: list[list[object]]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def write_fixture_files(folder: Path) -> Path:
    """Write the fixture's canonical CSV files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder,
        "programmes.csv",
        [["programme_code", "programme_name", "faculty", "cycle", "mobility_window"]]
        + [[code, name, faculty, cycle, "yes"] for code, name, faculty, cycle in PROGRAMMES],
    )
    enrolments: list[list[object]] = [
        ["academic_year", "headcount", "programme_code", "nationality", "gender",
         "prior_education_country"]
    ]  # fmt: skip
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for code, *_rest in PROGRAMMES:
            for nationality, base in BASE_HEADCOUNT.items():
                enrolments.append(
                    [year, base + year - FIRST_YEAR, code, nationality, "female",
                     PRIOR_EDUCATION[nationality]]
                )  # fmt: skip
    _write(folder, "enrolments.csv", enrolments)
    staff: list[list[object]] = [
        [
            "reference_year",
            "headcount",
            "faculty",
            "category",
            "staff_type",
            "nationality",
            "gender",
        ]
    ]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for faculty in FACULTIES:
            staff.append([year, 30, faculty, "professor", "academic", "NL", "male"])
            staff.append([year, 12, faculty, "lecturer", "academic", "IT", "female"])
    _write(folder, "staff.csv", staff)
    _write_activity_files(folder)
    return folder


MOBILITY_PER_YEAR = (
    # participant, activity, partner code, partner name, country, days, headcount,
    # direction, faculty (staff; students: their programme's, Physics)
    ("student", "study", "D  KONSTAN01", "Universität Konstanz", "DE", 150, 10, "outgoing", ""),
    ("student", "study", "PL KRAKOW01", "Jagiellonian University", "PL", 150, 3, "outgoing", ""),
    ("student", "blended_intensive", "I  BOLOGNA01", "Università di Bologna", "IT", 5, 6,
     "outgoing", ""),
    ("student", "study", "E  MADRID03", "Universidad Complutense", "ES", 150, 8, "incoming", ""),
    ("student", "study", "D  KONSTAN01", "Universität Konstanz", "DE", 150, 5, "incoming", ""),
    ("staff", "staff_teaching", "PL KRAKOW01", "Jagiellonian University", "PL", 5, 2,
     "outgoing", "Science"),
    ("staff", "staff_training", "D  KONSTAN01", "Universität Konstanz", "DE", 5, 5,
     "outgoing", "Humanities"),
    ("staff", "staff_teaching", "E  MADRID03", "Universidad Complutense", "ES", 5, 3,
     "incoming", "Law"),
)  # fmt: skip
GRADUATES_PER_YEAR = {"no": 20, "yes": 5}


def _write_activity_files(folder: Path) -> None:
    """Graduates, mobility, networks, activities, projects and agreements (see above)."""
    import datetime as dt

    graduates: list[list[object]] = [
        ["academic_year", "headcount", "programme_code", "nationality", "credit_mobile"]
    ]
    mobility: list[list[object]] = [
        ["mobility_id", "participant", "direction", "headcount", "programme_code", "faculty",
         "activity", "partner_erasmus_code", "partner_name", "partner_country", "start_date",
         "end_date"]
    ]  # fmt: skip
    activities: list[list[object]] = [
        ["activity_id", "network_code", "academic_year", "activity_type", "participants"]
    ]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for flag, count in GRADUATES_PER_YEAR.items():
            graduates.append([year, count, "50002", "NL", flag])
        start = dt.date(year, 10, 1)
        for number, row in enumerate(MOBILITY_PER_YEAR):
            participant, activity, code, name, country, days, count, direction, faculty = row
            end = start + dt.timedelta(days=days - 1)
            programme = "50002" if participant == "student" else ""
            mobility.append(
                [f"M{year}-{number}", participant, direction, count, programme, faculty,
                 activity, code, name, country, start.isoformat(), end.isoformat()]
            )  # fmt: skip
        activities.append([f"A{year}", "LERU", year, "summer_school", 30])
    _write(folder, "graduates.csv", graduates)
    _write(folder, "mobility.csv", mobility)
    _write(folder, "network_activities.csv", activities)
    _write(
        folder,
        "networks.csv",
        [
            ["network_code", "network_name", "network_type", "member_since"],
            ["LERU", "League of European Research Universities", "network", 2000],
            ["EUNIWELL", "EUniWell", "european_university_alliance", 2019],
        ],
    )
    _write(
        folder,
        "projects.csv",
        [
            ["project_id", "title", "action_type", "role", "start_date", "end_date",
             "eu_grant_eur"],
            ["P1", "Open Science Partnership", "cooperation_partnership", "coordinator",
             "2018-09-01", "2021-08-31", 250000],
        ],
    )  # fmt: skip
    _write(
        folder,
        "agreements.csv",
        [
            ["agreement_id", "partner_erasmus_code", "partner_name", "partner_country",
             "agreement_type", "start_year"],
            ["AG1", "D  KONSTAN01", "Universität Konstanz", "DE", "erasmus_iia", 2015],
            ["AG2", "E  MADRID03", "Universidad Complutense", "ES", "erasmus_iia", 2015],
        ],
    )  # fmt: skip


def build_fixture_database(database: Path, work_folder: Path) -> Path:
    """Publish the fixture as demo data at ``database`` and return its path."""
    files = write_fixture_files(work_folder)
    settings = Settings.from_env({}, database=database, lock_timeout=5)
    load_files([files], settings, demo=True, fresh=True)
    return database
