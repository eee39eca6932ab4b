"""EC Erasmus student mobility microdata 2008-09 .. 2012-13, all layouts, as published.

For each sample (tests/fixtures/real, byte-for-byte) the home Erasmus code is set to an
institution that sends students in it, then to one that hosts students in it; the
expected mobility rows are computed here from the raw file with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import replace
from pathlib import Path

import pytest

from etl.pipeline import load_files
from tests.conftest import query

REAL = Path(__file__).parents[2] / "fixtures" / "real"

# Each layout's own column for each thing we read (checked against the raw headers).
_2008 = {
    "home": "HOMEINSTITUTION",
    "home_country": "COUNTRYOFHOMEINSTITUTION",
    "host": "HOSTINSTITUTION",
    "host_country": "COUNTRYOFHOSTINSTITUTION",
    "gender": "SEX",
    "level": "LEVELSTUDY",
    "type": "MOBILITYTYPE",
    "enterprise": "WORKPLACEMENT",
    "enterprise_country": "COUNTRYOFWORKPLACEMENT",
    "study_length": "LENGTHSTUDYPERIOD",
    "placement_length": "LENGTHWORKPLACEMENT",
    "study_start": "STUDYSTARTDATE",
    "placement_start": "PLACEMENTSTARTDATE",
    "ects": "TOTALECTSCREDITS",
}
_2009 = {**_2008, "gender": "GENDER"}
_2010 = {
    **_2009,
    "home_country": "COUNTRYCODEOFHOMEINSTITUTION",
    "host_country": "COUNTRYCODEOFHOSTINSTITUTION",
    "placement_length": "LENGTHPLACEMENT",
}
_2011 = {**_2010, "enterprise": "PLACEMENTENTERPRISE", "enterprise_country": "COUNTRYOFPLACEMENT"}
_2012 = {
    "mobility_id": "ID_MOBILITY_CDE",
    "home": "HOME_INSTITUTION_CDE",
    "home_country": "HOME_INSTITUTION_CTRY_CDE",
    "host": "HOST_INSTITUTION_CDE",
    "host_country": "HOST_INSTITUTION_COUNTRY_CDE",
    "gender": "STUDENT_GENDER_CDE",
    "level": "STUDENT_STUDY_LEVEL_CDE",
    "type": "MOBILITY_TYPE_CDE",
    "enterprise": "PLACEMENT_ENTERPRISE_VALUE",
    "enterprise_country": "PLACEMENT_ENTERPRISE_CTRY_CDE",
    "study_length": "LENGTH_STUDY_PERIOD_VALUE",
    "placement_length": "LENGTH_PLACEMENT_VALUE",
    "study_start": "STUDY_START_DATE",
    "placement_start": "PLACEMENT_START_DATE",
    "ects": "TOTAL_ECTS_CREDITS_AMT",
}
# year -> (layout, a sending institution in the sample, a hosting one or None)
SAMPLES = {
    2008: (_2008, "D  KONSTAN01", "UK BATH01"),
    2009: (_2009, "F  TOULOUS23", "NL GRONING03"),
    2010: (_2010, "HU BUDAPES02", None),
    2011: (_2011, "D  BERLIN14", "IRLDUBLIN27"),
    2012: (_2012, "E  ALICANT01", "UK BATH01"),
}
UNKNOWN = {"", "?", "???", "? unknown ?", "? unknown"}
CYCLES = {"1": "bachelor", "2": "master", "3": "phd", "S": "short_cycle"}
ACTIVITIES = {"S": "study", "P": "traineeship", "C": "combined"}
EC_COUNTRIES = {"UK": "GB", "EL": "GR"}


def sample_path(year: int) -> Path:
    return REAL / f"erasmus_student_microdata_{year}_{(year + 1) % 100:02d}_raw_schema_head10.csv"


def raw_rows(year: int) -> list[dict[str, str]]:
    text = sample_path(year).read_bytes().decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def clean(text: str) -> str:
    text = " ".join(text.split())
    return "" if text.casefold() in UNKNOWN else text


def same_code(a: str, b: str) -> bool:
    return clean(a) != "" and clean(a) == clean(b)


def month(text: str) -> dt.date | None:
    text = clean(text)
    if not text or text.strip("0/-") == "":
        return None
    for pattern in ("%m-%Y", "%b-%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise AssertionError(f"unexpected month {text!r} in the sample")


def number(text: str) -> float:
    return float(clean(text) or 0)


def expected_rows(year: int, our_code: str) -> list[tuple]:
    """What the mobility table should hold for ``our_code``, worked out from the raw file."""
    layout = SAMPLES[year][0]
    rows = []
    for raw in raw_rows(year):
        value = {field: raw[column] for field, column in layout.items()}
        if same_code(value["home"], our_code):
            direction, partner, partner_country = "outgoing", "host", "host_country"
        elif same_code(value["host"], our_code):
            direction, partner, partner_country = "incoming", "home", "home_country"
        else:
            continue
        # The samples pad codes the canonical way already ('D  KONSTAN01'); 'F  XX' is the
        # EC's "host not known".
        code = value[partner].strip() if clean(value[partner]) else ""
        code = None if code.endswith(" XX") else code or None
        name = None
        country = clean(value[partner_country])
        if direction == "outgoing" and code is None and value["type"] in ("P", "C"):
            name = clean(value["enterprise"]) or None
            country = clean(value["enterprise_country"])
        starts = [d for d in (month(value["study_start"]), month(value["placement_start"])) if d]
        start = min(starts) if starts else None
        months = number(value["study_length"]) + number(value["placement_length"])
        days = math.floor(months * 30 + 0.5) if months else None
        end = start + dt.timedelta(days=days - 1) if start and days else None
        ects = clean(value["ects"])
        rows.append(
            (
                clean(value.get("mobility_id", "")) or None,
                direction,
                1,
                year,
                CYCLES[value["level"]],
                ACTIVITIES[value["type"]],
                code,
                name,
                EC_COUNTRIES.get(country, country) or None,
                start,
                end,
                days,
                float(ects) if ects else None,
            )
        )
    return sorted(rows, key=repr)


DB_COLUMNS = (
    "mobility_id, direction, headcount, academic_year, cycle, activity, partner_erasmus_code, "
    "partner_name, partner_country, start_date, end_date, duration_days, ects_earned"
)


def loaded(settings, tmp_path: Path, year: int, our_code: str):
    mine = replace(
        settings,
        home_erasmus_code=our_code,
        database=tmp_path / f"{year}_{our_code.replace(' ', '_')}.duckdb",
    )
    result = load_files([sample_path(year)], mine)
    rows = query(mine.database, f"select {DB_COLUMNS} from mobility")  # noqa: S608
    return result.files[0], sorted((tuple(row) for row in rows), key=repr)


@pytest.mark.parametrize("year", sorted(SAMPLES))
def test_each_layout_names_its_columns_as_expected(year):
    headers = set(raw_rows(year)[0])
    layout = SAMPLES[year][0]
    assert set(layout.values()) <= headers, set(layout.values()) - headers
    assert len(raw_rows(year)) == 10


@pytest.mark.parametrize("year", sorted(SAMPLES))
def test_rows_sent_by_us_become_outgoing_mobility(settings, tmp_path, year):
    our_code = SAMPLES[year][1]
    report, rows = loaded(settings, tmp_path, year, our_code)
    expected = expected_rows(year, our_code)
    not_ours = sum(
        1
        for raw in raw_rows(year)
        if not same_code(raw[SAMPLES[year][0]["home"]], our_code)
        and not same_code(raw[SAMPLES[year][0]["host"]], our_code)
    )
    assert report.format == "erasmus_microdata_2008_2013"
    assert report.rows_read == 10
    assert report.rows_rejected == 0
    assert report.rows_skipped == ({"not our institution": not_ours} if not_ours else {})
    assert report.rows_accepted == len(expected) == 10 - not_ours
    assert expected and {row[1] for row in expected} == {"outgoing"}
    assert rows == expected


@pytest.mark.parametrize("year", [year for year, sample in SAMPLES.items() if sample[2]])
def test_rows_hosted_by_us_become_incoming_mobility(settings, tmp_path, year):
    our_code = SAMPLES[year][2]
    report, rows = loaded(settings, tmp_path, year, our_code)
    expected = expected_rows(year, our_code)
    assert expected and {row[1] for row in expected} == {"incoming"}
    assert report.rows_skipped == {"not our institution": 10 - len(expected)}
    assert rows == expected


def test_default_home_code_leiden_is_in_no_sample(settings, tmp_path):
    """NL LEIDEN01 (the default setting) sends and hosts nobody in these ten-row heads:
    every row is skipped and counted, none rejected."""
    assert settings.home_erasmus_code == "NL LEIDEN01"
    result = load_files([sample_path(year) for year in SAMPLES], settings)
    for report in result.files:
        assert report.rows_skipped == {"not our institution": 10}
        assert report.rows_rejected == 0
    assert query(settings.database, "select count(*) from mobility") == [(0,)]


def test_specific_rows_land_in_the_right_columns(settings, tmp_path):
    # 2008-09, line 2: D  KONSTAN01 -> UK BATH01 (country 'UK'), 4.0 months from 09-2008.
    _, rows = loaded(settings, tmp_path, 2008, "D  KONSTAN01")
    bath = [row for row in rows if row[6] == "UK BATH01"]
    assert bath == [
        (
            None,
            "outgoing",
            1,
            2008,
            "bachelor",
            "study",
            "UK BATH01",
            None,
            "GB",
            dt.date(2008, 9, 1),
            dt.date(2008, 12, 29),
            120,
            27.0,
        )
    ]
    # 2010-11: placements at enterprises (no host institution): the enterprise is the partner.
    _, rows = loaded(settings, tmp_path, 2010, "HU BUDAPES02")
    wismar = [row for row in rows if row[7] == "HOCHSCHULE WISMAR"]
    assert [(row[4], row[5], row[6], row[8], row[9], row[11]) for row in wismar] == [
        ("phd", "traineeship", None, "DE", dt.date(2010, 9, 1), 90)
    ]
    # 2011-12: 'Aug-11' dates; the three-letter prefix code IRLDUBLIN27.
    _, rows = loaded(settings, tmp_path, 2011, "D  BERLIN14")
    dublin = [row for row in rows if row[6] == "IRLDUBLIN27"]
    assert [(row[8], row[9], row[11]) for row in dublin] == [("IE", dt.date(2012, 1, 1), 150)]
    # 2012-13: 'F  XX' (host not known) keeps the country; '00/0000' placement start and the
    # '? Unknown ?' enterprise are empty; 2.75 months = 83 days; the EC's id is kept.
    _, rows = loaded(settings, tmp_path, 2012, "E  ALICANT01")
    by_id = {row[0]: row for row in rows}
    assert by_id["ES/SM/07/000462"][6:12] == (
        None,
        None,
        "FR",
        dt.date(2012, 9, 1),
        dt.date(2013, 6, 27),
        300,
    )
    assert by_id["ES/SM/07/000456"][9:] == (
        dt.date(2012, 9, 1),
        dt.date(2012, 11, 22),
        83,
        24.0,
    )
    assert by_id["ES/SM/07/000483"][4] == "master"
