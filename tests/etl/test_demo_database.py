"""The demo university, built by `intl-kpi demo` through the normal ETL, reproduces the
policy statement's 2019-20 figures when computed straight from the published database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main
from tests.conftest import query

HOME = "'NL'"
# International = a nationality other than NL, unless NL is the second nationality.
INTERNATIONAL = (
    "nationality not in ('NL', 'unknown', 'stateless', 'not_available') "
    "and coalesce(second_nationality, '') <> 'NL'"
)


def _share(database: Path, table: str, where: str) -> float:
    ((international, total),) = query(
        database,
        f"select sum(headcount) filter (where {INTERNATIONAL}), sum(headcount) "
        f"from {table} where {where} and nationality not in ('unknown', 'not_available')",
    )
    return international / total


def test_the_database_says_it_holds_the_synthetic_demo(demo_database):
    assert query(demo_database, "select value from meta where key = 'is_demo'") == [("true",)]
    formats = {row[0] for row in query(demo_database, "select distinct format from load_history")}
    assert {"programmes", "enrolments", "graduates", "staff", "mobility"} <= formats


def test_size_of_the_demo_university(demo_database):
    ((faculties, programmes),) = query(
        demo_database, "select count(distinct faculty), count(*) from programmes"
    )
    assert faculties == 7
    assert 70 <= programmes <= 95
    ((students,),) = query(
        demo_database,
        "select sum(headcount) from enrolments where academic_year = 2019 "
        "and enrolment_type = 'degree'",
    )
    assert 25_000 <= students <= 35_000
    ((staff,),) = query(
        demo_database, "select sum(headcount) from staff where reference_year = 2019"
    )
    assert 6_000 <= staff <= 8_000
    years = query(demo_database, "select distinct academic_year from enrolments order by 1")
    assert [year for (year,) in years] == list(range(2015, 2025))


def test_2019_calibration_from_the_database(demo_database):
    degree_2019 = "academic_year = 2019 and enrolment_type = 'degree' and population = 'enrolled'"
    assert (
        0.230 <= _share(demo_database, "enrolments", f"{degree_2019} and cycle = 'master'") < 0.235
    )
    assert 0.420 < _share(demo_database, "enrolments", f"{degree_2019} and cycle = 'phd'") < 0.430
    assert 0.245 <= _share(demo_database, "staff", "reference_year = 2019") <= 0.255
    academic = "reference_year = 2019 and staff_type = 'academic'"
    assert 0.385 <= _share(demo_database, "staff", academic) <= 0.395
    ((nationalities,),) = query(
        demo_database,
        "select count(distinct nationality) from ("
        "  select nationality from enrolments where academic_year = 2019"
        "  union all select nationality from staff where reference_year = 2019"
        ") where nationality is not null "
        "and nationality not in ('unknown', 'stateless', 'not_available')",
    )
    assert nationalities > 122


def test_other_years_vary(demo_database):
    shares = [
        _share(
            demo_database,
            "enrolments",
            f"academic_year = {year} and enrolment_type = 'degree' and cycle = 'master'",
        )
        for year in range(2015, 2025)
    ]
    assert len({round(share, 4) for share in shares}) == 10
    assert shares[0] < shares[4] < shares[-1]


def test_demo_refuses_to_replace_real_data(tmp_path):
    fixtures = Path(__file__).parent.parent / "fixtures" / "canonical"
    database = tmp_path / "real.duckdb"
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(fixtures), "--database", str(database)]).exit_code == 0
    before = database.read_bytes()
    result = runner.invoke(main, ["demo", "--scale", "0.05", "--database", str(database)])
    assert result.exit_code == 2
    assert "holds real data" in result.output
    assert database.read_bytes() == before


def test_kpis_command_reproduces_the_policy_statement_for_2019(demo_database, monkeypatch):
    # The same query layer as the dashboard, through the command line, default settings
    # (suppression "duo", nationality basis); figures from the Erasmus Policy Statement.
    monkeypatch.setenv("INTL_KPI_TARGETS", str(Path(__file__).parents[2] / "data/targets.csv"))
    result = CliRunner().invoke(
        main, ["kpis", "--year", "2019", "--format", "json", "--database", str(demo_database)]
    )
    assert result.exit_code == 0, result.output
    rows = {row["kpi_id"]: row for row in json.loads(result.output)}
    assert {row["academic_year"] for row in rows.values()} == {2019}
    assert 23.0 <= rows["intl_share_master"]["value"] < 23.5
    assert rows["intl_share_phd"]["value"] > 42.0
    assert rows["nationalities_count"]["value"] > 122
    assert 24.5 <= rows["intl_share_staff"]["value"] <= 25.5
    assert 38.5 <= rows["intl_share_academic_staff"]["value"] <= 39.5
    for kpi_id in ("intl_share_master", "intl_share_phd", "nationalities_count"):
        assert rows[kpi_id]["status"] == "target_achieved", kpi_id
        assert rows[kpi_id]["targets"], kpi_id
