"""Reading files as people export them: encodings, delimiters, header spellings."""

from pathlib import Path

import pandas as pd

from etl.formats.base import normalise_header
from etl.readers import read_table


def test_headers_match_case_and_spacing_insensitively():
    assert normalise_header("  Academic  Year ") == "academic_year"
    assert normalise_header("ACADEMIC_YEAR") == "academic_year"
    assert normalise_header("\ufeffacademic-year") == "academic_year"


def test_utf8_with_bom_and_semicolons(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes("\ufeffname;city\nKöln;Düsseldorf\n".encode())
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.encoding == "utf-8"
    assert table.frame.loc[0, "name"] == "Köln"
    assert list(table.frame["_row"]) == [2]


def test_latin1_tabs_and_crlf(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes("naam\tfase\r\nGeneeskunde\tinitiële opleiding\r\n".encode("latin-1"))
    table = read_table(path)
    assert table.delimiter == "\t"
    assert table.frame.loc[0, "fase"] == "initiële opleiding"


def test_cp1252_euro_sign(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes("project,grant\nA,€ 100\n".encode("cp1252"))
    assert read_table(path).frame.loc[0, "grant"] == "€ 100"


def test_trailing_delimiter_and_blank_lines_keep_line_numbers(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_text("a;b;\n1;2;\n\n3;4;\n")
    table = read_table(path)
    assert list(table.frame.columns) == ["a", "b", "_row"]
    assert list(table.frame["_row"]) == [2, 4]


def test_excel_and_parquet_cells_become_text(tmp_path: Path):
    frame = pd.DataFrame(
        {"year": [2019, 2020], "date": pd.to_datetime(["2019-09-01", "2020-02-01"])}
    )
    frame.to_excel(tmp_path / "f.xlsx", index=False)
    frame.to_parquet(tmp_path / "f.parquet")
    excel = read_table(tmp_path / "f.xlsx").frame
    parquet = read_table(tmp_path / "f.parquet").frame
    for table in (excel, parquet):
        assert list(table["year"]) == ["2019", "2020"]
        assert list(table["date"]) == ["2019-09-01", "2020-02-01"]
        assert list(table["_row"]) == [2, 3]
