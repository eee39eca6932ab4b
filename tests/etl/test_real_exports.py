"""Exports as they come (issue 10, part 3): DUO totals lines wherever they stand, Excel
formulas Excel never calculated, text in an encoding we cannot read, files with nothing in
them. Each loads strictly or is refused with a message naming the file and the problem."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl.pipeline import LoadFailed, load_files
from tests.conftest import query

FIXTURES = Path(__file__).parents[1] / "fixtures"
# DUO's "Eerstejaars ingeschrevenen wo" layout (TYPE HOGER ONDERWIJS after OPLEIDINGSVORM,
# ';', cp1252, CRLF) built from 12 real Leiden rows of the published 2011-2015 file, with the
# totals lines such files carry: a grand total right under the header (label in the first
# column), a programme subtotal over its phases (label in the phase column), the
# institution's subtotal (label where the sector goes), the closing totals line with its
# label in a middle column (OPLEIDINGSNAAM ACTUEEL) and its counts under the year columns,
# and a "Bron: DUO" note line.
DUO_TOTALS = FIXTURES / "variants" / "eerstejaars_ingeschrevenen_wo_totals.csv"
YEARS = range(2011, 2016)


def _rejects(settings, *paths: Path) -> pd.DataFrame:
    with pytest.raises(LoadFailed) as failure:
        load_files(list(paths), settings)
    assert not failure.value.result.published
    assert not settings.database.exists()
    return failure.value.result.rejects


def _duo_rows() -> list[dict[str, str]]:
    text = DUO_TOTALS.read_bytes().decode("cp1252")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_duo_fixture_has_its_totals_lines_where_the_docstring_says():
    rows = _duo_rows()
    assert len(rows) == 17
    assert rows[0]["PROVINCIE"] == "Totaal"
    assert rows[4]["OPLEIDINGSFASE ACTUEEL"] == "Totaal"
    assert rows[-3]["CROHO ONDERDEEL"] == "Totaal"
    assert rows[-2]["OPLEIDINGSNAAM ACTUEEL"] == "Totaal" and not rows[-2]["PROVINCIE"]
    assert rows[-1]["PROVINCIE"] == "Bron: DUO"
    assert DUO_TOTALS.read_bytes().count(b"\r\n") == 18


def test_duo_first_year_file_with_totals_everywhere_loads_strictly(settings):
    rows = _duo_rows()
    programme_rows = [
        row for row in rows if row["BRIN NUMMER ACTUEEL"] and row["OPLEIDINGSCODE ACTUEEL"]
    ]
    programme_rows = [row for row in programme_rows if row["OPLEIDINGSFASE ACTUEEL"] != "Totaal"]
    assert len(programme_rows) == 12
    result = load_files([DUO_TOTALS], settings, institution="21PB")
    report = result.files[0]
    assert report.format == "duo_first_year"
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (17, 12, 0)
    assert report.rows_skipped == {
        "total row": 4,
        "note line (no institution, programme or count)": 1,
    }
    expected = {
        year: sum(int(row[f"{year} MAN"]) + int(row[f"{year} VROUW"]) for row in programme_rows)
        for year in YEARS
    }
    # The closing totals line says the same: the skipped lines were sums, not students.
    closing = rows[-2]
    assert expected == {
        year: int(closing[f"{year} MAN"]) + int(closing[f"{year} VROUW"]) for year in YEARS
    }
    assert (
        dict(
            query(
                settings.database,
                "select academic_year, sum(headcount)::bigint from enrolments group by 1",
            )
        )
        == expected
    )


def _workbook_with_formula(path: Path, cached: bool) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["reference_year", "headcount", "faculty", "category", "staff_type"])
    sheet.append([2019, 4, "Law", "lecturer", "academic"])
    sheet.append([2019, "=B2*2", "Law", "professor", "academic"])
    workbook.save(path)
    if cached:
        # What Excel does on save: the calculated value stored next to the formula.
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        sheet_xml = files["xl/worksheets/sheet1.xml"].decode()
        sheet_xml, replaced = re.subn(r"<f>B2\*2</f><v\s*/>", "<f>B2*2</f><v>8</v>", sheet_xml)
        assert replaced == 1
        files["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
    return path


def test_excel_formula_without_cached_value_is_refused(settings, tmp_path):
    path = _workbook_with_formula(tmp_path / "staff.xlsx", cached=False)
    rejects = _rejects(settings, path)
    assert list(rejects["file"]) == ["staff.xlsx"]
    message = rejects.iloc[0]["expected"]
    assert "1 cell(s) hold a formula without a calculated value" in message
    assert "row 3, column 'headcount': =B2*2" in message


def test_excel_formula_with_cached_value_loads_the_value(settings, tmp_path):
    path = _workbook_with_formula(tmp_path / "staff.xlsx", cached=True)
    load_files([path], settings)
    assert query(settings.database, "select category, headcount from staff order by 1") == [
        ("lecturer", 4),
        ("professor", 8),
    ]


SHIFT_JIS_ROWS = (
    "reference_year,headcount,faculty,category,staff_type\n2019,3,法学部,教授,academic\n"
)


def test_shift_jis_file_is_refused_not_stored_garbled(settings, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(SHIFT_JIS_ROWS.encode("shift_jis"))
    rejects = _rejects(settings, path)
    message = rejects.iloc[0]["expected"]
    assert message.startswith("staff.csv: the text is not UTF-8, cp1252 or Latin-1")
    assert "Shift-JIS" in message and "Save the file as UTF-8" in message


def test_the_same_file_in_utf8_and_utf16_loads(settings, tmp_path):
    for encoding in ("utf-8", "utf-16"):
        path = tmp_path / encoding / "staff.csv"
        path.parent.mkdir()
        path.write_bytes(SHIFT_JIS_ROWS.encode(encoding))
        load_files([path], settings)
        assert query(settings.database, "select faculty, category from staff") == [
            ("法学部", "教授")
        ]


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("naam;fase\nKöln;initiële opleiding\n", "latin-1", ["Köln", "initiële opleiding"]),
        ("project;grant\nBachelor’s;€ 100 «x»\n", "cp1252", ["Bachelor’s", "€ 100 «x»"]),
        ("naam;stad\nFrançois Müller;Düsseldorf\n", "cp1252", ["François Müller", "Düsseldorf"]),
    ],
)
def test_western_european_exports_still_decode(tmp_path, text, encoding, expected):
    """cp1252/Latin-1 exports are legitimate: the encoding check must let them through."""
    from etl.readers import read_table

    path = tmp_path / "f.csv"
    path.write_bytes(text.encode(encoding))
    table = read_table(path)
    assert table.encoding == "cp1252"  # a superset of Latin-1's printable characters
    assert list(table.frame.iloc[0, :2]) == expected


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet", "empty csv", "blank lines"])
def test_header_only_or_empty_file_publishes_nothing(settings, tmp_path, kind):
    header = ["reference_year", "headcount", "faculty", "category", "staff_type"]
    suffix = kind if kind in ("csv", "xlsx", "parquet") else "csv"
    path = tmp_path / f"staff.{suffix}"
    if kind == "csv":
        path.write_text(",".join(header) + "\n")
    elif kind == "xlsx":
        pd.DataFrame(columns=header).to_excel(path, index=False)
    elif kind == "parquet":
        pd.DataFrame({name: pd.Series(dtype=str) for name in header}).to_parquet(path)
    elif kind == "empty csv":
        path.write_bytes(b"")
    else:
        path.write_text(",".join(header) + "\n\n,,,,\n\n")
    rejects = _rejects(settings, path)
    assert list(rejects["file"]) == [path.name]
    message = rejects.iloc[0]["expected"]
    assert "no data rows" in message or "empty" in message
