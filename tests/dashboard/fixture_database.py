"""A small published database for the dashboard tests: three faculties, five programmes,
ten academic years (2015-16 to 2024-25), loaded through the normal ETL as demo data."""

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
BASE_HEADCOUNT = {"NL": 40, "DE": 10, "IN": 5}


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
        ["academic_year", "headcount", "programme_code", "nationality", "gender"]
    ]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for code, *_rest in PROGRAMMES:
            for nationality, base in BASE_HEADCOUNT.items():
                enrolments.append([year, base + year - FIRST_YEAR, code, nationality, "female"])
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
    return folder


def build_fixture_database(database: Path, work_folder: Path) -> Path:
    """Publish the fixture as demo data at ``database`` and return its path."""
    files = write_fixture_files(work_folder)
    settings = Settings.from_env({}, database=database, lock_timeout=5)
    load_files([files], settings, demo=True, fresh=True)
    return database
