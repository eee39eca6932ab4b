"""The intl-kpi command line, invoked in-process on temporary data."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from etl.cli import main
from etl.entities import ENTITIES
from etl.readers import read_table

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"


def test_load_then_status(tmp_path):
    runner = CliRunner()
    database = tmp_path / "kpi.duckdb"
    result = runner.invoke(main, ["load", str(FIXTURES), "--database", str(database)])
    assert result.exit_code == 0, result.output
    assert "enrolments.csv [enrolments]: 8 read, 8 accepted, 0 rejected, 0 skipped" in result.output
    assert "Published data version 1" in result.output
    assert "rows/s" in result.output

    result = runner.invoke(main, ["status", "--database", str(database)])
    assert result.exit_code == 0, result.output
    assert "Data version 1" in result.output
    assert "SYNTHETIC DEMO" not in result.output
    assert "programmes.csv [programmes]" in result.output
    assert "sha256" in result.output
    assert "enrolments                    8 (headcount 21)" in result.output
    assert "2019-20 enrolled" in result.output
    assert "[warning] nationality_unknown_enrolments: 3" in result.output


def test_load_with_rejects_exits_non_zero_and_names_the_report(tmp_path):
    bad = tmp_path / "staff.csv"
    bad.write_text("reference_year,faculty,category,staff_type\n2019,Law,professor,wizard\n")
    database = tmp_path / "kpi.duckdb"
    result = CliRunner().invoke(main, ["load", str(bad), "--database", str(database)])
    assert result.exit_code == 1
    assert "staff.csv, row 2, column 'staff_type': 'wizard'" in result.output
    assert "expected one of academic, support" in result.output
    assert str(bad) + ".rejects.csv" in result.output
    assert not database.exists()


def test_status_without_a_database_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["status", "--database", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "intl-kpi demo" in result.output


def test_templates_document_every_entity_and_load_back_empty(tmp_path):
    folder = tmp_path / "templates"
    result = CliRunner().invoke(main, ["templates", str(folder)])
    assert result.exit_code == 0, result.output
    for entity in ENTITIES:
        table = read_table(folder / f"{entity.name}.csv")
        assert table.headers == list(entity.column_names)
    columns = (folder / "COLUMNS.md").read_text()
    for entity in ENTITIES:
        assert f"`{entity.name}`" in columns
        for column in entity.columns:
            assert f"`{column.name}`" in columns
