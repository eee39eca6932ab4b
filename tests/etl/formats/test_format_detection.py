"""Format detection for the public formats: each real sample is recognised from its headers,
an unknown layout gets an error listing every format tried and what it missed, --format
forces one, and the DUO file loads the same whatever its encoding, line endings, trailing
delimiters, blank lines or total rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.formats import UnknownFormat, detect_format
from etl.pipeline import LoadFailed, load_files
from etl.readers import read_table
from tests.conftest import query

REAL = Path(__file__).parents[2] / "fixtures" / "real"
SHARED = Path(__file__).parents[4] / "shared" / "data" / "real"
DUO = REAL / "duo_ingeschrevenen_wo_2011_2015.csv"
MICRODATA_2008 = REAL / "erasmus_student_microdata_2008_09_raw_schema_head10.csv"
PUBLIC_FORMATS = (
    "duo_first_year",
    "duo_enrolments",
    "erasmus_microdata_2008_2013",
    "erasmusplus_mobility",
    "erasmus_charter",
)


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("duo_ingeschrevenen_wo_2011_2015.csv", "duo_enrolments"),
        *(
            (
                f"erasmus_student_microdata_{year}_raw_schema_head10.csv",
                "erasmus_microdata_2008_2013",
            )
            for year in ("2008_09", "2009_10", "2010_11", "2011_12", "2012_13")
        ),
        ("erasmus_university_charter_holders_2013_2014.csv", "erasmus_charter"),
        (
            "erasmusplus_ka3_youth_2014_2020_tidytuesday_format_DE_sample1000.csv",
            "erasmusplus_mobility",
        ),
    ],
)
def test_each_real_sample_is_recognised_from_its_headers(name, format_name):
    assert detect_format(read_table(REAL / name)).name == format_name


def test_fixtures_are_byte_for_byte_copies_of_the_shared_samples():
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here (the shared data folder is outside the repository)")
    for original in sorted(SHARED.iterdir()):
        if original.is_file():
            assert (REAL / original.name).read_bytes() == original.read_bytes(), original.name


def test_every_sample_loads_as_is(settings):
    """All eight files in one load: nothing rejected, every row read, accepted or skipped."""
    files = sorted(path for path in REAL.glob("*.csv") if not path.name.endswith(".rejects.csv"))
    assert len(files) == 8
    result = load_files(files, settings)
    assert result.published
    for report in result.files:
        assert report.rows_rejected == 0, report
        assert report.rows_accepted + sum(report.rows_skipped.values()) == report.rows_read


def test_unknown_layout_lists_every_format_tried_and_what_it_missed(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Jaar;Instelling;Aantal\n2015;21PB;12\n", encoding="utf-8")
    with pytest.raises(UnknownFormat) as caught:
        detect_format(read_table(path))
    message = str(caught.value)
    assert "no known format matches its headers" in message
    assert "Headers found: Jaar, Instelling, Aantal" in message
    assert "Formats tried and the headers each one missed:" in message
    for name in (*PUBLIC_FORMATS, "enrolments", "mobility", "institutions"):
        assert f"  - {name}: missing " in message
    assert "duo_enrolments: missing BRIN NUMMER ACTUEEL" in message
    assert "erasmus_charter: missing Institutional code" in message

    result = CliRunner().invoke(main, ["load", str(path), "--database", str(tmp_path / "k.db")])
    assert result.exit_code == 1, result.output
    assert "export.csv [unknown]" in result.output
    assert "nothing was published" in result.output
    assert "Formats tried and the headers each one missed" in result.output
    assert "erasmus_microdata_2008_2013: missing HOMEINSTITUTION or HOME_INSTITUTION_CDE" in (
        result.output
    )
    assert not (tmp_path / "k.db").exists()


def _without_column(path: Path, column: str, target: Path, encoding: str) -> Path:
    rows = list(
        csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=";")
    )
    drop = rows[0].index(column)
    with target.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [cell for index, cell in enumerate(row) if index != drop] for row in rows
        )
    return target


def test_a_near_miss_names_exactly_the_missing_header(tmp_path):
    duo = _without_column(DUO, "BRIN NUMMER ACTUEEL", tmp_path / "duo.csv", "latin-1")
    with pytest.raises(UnknownFormat, match=r"duo_enrolments: missing BRIN NUMMER ACTUEEL \("):
        detect_format(read_table(duo))

    micro = _without_column(MICRODATA_2008, "LEVELSTUDY", tmp_path / "micro.csv", "utf-8")
    with pytest.raises(UnknownFormat) as caught:
        detect_format(read_table(micro))
    assert "erasmus_microdata_2008_2013: missing LEVELSTUDY or STUDENT_STUDY_LEVEL_CDE (" in str(
        caught.value
    )


def _copy(path: Path, folder: Path) -> Path:
    """A copy to load where a failing load may write its rejects report (never the fixtures)."""
    target = folder / path.name
    target.write_bytes(path.read_bytes())
    return target


def test_format_option_forces_a_format(tmp_path):
    runner = CliRunner()
    database = tmp_path / "kpi.duckdb"
    duo = _copy(DUO, tmp_path)
    result = runner.invoke(
        main,
        ["load", str(duo), "--format", "duo_enrolments", "--institution", "21PB"]
        + ["--database", str(database)],
    )
    assert result.exit_code == 0, result.output
    assert "[duo_enrolments]: 2390 read, 309 accepted" in result.output

    result = runner.invoke(
        main, ["load", str(duo), "--format", "erasmus_charter", "--database", str(database)]
    )
    assert result.exit_code == 1
    assert "not in format 'erasmus_charter': missing header(s) Institutional code" in (
        result.output
    )

    result = runner.invoke(
        main, ["load", str(duo), "--format", "duo_first_year", "--database", str(database)]
    )
    assert result.exit_code == 1
    assert "missing header(s) TYPE HOGER ONDERWIJS" in result.output

    result = runner.invoke(
        main, ["load", str(duo), "--format", "no_such_format", "--database", str(database)]
    )
    assert result.exit_code == 1
    assert "unknown format 'no_such_format'; known formats:" in result.output
    assert "duo_enrolments" in result.output and "erasmusplus_mobility" in result.output


def test_format_option_accepts_a_layout_detection_would_pick_anyway(settings, tmp_path):
    micro = _copy(MICRODATA_2008, tmp_path)
    result = load_files([micro], settings, format_name="erasmus_microdata_2008_2013")
    assert result.files[0].format == "erasmus_microdata_2008_2013"
    with pytest.raises(LoadFailed, match="not in format 'erasmusplus_mobility'"):
        load_files([micro], settings, format_name="erasmusplus_mobility")
    assert (tmp_path / (micro.name + ".rejects.csv")).exists()


# --- The DUO file's quirks, derived from the real bytes -----------------------------------

_ORIGINAL = DUO.read_bytes()
_LINES = _ORIGINAL.split(b"\n")[:-1]  # published with LF and a final newline
_TOTAL_ROW = b"Totaal;;;;;;;;;;;;" + b";".join([b"99999"] * 10)
_BARE_SUM_ROW = b";;;;;;;;;;;;" + b";".join([b"99999"] * 10)
VARIANTS = {
    "as published (Latin-1, LF, no trailing ;)": _ORIGINAL,
    "CRLF": _ORIGINAL.replace(b"\n", b"\r\n"),
    "trailing ; on every line": b"\n".join(line + b";" for line in _LINES) + b"\n",
    "trailing ; on data lines only, CRLF": b"\r\n".join(
        [_LINES[0], *(line + b";" for line in _LINES[1:])]
    )
    + b"\r\n",
    "no final newline": _ORIGINAL.rstrip(b"\n"),
    "trailing blank lines": _ORIGINAL + b"\n\r\n;;;;\n",
    "a Totaal row": _ORIGINAL + _TOTAL_ROW + b"\n",
    "a bare sum row and a blank line": _ORIGINAL + _BARE_SUM_ROW + b"\n\n",
    "a Leiden subtotal row (Totaal in place of the programme)": _ORIGINAL
    + b"Zuid-Holland;546;LEIDEN;reguliere inst.;21PB;Universiteit Leiden;Totaal;;;;;;"
    + b";".join([b"99999"] * 10)
    + b"\n",
    # Latin-1 and cp1252 differ in 0x80-0x9F only: a typographic apostrophe (cp1252 0x92)
    # in "Bachelor's" makes the file cp1252 for real.
    "cp1252": _ORIGINAL.decode("latin-1").replace("'", "\u2019").encode("cp1252"),
    "UTF-8": _ORIGINAL.decode("latin-1").encode("utf-8"),
    "UTF-8 with BOM, CRLF, Totaal": (
        b"\xef\xbb\xbf" + _ORIGINAL.decode("latin-1").encode("utf-8") + _TOTAL_ROW + b"\n"
    ).replace(b"\n", b"\r\n"),
}


def _leiden_totals_from_raw() -> dict[int, int]:
    rows = csv.DictReader(io.StringIO(_ORIGINAL.decode("latin-1"), newline=""), delimiter=";")
    totals = dict.fromkeys(range(2011, 2016), 0)
    for row in rows:
        if row["BRIN NUMMER ACTUEEL"] == "21PB":
            for year in totals:
                totals[year] += int(row[f"{year} MAN"]) + int(row[f"{year} VROUW"])
    return totals


def test_the_variants_really_differ_from_the_original():
    assert b"\r\n" not in _ORIGINAL and not _LINES[0].endswith(b";")
    assert b"initi\xeble" in _ORIGINAL  # Latin-1
    assert len({bytes(data) for data in VARIANTS.values()}) == len(VARIANTS)
    assert "initiële".encode() in VARIANTS["UTF-8"]
    assert b"Bachelor\x92s" in VARIANTS["cp1252"]


def test_cp1252_is_decoded_as_cp1252(tmp_path):
    path = tmp_path / "duo.csv"
    path.write_bytes(VARIANTS["cp1252"])
    table = read_table(path)
    assert table.encoding == "cp1252"
    names = set(table.frame["opleidingsnaam_actueel"])
    assert "B International Bachelor\u2019s Programme in Communication and Media" in names


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_duo_quirks_load_with_the_same_totals(settings, tmp_path, variant):
    path = tmp_path / "duo_ingeschrevenen_wo.csv"
    path.write_bytes(VARIANTS[variant])
    result = load_files([path], settings, institution="21PB")
    report = result.files[0]
    assert report.format == "duo_enrolments"
    assert report.rows_rejected == 0
    assert report.rows_accepted == 309
    has_total = "Totaal" in variant or "sum row" in variant or "subtotal" in variant
    assert report.rows_skipped == {
        **({"total row": 1} if has_total else {}),
        "other institution": 2390 - 309,
    }
    totals = dict(
        query(
            settings.database,
            "select academic_year, sum(headcount)::bigint from enrolments group by 1",
        )
    )
    assert totals == _leiden_totals_from_raw()
    # The accented phase decodes the same whatever the encoding.
    assert query(
        settings.database,
        "select count(*) > 0 from enrolments where phase = 'initiële opleiding'",
    ) == [(True,)]
