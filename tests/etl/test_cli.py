"""The intl-kpi command line, invoked in-process on temporary data."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from etl.entities import ENTITIES

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


def test_templates_document_every_entity(tmp_path):
    folder = tmp_path / "templates"
    result = CliRunner().invoke(main, ["templates", str(folder)])
    assert result.exit_code == 0, result.output
    for entity in ENTITIES:
        # A header-only file is refused by a load (it would publish an empty version), so
        # the template's header is read as a person opening it sees it.
        with (folder / f"{entity.name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            assert next(csv.reader(handle)) == list(entity.column_names)
    columns = (folder / "COLUMNS.md").read_text()
    for entity in ENTITIES:
        assert f"`{entity.name}`" in columns
        for column in entity.columns:
            assert f"`{column.name}`" in columns


REAL = Path(__file__).parents[1] / "fixtures" / "real"


def _kpis(database: Path, *options: str, env: dict[str, str] | None = None):
    return CliRunner(env=env).invoke(
        main, ["kpis", "--database", str(database), "--suppression", "none", *options]
    )


def test_mobility_only_data_gives_kpi_rows(tmp_path):
    # EC Erasmus microdata only: Konstanz sent students in 2008-09 ... 2012-13.
    database = tmp_path / "kpi.duckdb"
    env = {"INTL_KPI_HOME_ERASMUS_CODE": "D  KONSTAN01"}
    files = sorted(str(path) for path in REAL.glob("erasmus_student_microdata_*_head10.csv"))
    loaded = CliRunner(env=env).invoke(main, ["load", *files, "--database", str(database)])
    assert loaded.exit_code == 0, loaded.output
    result = _kpis(database, "--kpi", "outgoing_students", "--format", "csv", env=env)
    assert result.exit_code == 0, result.output
    assert "No KPI values" not in result.output
    rows = [line for line in result.output.splitlines() if line.startswith("outgoing_students")]
    assert rows, result.output
    assert any(",2008," in line or "2008-09" in line for line in rows), rows


def test_staff_only_data_gives_kpi_rows(tmp_path):
    database = tmp_path / "kpi.duckdb"
    loaded = CliRunner().invoke(
        main, ["load", str(FIXTURES / "staff.csv"), "--database", str(database)]
    )
    assert loaded.exit_code == 0, loaded.output
    result = _kpis(database, "--kpi", "intl_share_staff")
    assert result.exit_code == 0, result.output
    assert "intl_share_staff" in result.output and "2019" in result.output


def test_default_years_are_the_population_years_when_a_population_is_loaded(tmp_path):
    from dashboard.kpis.query import data_years
    from dashboard.queries.filters import filter_options
    from etl.pipeline import load_files
    from etl.settings import Settings

    settings = Settings.from_env({}, database=tmp_path / "kpi.duckdb")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "mobility.csv").write_text(
        "participant,direction,activity,academic_year,headcount\n"
        "student,outgoing,study,2013,2\nstudent,outgoing,study,2016,3\n"
    )
    (folder / "agreements.csv").write_text(
        "agreement_id,partner_name,partner_country,agreement_type,start_year\n"
        "A1,Konstanz,DE,erasmus_iia,2011\n"
    )
    (folder / "projects.csv").write_text(
        "project_id,title,action_type,role,start_date,end_date\n"
        "P1,Teaching,cooperation_partnership,partner,2010-03-01,2012-02-28\n"
    )

    def years() -> tuple[list[int], tuple[int, ...]]:
        import duckdb

        connection = duckdb.connect(str(settings.database), read_only=True)
        try:
            return data_years(connection), filter_options(connection).years
        finally:
            connection.close()

    load_files([folder], settings)
    # No population: every table's years (a project starting in March 2010 is 2009-10).
    assert years() == ([2009, 2011, 2013, 2016], (2009, 2011, 2013, 2016))
    (folder / "staff.csv").write_text(
        "reference_year,faculty,category,staff_type,headcount\n2015,Law,professor,academic,4\n"
        "2016,Law,professor,academic,5\n"
    )
    load_files([folder / "staff.csv"], settings)
    # With a population, its years only: stays before the first cohort do not widen it.
    assert years() == ([2015, 2016], (2015, 2016))
