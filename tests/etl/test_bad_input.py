"""Each class of bad input gets a reject naming file, row, column, value and expectation;
by default nothing is published, with --allow-rejects the valid rows are."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.pipeline import LoadFailed, load_files
from tests.conftest import query

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"

PROGRAMMES = [
    ["programme_code", "programme_name", "faculty", "cycle"],
    ["B1", "History", "Humanities", "bachelor"],
]
ENROLMENT_HEADER = ["academic_year", "student_key", "programme_code", "nationality", "gender"]


def _rejects_of(settings, *paths: Path) -> pd.DataFrame:
    with pytest.raises(LoadFailed) as failure:
        load_files(list(paths), settings)
    assert not failure.value.result.published
    return failure.value.result.rejects


@pytest.mark.parametrize(
    ("row", "column", "expected_fragment"),
    [
        (["2019", "s1", "B1", "Narnia", "f"], "nationality", "a country"),
        (["1899", "s1", "B1", "DE", "f"], "academic_year", "between 1950"),
        (["2019-21", "s1", "B1", "DE", "f"], "academic_year", "2019-20"),
        (["2019", "s1", "NOPE", "DE", "f"], "programme_code", "programmes file"),
        (["2019", "s1", "B1", "DE", "robot"], "gender", "one of female, male"),
        (["", "s1", "B1", "DE", "f"], "academic_year", "required"),
    ],
)
def test_bad_enrolment_values(settings, write_csv, row, column, expected_fragment):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv("enrolments.csv", [ENROLMENT_HEADER, row])
    rejects = _rejects_of(settings, programmes, enrolments)
    reject = rejects[rejects["column"] == column].iloc[0]
    assert reject["file"] == "enrolments.csv"
    assert reject["row"] == 2
    assert reject["value"] == row[ENROLMENT_HEADER.index(column)]
    assert expected_fragment in reject["expected"]


def test_duplicate_key_names_the_first_row(settings, write_csv):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv(
        "enrolments.csv",
        [ENROLMENT_HEADER, ["2019", "s1", "B1", "DE", "f"], ["2019", "s1", "B1", "FR", "f"]],
    )
    rejects = _rejects_of(settings, programmes, enrolments)
    assert list(rejects["row"]) == [3]
    assert "student_key" in rejects.iloc[0]["column"]
    assert "row 2" in rejects.iloc[0]["expected"]


def test_duplicate_aggregated_groups_are_summed_and_reported(settings, write_csv):
    """Issue 10: the same group twice in an aggregated file is added up, not rejected."""
    programmes = write_csv("programmes.csv", PROGRAMMES)
    header = ["academic_year", "headcount", "programme_code", "nationality", "gender"]
    enrolments = write_csv(
        "enrolments.csv",
        [
            header,
            ["2019", "4", "B1", "DE", "f"],
            ["2019", "7", "B1", "FR", "f"],
            ["2019-20", "5", "B1", "Duitsland", "v"],  # the same group, spelled otherwise
            ["2019", "2", "B1", "DE", "m"],
        ],
    )
    result = load_files([programmes, enrolments], settings)
    report = next(r for r in result.files if r.file == "enrolments.csv")
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (4, 4, 0)
    summed = "2 aggregated row(s) repeat a group; added up into 1 row(s)"
    assert any(summed in note for note in report.notes)
    assert query(
        settings.database,
        "select nationality, gender, headcount from enrolments order by all",
    ) == [("DE", "female", 9), ("DE", "male", 2), ("FR", "female", 7)]


@pytest.mark.parametrize(
    ("values", "column", "expected_fragment"),
    [
        ({"end_date": "2019-08-01"}, "end_date", "on or after start_date"),
        ({"ects_earned": "-5"}, "ects_earned", "not negative"),
        ({"ects_earned": "thirty"}, "ects_earned", "a number"),
        ({"start_date": "31-31-2019"}, "start_date", "YYYY-MM-DD"),
        ({"direction": "sideways"}, "direction", "outgoing, incoming"),
        ({"fewer_opportunities": "perhaps"}, "fewer_opportunities", "yes or no"),
        ({"headcount": "3"}, "headcount", "1 or empty"),
        ({"partner_erasmus_code": "?!"}, "partner_erasmus_code", "Erasmus code"),
    ],
)
def test_bad_mobility_values(settings, write_csv, values, column, expected_fragment):
    good = {
        "participant": "student",
        "direction": "outgoing",
        "person_key": "s1",
        "headcount": "",
        "activity": "study",
        "start_date": "2019-09-01",
        "end_date": "2020-01-31",
        "ects_earned": "30",
        "fewer_opportunities": "no",
        "partner_erasmus_code": "D  KONSTAN01",
    }
    row = {**good, **values}
    mobility = write_csv("mobility.csv", [list(row), list(row.values())])
    rejects = _rejects_of(settings, mobility)
    assert list(rejects["column"]) == [column]
    assert rejects.iloc[0]["value"] == values[column]
    assert expected_fragment in rejects.iloc[0]["expected"]


def test_missing_required_column_is_reported_on_the_header_row(settings, write_csv):
    programmes = write_csv(
        "programmes.csv", [["programme_code", "programme_name", "cycle"], ["B1", "X", "bachelor"]]
    )
    rejects = _rejects_of(settings, programmes)
    assert list(rejects["row"]) == [1]
    assert list(rejects["column"]) == ["faculty"]
    assert "required" in rejects.iloc[0]["expected"]


def test_unknown_layout_lists_the_formats_tried(settings, write_csv):
    path = write_csv("mystery.csv", [["colour", "flavour"], ["red", "sweet"]])
    rejects = _rejects_of(settings, path)
    message = rejects.iloc[0]["expected"]
    assert "Formats tried" in message
    assert "enrolments: missing academic_year, programme_code" in message
    assert "colour, flavour" in message


def test_unknown_network_and_end_before_start_years(settings, write_csv):
    networks = write_csv(
        "networks.csv",
        [
            ["network_code", "network_name", "member_since", "member_until"],
            ["X", "X", "2019", "2010"],
        ],
    )
    activities = write_csv(
        "network_activities.csv",
        [
            ["activity_id", "network_code", "academic_year", "activity_type"],
            ["A1", "NOPE", "2019", "summer_school"],
        ],
    )
    rejects = _rejects_of(settings, networks, activities)
    assert set(zip(rejects["file"], rejects["column"], strict=True)) == {
        ("networks.csv", "member_until"),
        ("network_activities.csv", "network_code"),
    }


def test_failed_load_writes_a_report_next_to_the_input(settings, write_csv):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv("enrolments.csv", [ENROLMENT_HEADER, ["2019", "s1", "B1", "XX1", "f"]])
    with pytest.raises(LoadFailed) as failure:
        load_files([programmes, enrolments], settings)
    report = enrolments.with_name("enrolments.csv.rejects.csv")
    assert failure.value.result.report_paths == [report]
    written = pd.read_csv(report, dtype=str)
    assert list(written.columns) == ["file", "row", "column", "value", "expected", "entity"]
    assert written.iloc[0].to_dict()["value"] == "XX1"
    assert not settings.database.exists()
    assert "nothing was published" in str(failure.value)


def test_allow_rejects_publishes_valid_rows_and_records_rejects(settings, write_csv):
    programmes = write_csv("programmes.csv", PROGRAMMES)
    enrolments = write_csv(
        "enrolments.csv",
        [ENROLMENT_HEADER, ["2019", "s1", "B1", "DE", "f"], ["2019", "s2", "B1", "Narnia", "m"]],
    )
    result = load_files([programmes, enrolments], settings, allow_rejects=True)
    assert result.published
    report = next(r for r in result.files if r.file == "enrolments.csv")
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (2, 1, 1)
    assert query(settings.database, "select student_key from enrolments") == [("s1",)]
    assert query(
        settings.database, "select file_name, row_number, column_name, value from load_rejects"
    ) == [("enrolments.csv", 3, "nationality", "Narnia")]
    assert query(
        settings.database,
        "select status from load_history where file_name = 'enrolments.csv'",
    ) == [("published_with_rejects",)]
