"""Reading files as people export them: encodings, delimiters, header spellings."""

from pathlib import Path

import pandas as pd
import pytest

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


# --- The fast reader (pyarrow, dictionary-encoded columns) and the exact one agree --------

MESSY_ROWS = [
    "academic_year;student_key;programme_code;nationality;gender",
    "2019; s1 ;B1;DE;f",
    "2019;s2;B1; Duitse ;m",
    ";;;;",
    "2020-21;s3;B1;0052;v",
    "2020;s4;B1;DE ;f",  # "DE " and "DE" are one value once stripped
]


def _both_ways(path: Path, monkeypatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    import etl.readers

    fast = read_table(path)
    monkeypatch.setattr(etl.readers, "_read_csv_fast", lambda path: None)
    exact = read_table(path)
    return fast.frame, exact.frame


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_fast_and_exact_reader_give_the_same_table(tmp_path, monkeypatch, line_end):
    path = tmp_path / "enrolments.csv"
    path.write_text(line_end.join(MESSY_ROWS) + line_end, encoding="utf-8")
    fast, exact = _both_ways(path, monkeypatch)
    assert isinstance(fast["academic_year"].dtype, pd.CategoricalDtype)
    assert not isinstance(exact["academic_year"].dtype, pd.CategoricalDtype)
    assert fast.astype(str).equals(exact.astype(str))
    assert list(fast["_row"]) == [2, 3, 5, 6]
    assert list(fast["student_key"]) == ["s1", "s2", "s3", "s4"]  # stripped
    assert set(fast["nationality"].cat.categories) - {""} == {"DE", "Duitse", "0052"}


@pytest.mark.parametrize(
    ("text", "fast_path"),
    [
        # A blank line: its line number is skipped, as the exact reader does.
        ("a,b\n1,2\n\n3,4\n", True),
        # A quoted line break: one record over two lines, left to the exact reader.
        ('a,b\n1,"two\nlines"\n3,4\n', False),
        # A lone CR line end.
        ("a,b\r1,2\r3,4\r", False),
        # Latin-1, not UTF-8.
        ("a,b\nKöln,2\n3,4\n", False),
        # A row wider than the header.
        ("a,b\n1,2,3\n", False),
    ],
)
def test_fast_reader_takes_or_hands_over_and_both_agree(tmp_path, monkeypatch, text, fast_path):
    import etl.readers

    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("latin-1"))
    assert (etl.readers._read_csv_fast(path) is not None) == fast_path
    try:
        fast, exact = _both_ways(path, monkeypatch)
    except etl.readers.ReadError as error:
        assert "3 fields where the header has 2" in str(error)
        return
    assert fast.astype(str).equals(exact.astype(str))
    # The record after a blank line or a two-line record starts on line 4.
    assert list(exact["_row"]) == ([2, 3] if len(text.splitlines()) == 3 else [2, 4])


def test_validation_of_categorical_and_plain_columns_agrees(tmp_path, settings, monkeypatch):
    """The same file through both readers: the same typed rows and the same rejects."""
    import etl.readers
    from etl.entities import ENROLMENTS
    from etl.validate import ValidationContext, validate

    rows = [
        "academic_year,student_key,headcount,programme_code,nationality,gender,cycle",
        "2019,s1,,B1,DE,f,",
        "2019,s2,,B1,Narnia,m,",
        "2019-21,s3,,B1,0001,x,",
        "2019,s4,,B9,Nederlandse,f,master",
        "2019,s1,,B1,FR,f,",
        "2020,,3,B1,Duitse,f,",
        "2020,,4,B1,DE,v,",
    ]
    path = tmp_path / "enrolments.csv"
    path.write_text("\n".join(rows) + "\n")
    context = ValidationContext(programmes={"B1": ("bachelor", "Humanities")})
    results = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(etl.readers, "_read_csv_fast", lambda path: None)
        frame = read_table(path).frame
        assert isinstance(frame["nationality"].dtype, pd.CategoricalDtype) == fast
        results.append(validate(ENROLMENTS, frame, "enrolments.csv", context))
    fast_result, exact_result = results
    assert (
        fast_result.rejects.astype(str)
        .reset_index(drop=True)
        .equals(exact_result.rejects.astype(str).reset_index(drop=True))
    )
    assert list(zip(fast_result.rejects["row"], fast_result.rejects["column"], strict=True)) == [
        (3, "nationality"),
        (4, "academic_year"),
        (5, "programme_code"),
        (6, "academic_year+population+student_key+programme_code"),
    ]
    columns = ["academic_year", "student_key", "nationality", "gender", "cycle", "headcount"]
    assert fast_result.frame[columns].astype(str).equals(exact_result.frame[columns].astype(str))
    assert fast_result.notes == exact_result.notes
    assert list(fast_result.frame["headcount"]) == [1, 7]


def test_duplicate_keys_on_codes_agree_with_pandas():
    import numpy as np

    from etl.validate import _duplicated, _key_codes

    rng = np.random.default_rng(3)
    keys = pd.DataFrame(
        {
            "year": pd.array(rng.choice([2019, 2020, None], 5000), dtype="Int64"),
            "student": pd.Series(rng.choice(["s1", "s2", "s3", None], 5000), dtype="str"),
            "programme": pd.Categorical(rng.choice(["B1", "B2", None], 5000)),
            "phase": pd.Series(rng.choice(["a", "b", None], 5000), dtype=object),
        }
    )
    codes = [_key_codes(keys[column]) for column in keys]
    assert _duplicated(codes, keys.index).equals(keys.duplicated(keep="first"))
