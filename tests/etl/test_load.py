"""Loading each canonical entity as CSV, XLSX and Parquet, record-level and aggregated."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.entities import ENTITIES
from etl.pipeline import load_files
from tests.conftest import query

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"


def _table(database: Path, name: str) -> pd.DataFrame:
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        frame = connection.execute(f"select * exclude (_load_id) from {name}").df()
    finally:
        connection.close()
    return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)


def test_every_fixture_entity_is_covered():
    assert {p.stem for p in FIXTURES.glob("*.csv")} == {e.name for e in ENTITIES}


def test_canonical_csv_folder_loads_every_entity(settings):
    result = load_files([FIXTURES], settings)
    assert result.published
    assert result.data_version == 1
    database = settings.database
    counts = {e.name: query(database, f"select count(*) from {e.name}")[0][0] for e in ENTITIES}
    assert counts == {
        "institutions": 2,
        "programmes": 4,
        "networks": 2,
        "enrolments": 8,
        "graduates": 3,
        "staff": 3,
        "mobility": 3,
        "network_activities": 2,
        "projects": 2,
        "agreements": 2,
    }
    # Record-level rows count 1, aggregated rows their headcount: 6 + 12 + 3.
    assert query(database, "select sum(headcount) from enrolments")[0][0] == 21
    assert query(database, "select sum(headcount) from graduates")[0][0] == 10
    assert query(database, "select sum(headcount) from staff")[0][0] == 27


def test_values_are_normalised_and_derived(settings):
    load_files([FIXTURES], settings)
    database = settings.database
    # Dutch country name -> ISO code; empty nationality kept as 'unknown'.
    assert query(database, "select nationality from enrolments where student_key = 'S2'") == [
        ("DE",)
    ]
    assert query(database, "select count(*) from enrolments where nationality = 'unknown'") == [
        (1,)
    ]
    # Cycle comes from the programme when the row leaves it empty.
    assert query(database, "select cycle from enrolments where student_key = 'S5'") == [("phd",)]
    # Erasmus activity codes, dates -> academic year and inclusive duration in days.
    rows = query(
        database,
        "select mobility_id, activity, academic_year, duration_days, faculty from mobility "
        "order by mobility_id",
    )
    assert rows == [
        ("M1", "study", 2019, 153, "Humanities"),  # 1 Sep 2019 .. 31 Jan 2020
        ("M2", "study", 2019, 153, "Law"),
        ("M3", "staff_teaching", 2019, 5, None),  # March 2020 is in 2019-20
    ]
    # Decimal comma, Dutch country name in agreements.
    assert query(database, "select fte from staff where staff_key = 'E2'") == [(0.8,)]
    assert query(database, "select partner_country from agreements where agreement_id='IIA-1'") == [
        ("DE",)
    ]
    assert query(database, "select action_type from projects order by start_date") == [
        ("cooperation_partnership",),  # strategic_partnership alias
        ("european_university",),
    ]
    assert query(database, "select start_date from projects where project_id = '101004065'") == [
        (date(2020, 11, 1),)
    ]


def test_unknown_nationality_is_a_quality_finding(settings):
    result = load_files([FIXTURES], settings)
    findings = result.findings.set_index("check_name")
    # One aggregated row of 3 students has no nationality: the finding counts people.
    assert findings.loc["nationality_unknown_enrolments", "failing_rows"] == 3
    stored = query(
        settings.database,
        "select failing_rows from quality_findings where check_name = "
        "'nationality_unknown_enrolments'",
    )
    assert stored == [(3,)]


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_xlsx_and_parquet_load_the_same_rows_as_csv(settings, tmp_path, suffix):
    load_files([FIXTURES], settings)
    converted = tmp_path / "converted"
    converted.mkdir()
    for path in FIXTURES.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        target = converted / (path.stem + suffix)
        if suffix == ".xlsx":
            frame.to_excel(target, index=False)
        else:
            frame.to_parquet(target)
    other = settings.__class__.from_env({}, database=tmp_path / "other.duckdb")
    load_files([converted], other)
    for entity in ENTITIES:
        pd.testing.assert_frame_equal(
            _table(settings.database, entity.name), _table(other.database, entity.name)
        )


def test_files_named_otherwise_are_recognised_by_their_headers(settings, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(FIXTURES / "programmes.csv", folder / "export_a.csv")
    shutil.copy(FIXTURES / "staff.csv", folder / "export_b.csv")
    result = load_files([folder], settings)
    assert sorted(report.format for report in result.files) == ["programmes", "staff"]
