"""DUO "Ingeschrevenen wo" loaded as DUO publishes it (tests/fixtures/real, byte-for-byte).

Every expected figure is computed here from the raw file with the csv module, not through
the importer."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.entities import NATIONALITY_NOT_AVAILABLE
from etl.pipeline import load_files
from tests.conftest import query

REAL = Path(__file__).parents[2] / "fixtures" / "real"
DUO = REAL / "duo_ingeschrevenen_wo_2011_2015.csv"
LEIDEN = "21PB"
YEARS = (2011, 2012, 2013, 2014, 2015)
CYCLE_OF_PHASE = {
    "propedeuse bachelor": "bachelor",
    "bachelor": "bachelor",
    "master": "master",
    "propedeuse": "master",
    "initiële opleiding": "master",
    "beroepsfase": "master",
}


def raw_rows(path: Path = DUO) -> list[dict[str, str]]:
    """The DUO file as published: Latin-1, ';'-separated."""
    text = path.read_bytes().decode("latin-1")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def raw_totals(rows: list[dict[str, str]]) -> dict[int, int]:
    return {
        year: sum(int(row[f"{year} MAN"]) + int(row[f"{year} VROUW"]) for row in rows)
        for year in YEARS
    }


def db_totals(database: Path) -> dict[int, int]:
    return dict(
        query(
            database,
            "select academic_year, sum(headcount)::bigint from enrolments group by 1 order by 1",
        )
    )


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    return raw_rows()


@pytest.fixture(scope="module")
def leiden_raw(raw) -> list[dict[str, str]]:
    return [row for row in raw if row["BRIN NUMMER ACTUEEL"] == LEIDEN]


def test_the_sample_is_what_sources_md_says(raw, leiden_raw):
    assert len(raw) == 2390
    assert len(leiden_raw) == 309
    assert raw_totals(leiden_raw) == {
        2011: 19_500,
        2012: 20_704,
        2013: 23_029,
        2014: 24_178,
        2015: 25_417,
    }


def test_leiden_only_load_matches_the_raw_file(settings, raw, leiden_raw):
    result = load_files([DUO], settings, institution=LEIDEN)
    report = result.files[0]
    assert report.format == "duo_enrolments"
    assert report.rows_read == len(raw) == 2390
    assert report.rows_skipped == {"other institution": len(raw) - len(leiden_raw)}
    assert report.rows_accepted == len(leiden_raw) == 309
    assert report.rows_rejected == 0

    database = settings.database
    assert db_totals(database) == raw_totals(leiden_raw)

    # Men and women per year.
    by_gender = dict(
        (
            (year, gender),
            count,
        )
        for year, gender, count in query(
            database,
            "select academic_year, gender, sum(headcount)::bigint from enrolments group by all",
        )
    )
    for year in YEARS:
        assert by_gender[(year, "male")] == sum(int(r[f"{year} MAN"]) for r in leiden_raw)
        assert by_gender[(year, "female")] == sum(int(r[f"{year} VROUW"]) for r in leiden_raw)

    # Phases kept as published; cycles follow them (the medical phases stay distinguishable).
    expected_phase: Counter[tuple[str, str]] = Counter()
    for row in leiden_raw:
        phase = row["OPLEIDINGSFASE ACTUEEL"]
        expected_phase[(CYCLE_OF_PHASE[phase], phase)] += int(row["2015 MAN"]) + int(
            row["2015 VROUW"]
        )
    got_phase = {
        (cycle, phase): count
        for cycle, phase, count in query(
            database,
            "select cycle, phase, sum(headcount)::bigint from enrolments "
            "where academic_year = 2015 group by all",
        )
    }
    assert got_phase == {key: value for key, value in expected_phase.items() if value}
    assert {"beroepsfase", "initiële opleiding"} <= {phase for _, phase in got_phase}

    # Study modes.
    modes = {"voltijd onderwijs": "full_time", "deeltijd onderwijs": "part_time"}
    modes["duaal onderwijs"] = "dual"
    expected_mode: Counter[str] = Counter()
    for row in leiden_raw:
        expected_mode[modes[row["OPLEIDINGSVORM"]]] += int(row["2011 MAN"]) + int(row["2011 VROUW"])
    got_mode = dict(
        query(
            database,
            "select study_mode, sum(headcount)::bigint from enrolments "
            "where academic_year = 2011 group by all",
        )
    )
    assert got_mode == {key: value for key, value in expected_mode.items() if value}

    # No nationality in DUO: every row says so, none is counted as home.
    assert query(database, "select distinct nationality, population from enrolments") == [
        (NATIONALITY_NOT_AVAILABLE, "enrolled")
    ]


def test_leiden_programmes_are_created_with_their_institution(settings, leiden_raw):
    load_files([DUO], settings, institution=LEIDEN)
    expected: dict[str, set[str]] = defaultdict(set)
    names = {}
    for row in leiden_raw:
        code = row["OPLEIDINGSCODE ACTUEEL"]
        expected[code].add(CYCLE_OF_PHASE[row["OPLEIDINGSFASE ACTUEEL"]])
        names.setdefault(code, row["OPLEIDINGSNAAM ACTUEEL"])
    programmes = {
        code: (name, cycle, faculty, institution)
        for code, name, cycle, faculty, institution in query(
            settings.database,
            "select programme_code, programme_name, cycle, faculty, institution_code "
            "from programmes",
        )
    }
    assert set(programmes) == set(expected)
    for code, (name, cycle, _faculty, institution) in programmes.items():
        assert institution == LEIDEN
        assert cycle in expected[code]
        # DUO's 'B '/'M ' prefix is dropped: the cycle says the same.
        assert name == names[code].removeprefix("B ").removeprefix("M ")
    # One CROHO code taught at two locations (Leiden and The Hague) is one programme:
    # the enrolment rows reference only loaded programmes.
    orphans = query(
        settings.database,
        "select count(*) from enrolments e anti join programmes p using (programme_code)",
    )
    assert orphans == [(0,)]


def test_whole_file_keeps_institutions_apart(settings, raw):
    result = load_files([DUO], settings)
    report = result.files[0]
    assert report.rows_accepted == 2390 and report.rows_skipped == {}
    assert db_totals(settings.database) == raw_totals(raw)
    per_institution = dict(
        query(
            settings.database,
            "select institution_code, count(*) from programmes group by 1",
        )
    )
    expected = {
        brin: len({r["OPLEIDINGSCODE ACTUEEL"] for r in raw if r["BRIN NUMMER ACTUEEL"] == brin})
        for brin in {r["BRIN NUMMER ACTUEEL"] for r in raw}
    }
    assert per_institution == expected
    # CROHO codes repeat across universities, so codes are prefixed with the BRIN.
    assert query(
        settings.database,
        "select count(*) from programmes where programme_code not like institution_code || '-%'",
    ) == [(0,)]


def test_status_shows_leiden_headcounts_per_year(tmp_path, leiden_raw):
    database = tmp_path / "kpi.duckdb"
    runner = CliRunner()
    result = runner.invoke(
        main, ["load", str(DUO), "--institution", LEIDEN, "--database", str(database)]
    )
    assert result.exit_code == 0, result.output
    assert f"[duo_enrolments]: 2390 read, 309 accepted, 0 rejected, {2390 - 309} skipped" in (
        result.output
    )
    assert f"skipped {2390 - 309}: other institution" in result.output

    result = runner.invoke(main, ["status", "--database", str(database)])
    assert result.exit_code == 0, result.output
    for year, total in raw_totals(leiden_raw).items():
        label = f"{year}-{(year + 1) % 100:02d}"
        assert f"  {label} enrolled   {total:>10,}" in result.output, result.output
    assert "nationality_not_available_enrolments" in result.output


def test_institution_setting_restricts_like_the_option(settings, leiden_raw):
    from dataclasses import replace

    load_files([DUO], replace(settings, home_institution=LEIDEN))
    assert db_totals(settings.database) == raw_totals(leiden_raw)


def test_unknown_institution_loads_nothing_and_says_which_exist(settings):
    result = load_files([DUO], settings, institution="99XX")
    report = result.files[0]
    assert report.rows_accepted == 0
    assert any("no rows for institution 99XX" in note and "21PB" in note for note in report.notes)


def test_first_year_variant_is_recognised_by_its_extra_column(settings, tmp_path, raw):
    """The "Eerstejaars" file adds TYPE HOGER ONDERWIJS; built here from the real rows."""
    header = list(raw[0])
    at = header.index("OPLEIDINGSVORM") + 1
    first_year_header = [*header[:at], "TYPE HOGER ONDERWIJS", *header[at:]]
    leiden = [row for row in raw if row["BRIN NUMMER ACTUEEL"] == LEIDEN]
    path = tmp_path / "eerstejaars_ingeschrevenen_wo.csv"
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(first_year_header)
        for row in leiden:
            kind = "bachelor" if "bachelor" in row["OPLEIDINGSFASE ACTUEEL"] else "master"
            writer.writerow([{**row, "TYPE HOGER ONDERWIJS": kind}[h] for h in first_year_header])
    result = load_files([path], settings)
    assert result.files[0].format == "duo_first_year"
    assert result.files[0].rows_accepted == len(leiden)
    assert query(settings.database, "select distinct population from enrolments") == [
        ("first_year",)
    ]
    assert db_totals(settings.database) == raw_totals(leiden)
