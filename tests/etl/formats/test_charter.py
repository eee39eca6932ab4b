"""The EC's Erasmus charter holder list 2013-14 as published (tests/fixtures/real)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from etl.pipeline import load_files
from tests.conftest import query

REAL = Path(__file__).parents[2] / "fixtures" / "real"
CHARTER = REAL / "erasmus_university_charter_holders_2013_2014.csv"


def raw_rows() -> list[dict[str, str]]:
    text = CHARTER.read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_every_charter_holder_becomes_an_institution(settings):
    rows = raw_rows()
    codes = {row["Institutional code"].strip() for row in rows}
    assert len(rows) == 4919 and len(codes) == 4919

    result = load_files([CHARTER], settings)
    report = result.files[0]
    assert report.format == "erasmus_charter"
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (4919, 4919, 0)
    assert report.rows_skipped == {}

    database = settings.database
    assert query(database, "select count(*), count(distinct erasmus_code) from institutions") == [
        (4919, 4919)
    ]
    # Codes are stored padded the EC's way: a few cells carry a trailing space, one has its
    # prefix padded to four ('S   STOCKHO23'), one a lower-case prefix ('Uk PRESTON03').
    padded = {
        re.sub(r"^([A-Z]{1,3}) +", lambda match: match.group(1).ljust(3), code.upper())
        for code in codes
    }
    assert {"S   STOCKHO23", "Uk PRESTON03"} <= codes
    assert {"S  STOCKHO23", "UK PRESTON03"} <= padded
    assert {code for (code,) in query(database, "select erasmus_code from institutions")} == (
        padded
    )
    assert query(
        database,
        "select institution_name, city, country from institutions "
        "where erasmus_code in ('NL LEIDEN01', 'NL LEIDEN03') order by erasmus_code",
    ) == [("UNIVERSITEIT LEIDEN", "Leiden", "NL"), ("HOGESCHOOL LEIDEN", "Leiden", "NL")]

    # Countries: ISO codes as published, except the EC's UK -> GB.
    expected = Counter(row["Country"] for row in rows)
    expected["GB"] = expected.pop("UK")
    assert dict(query(database, "select country, count(*) from institutions group by 1")) == (
        dict(expected)
    )


def test_codes_the_old_pattern_missed_are_loaded(settings):
    load_files([CHARTER], settings)
    found = dict(
        query(
            settings.database,
            "select erasmus_code, city from institutions where erasmus_code in "
            "('CH ST.GALL08', 'UK MILTO-KO1', 'D  KOELN 03', 'D  EBERSWA1', 'F  LE PORT01', "
            "'IRLDUBLIN27')",
        )
    )
    raw = {row["Institutional code"].strip(): row["City"] for row in raw_rows()}
    assert found == {code: raw[code] for code in found}
    assert set(found) == {
        "CH ST.GALL08",
        "UK MILTO-KO1",
        "D  KOELN 03",
        "D  EBERSWA1",
        "F  LE PORT01",
        "IRLDUBLIN27",
    }
