"""``intl-kpi kpis``: the KPI table on the command line, through click's CliRunner.

Dataset: master students 2019-20 M1 (Law) DE 5 (prior DE), NL 15; M2 (Science) DE 5 (prior
NL), NL 15 -> 10 of 40 international = 25%. 2020-21: M1 and M2 each DE 6 (prior DE), NL 14
-> 12 of 40 = 30%. Bachelor 2019-20: B1 FR 3, NL 20 (a small cell).
The default targets file has ">= 23, maintain" for intl_share_master.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.kpis.table import TABLE_COLUMNS
from tests.kpis.conftest import publish

REPO = Path(__file__).resolve().parents[2]
FILES = {
    "enrolments": [
        ["academic_year", "headcount", "programme_code", "nationality", "prior_education_country"],
        ["2019-20", 5, "M1", "DE", "DE"],
        ["2019-20", 15, "M1", "NL", "NL"],
        ["2019-20", 5, "M2", "DE", "NL"],
        ["2019-20", 15, "M2", "NL", "NL"],
        ["2020-21", 6, "M1", "DE", "DE"],
        ["2020-21", 14, "M1", "NL", "NL"],
        ["2020-21", 6, "M2", "DE", "DE"],
        ["2020-21", 14, "M2", "NL", "NL"],
        ["2019-20", 3, "B1", "FR", "FR"],
        ["2019-20", 20, "B1", "NL", "NL"],
    ],
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return publish(tmp_path_factory.mktemp("cli"), FILES)


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's targets file, and no other setting from the caller's environment.
    The format tests read hand-computed counts that are not multiples of 5, so they run
    under ``duo`` (which shows them); the default preset has tests of its own below."""
    for name in ("INTL_KPI_SUPPRESSION", "INTL_KPI_BASIS", "INTL_KPI_HOME_COUNTRY",
                 "INTL_KPI_PROVISIONAL_YEARS", "INTL_KPI_DATABASE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INTL_KPI_SUPPRESSION", "duo")
    monkeypatch.setenv("INTL_KPI_TARGETS", str(REPO / "data" / "targets.csv"))


def run(database: Path, *args: str):
    return CliRunner().invoke(main, ["kpis", "--database", str(database), *args])


def run_csv(database: Path, *args: str) -> pd.DataFrame:
    result = run(database, "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout), keep_default_na=True)


def test_table_format(database):
    result = run(database, "--kpi", "intl_share_master")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["kpi", "year", "group"]
    # 10 of 40 = 25.0% in 2019-20, 12 of 40 = 30.0% in 2020-21 (provisional: the last year).
    row_2019 = next(line for line in lines if "2019-20" in line)
    assert "25.0%" in row_2019 and "target achieved" in row_2019
    row_2020 = next(line for line in lines if "2020-21" in line)
    assert "30.0%" in row_2020 and "provisional" in row_2020


def test_csv_format(database):
    table = run_csv(database, "--kpi", "intl_share_master")
    assert list(table.columns[: len(TABLE_COLUMNS)]) == list(TABLE_COLUMNS)
    rows = table.set_index("academic_year")
    assert rows.loc[2019, "numerator"] == 10
    assert rows.loc[2019, "denominator"] == 40
    assert rows.loc[2019, "value"] == pytest.approx(25.0)
    assert rows.loc[2020, "value"] == pytest.approx(30.0)
    # 25% and 30% hold the ">= 23" floor.
    assert set(table["status"]) == {"target_achieved"}
    assert "23 (Erasmus Policy Statement 2021-27)" in rows.loc[2019, "targets"]
    assert rows.loc[2019, "scope"] == "university"


def test_json_format(database):
    result = run(database, "--kpi", "intl_share_master", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [(r["academic_year"], r["numerator"], r["denominator"]) for r in records] == [
        (2019, 10, 40),
        (2020, 12, 40),
    ]
    assert records[0]["value"] == pytest.approx(25.0)
    assert records[1]["provisional"] is True


def test_xlsx_format(database, tmp_path: Path):
    output = tmp_path / "kpis.xlsx"
    result = run(database, "--kpi", "intl_share_master", "--format", "xlsx", "--output",
                 str(output))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote 2 rows" in result.output
    # The KPI's theme sheet (the workbook has one per theme; issue 13 part 5).
    table = pd.read_excel(output, sheet_name="Diversity", engine="openpyxl")
    assert list(table["numerator"]) == [10, 12]
    assert list(table["value"]) == pytest.approx([25.0, 30.0])


def test_xlsx_has_every_sheet_and_years_as_people_write_them(database, tmp_path: Path):
    output = tmp_path / "kpis.xlsx"
    result = run(database, "--kpi", "intl_share_master", "--faculty", "Law", "--format", "xlsx",
                 "--output", str(output))  # fmt: skip
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(output, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["Diversity", "Mobility", "Networks", "Definitions", "Targets",
                            "Data sheet"]  # fmt: skip
    diversity = sheets["Diversity"]
    # Numeric year for machines, the label right after it for people.
    columns = list(diversity.columns)
    assert columns[columns.index("academic_year") + 1] == "academic_year_label"
    assert list(diversity["academic_year"]) == [2019, 2020]
    assert list(diversity["academic_year_label"]) == ["2019-20", "2020-21"]
    # Law (M1): 5 of 20 in 2019-20.
    assert (diversity["numerator"].iloc[0], diversity["denominator"].iloc[0]) == (5, 20)
    assert sheets["Mobility"].empty and sheets["Networks"].empty
    # Definitions and targets of the KPI asked for, from the registry and the targets file.
    assert list(sheets["Definitions"]["kpi_id"]) == ["intl_share_master"]
    assert "international" in sheets["Definitions"]["definition"].iloc[0].lower()
    targets = sheets["Targets"]
    assert set(targets["kpi_id"]) == {"intl_share_master"}
    assert "Erasmus Policy Statement 2021-27" in " ".join(targets["target"])
    data = dict(zip(sheets["Data sheet"]["item"], sheets["Data sheet"]["value"], strict=True))
    assert data["Scope"] == "faculty Law"
    assert "faculty Law" in data["Selection"]
    assert data["Suppression preset"].startswith("duo:")
    assert data["Academic years in the workbook"] == "2019-20 to 2020-21"
    assert data["Data version"]  # the published snapshot's version
    assert data["Generated by"] == "intl-kpi kpis"


def test_csv_and_json_carry_the_year_label(database):
    table = run_csv(database, "--kpi", "intl_share_master")
    assert list(table["academic_year_label"]) == ["2019-20", "2020-21"]
    result = run(database, "--kpi", "intl_share_master", "--format", "json")
    records = json.loads(result.output)
    assert [r["academic_year_label"] for r in records] == ["2019-20", "2020-21"]
    assert [r["academic_year"] for r in records] == [2019, 2020]


def test_xlsx_needs_output(database):
    result = run(database, "--format", "xlsx")
    assert result.exit_code != 0
    assert "--output" in result.output


def test_csv_to_a_file(database, tmp_path: Path):
    output = tmp_path / "kpis.csv"
    result = run(database, "--kpi", "intl_share_master", "--format", "csv", "--output",
                 str(output))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(output)) == 2


def test_all_kpis_by_default(database):
    table = run_csv(database)
    # Every KPI of the registry is asked; those with no data in this dataset have no rows.
    assert {"intl_share_master", "intl_share_bachelor", "nationalities_count"} <= set(
        table["kpi_id"]
    )


def test_year_selection(database):
    table = run_csv(database, "--kpi", "intl_share_master", "--year", "2020-21")
    assert list(table["academic_year"]) == [2020]
    ranged = run_csv(database, "--kpi", "intl_share_master", "--from", "2019", "--to", "2019")
    assert list(ranged["academic_year"]) == [2019]


def test_faculty_and_programme_selection(database):
    table = run_csv(database, "--kpi", "intl_share_master", "--faculty", "Law", "--year", "2019")
    # Law (M1) 2019-20: 5 of 20.
    assert (table["numerator"].iloc[0], table["denominator"].iloc[0]) == (5, 20)
    assert table["scope"].iloc[0] == "faculty Law"
    programme = run_csv(database, "--kpi", "intl_share_master", "--programme", "M2", "--year",
                        "2020")  # fmt: skip
    # M2 2020-21: 6 of 20 = 30%.
    assert programme["value"].iloc[0] == pytest.approx(30.0)


def test_by_breakdown(database):
    table = run_csv(database, "--kpi", "intl_share_master", "--by", "faculty", "--year", "2019")
    values = dict(zip(table["group"], table["value"], strict=True))
    # Law 5/20 and Science 5/20.
    assert values == {"Law": pytest.approx(25.0), "Science": pytest.approx(25.0)}
    assert set(table["breakdown"]) == {"faculty"}


def test_by_without_kpi_leaves_out_kpis_without_that_breakdown(database):
    table = run_csv(database, "--by", "activity")
    assert "intl_share_master" not in set(table["kpi_id"])


def test_basis(database):
    table = run_csv(database, "--kpi", "intl_share_master", "--basis", "prior_education",
                    "--year", "2019")  # fmt: skip
    # Foreign prior education 2019-20: only M1's 5 Germans (M2's went to school in NL):
    # 5 of 40 = 12.5%.
    assert table["numerator"].iloc[0] == 5
    assert table["value"].iloc[0] == pytest.approx(12.5)


def test_suppression_option(database):
    duo = run_csv(database, "--kpi", "intl_share_bachelor", "--suppression", "duo")
    # B1 2019-20: 3 French of 23: "<5" under duo, withheld with the rate.
    assert duo["numerator"].isna().all() and duo["value"].isna().all()
    assert duo["suppressed"].all()
    assert duo["denominator"].iloc[0] == 23
    none = run_csv(database, "--kpi", "intl_share_bachelor", "--suppression", "none")
    assert none["numerator"].iloc[0] == 3
    assert none["value"].iloc[0] == pytest.approx(100 * 3 / 23)
    hesa = run_csv(database, "--kpi", "intl_share_bachelor", "--suppression", "hesa")
    # 3 -> 5, 23 -> 25; the rate on 23 >= 22.5 students is shown unrounded.
    assert (hesa["numerator"].iloc[0], hesa["denominator"].iloc[0]) == (5, 25)
    assert hesa["value"].iloc[0] == pytest.approx(100 * 3 / 23)


def test_default_suppression_is_round5(database, monkeypatch):
    monkeypatch.delenv("INTL_KPI_SUPPRESSION")
    table = run_csv(database, "--kpi", "intl_share_bachelor")
    # B1 2019-20: 3 French of 23 -> 5 of 25, and the rate from those: 20%.
    assert (table["numerator"].iloc[0], table["denominator"].iloc[0]) == (5, 25)
    assert table["value"].iloc[0] == pytest.approx(20.0)
    assert not table["suppressed"].any()
    master = run_csv(database, "--kpi", "intl_share_master")
    # 2020-21: 12 of 40 -> 10 of 40 = 25%, never 30% (which would give the 12 away).
    assert list(master["numerator"]) == [10, 10]
    assert list(master["value"]) == pytest.approx([25.0, 25.0])


def test_unprotected_preset_is_announced(database):
    result = run(database, "--kpi", "intl_share_bachelor", "--suppression", "none")
    assert result.exit_code == 0, result.output
    assert "UNPROTECTED" in result.output
    protected = run(database, "--kpi", "intl_share_bachelor", "--suppression", "round5")
    assert "UNPROTECTED" not in protected.output


def test_unknown_kpi_is_a_clear_error(database):
    result = run(database, "--kpi", "intl_share_masters")
    assert result.exit_code != 0
    assert "unknown KPI 'intl_share_masters'" in result.output


def test_breakdown_the_kpi_does_not_allow_is_a_clear_error(database):
    result = run(database, "--kpi", "intl_share_master", "--by", "activity")
    assert result.exit_code != 0
    assert "intl_share_master cannot be broken down by 'activity'" in result.output


def test_unknown_breakdown_is_a_clear_error(database):
    result = run(database, "--by", "colour")
    assert result.exit_code != 0
    assert "colour" in result.output and "--by" in result.output


def test_bad_year_is_a_clear_error(database):
    result = run(database, "--year", "2019-21")
    assert result.exit_code != 0
    assert "not an academic year" in result.output


def test_malformed_targets_file(database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bad = tmp_path / "targets.csv"
    text = (REPO / "data" / "targets.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("intl_share_phd,", "intl_share_phds,", 1), encoding="utf-8")
    monkeypatch.setenv("INTL_KPI_TARGETS", str(bad))
    result = run(database, "--kpi", "intl_share_master")
    assert result.exit_code == 1
    assert "line 3" in result.output and "'kpi_id'" in result.output


def test_missing_database(tmp_path: Path):
    result = run(tmp_path / "none.duckdb")
    assert result.exit_code == 1
    assert "No database" in result.output


def test_targets_relative_to_the_working_directory(database, monkeypatch: pytest.MonkeyPatch):
    # The default setting is data/targets.csv relative to the working directory.
    monkeypatch.delenv("INTL_KPI_TARGETS")
    monkeypatch.chdir(REPO)
    table = run_csv(database, "--kpi", "intl_share_master")
    assert "23 (Erasmus Policy Statement 2021-27)" in table["targets"].iloc[0]
