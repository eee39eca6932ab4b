"""The public formats feed the KPI query layer like any other data: DUO headcounts become
denominators (and the diversity KPIs say "nationality not available"), EC microdata rows
become mobility counts. Expected figures are computed here from the raw files."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from pathlib import Path

import duckdb

from dashboard.kpis.query import NOTE_NOT_AVAILABLE, QueryContext, kpi_frame
from etl.pipeline import load_files

REAL = Path(__file__).parents[2] / "fixtures" / "real"
DUO = REAL / "duo_ingeschrevenen_wo_2011_2015.csv"
MICRODATA_2008 = REAL / "erasmus_student_microdata_2008_09_raw_schema_head10.csv"
ALL_COUNTS = QueryContext(suppression="none")


def _frame(database: Path, kpi_id: str, **options):
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return kpi_frame(connection.cursor(), kpi_id, context=ALL_COUNTS, **options)
    finally:
        connection.close()


def test_duo_headcounts_are_the_participation_denominators(settings):
    text = DUO.read_bytes().decode("latin-1")
    leiden = [
        row
        for row in csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
        if row["BRIN NUMMER ACTUEEL"] == "21PB"
    ]
    expected = {
        year: sum(int(row[f"{year} MAN"]) + int(row[f"{year} VROUW"]) for row in leiden)
        for year in range(2011, 2016)
    }
    load_files([DUO], settings, institution="21PB")

    frame = _frame(settings.database, "outgoing_participation_rate")
    assert dict(zip(frame["academic_year"], frame["denominator"], strict=True)) == expected
    assert expected[2011] == 19_500 and expected[2015] == 25_417
    # No mobility loaded: nobody went abroad, which is a rate of 0, not a missing value.
    assert set(frame["numerator"]) == {0}


def test_duo_rows_say_nationality_not_available_instead_of_home(settings):
    load_files([DUO], settings, institution="21PB")
    for kpi_id in ("intl_share_bachelor", "intl_share_master"):
        frame = _frame(settings.database, kpi_id)
        assert list(frame["academic_year"]) == [2011, 2012, 2013, 2014, 2015]
        assert all(math.isnan(value) for value in frame["value"])
        assert set(frame["note"]) == {NOTE_NOT_AVAILABLE}


def test_microdata_rows_sent_by_the_home_institution_are_outgoing_students(settings):
    with MICRODATA_2008.open(encoding="latin-1", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    sent = [row for row in rows if row["HOMEINSTITUTION"] == "D  KONSTAN01"]
    settings = dataclasses.replace(settings, home_erasmus_code="D  KONSTAN01")
    load_files([MICRODATA_2008], settings)

    frame = _frame(settings.database, "outgoing_students")
    assert frame[["academic_year", "value"]].values.tolist() == [[2008, len(sent)]]
    by_country = _frame(settings.database, "outgoing_students", by="partner_country")
    expected = {}
    for row in sent:
        country = {"UK": "GB", "EL": "GR"}.get(row["COUNTRYOFHOSTINSTITUTION"])
        country = country or row["COUNTRYOFHOSTINSTITUTION"]
        expected[country] = expected.get(country, 0) + 1
    assert dict(zip(by_country["group"], by_country["value"], strict=True)) == expected
