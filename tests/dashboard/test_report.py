"""The board report as PDF (dashboard/report.py, ``intl-kpi report``): the PDF's text holds
the summary and every overview KPI; counts under the default preset are protected; the
summary counts follow the KPI table's statuses; the SVG chart builder draws gaps, targets
and round axes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dashboard import board, runtime
from dashboard.cli import main
from dashboard.filters_state import FilterState
from dashboard.kpis.registry import KPIS
from dashboard.kpis.table import kpi_table
from dashboard.kpis.targets import read_targets
from dashboard.report import build_report
from dashboard.report_charts import Level, Point, line_chart_svg, nice_ticks

ROOT = Path(__file__).parents[2]
TARGETS = ROOT / "data" / "targets.csv"
# "3,110 of 11,340": the counts behind a rate, as the report writes them (not "Page 1 of 8"
# nor the cover's "3 of 10 targets").
COUNTS = re.compile(r"(?<!Page )(?<![\d,])(\d[\d,]*) of (\d[\d,]*)(?![\d,])(?! targets)")


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def overview_kpi_names() -> list[str]:
    targeted = {target.kpi_id for target in read_targets(TARGETS)}
    return [kpi.name for kpi in KPIS if kpi.id in targeted]


@pytest.fixture
def report_environment(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTL_KPI_TARGETS", str(TARGETS))
    monkeypatch.setenv("INTL_KPI_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    # The default preset (round5), not the fixture's duo: what a board member gets.
    monkeypatch.delenv("INTL_KPI_SUPPRESSION", raising=False)
    for name in ("INTL_KPI_BASIS", "INTL_KPI_HOME_COUNTRY", "INTL_KPI_PROVISIONAL_YEARS"):
        monkeypatch.delenv(name, raising=False)
    runtime.settings.cache_clear()
    yield published
    runtime.settings.cache_clear()


def report_entries():
    """The report's cards for the whole university under the settings in force."""
    with runtime.callback_cursor() as cursor:
        report = build_report(
            cursor,
            FilterState(basis="nationality"),
            runtime.query_context(),
            runtime.targets(),
            generated_at="now",
        )
    return report.entries


def run_report(database: Path, output: Path, *options: str) -> str:
    result = CliRunner().invoke(
        main, ["report", "--database", str(database), "--output", str(output), *options]
    )
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF-")
    return pdf_text(output)


def test_cli_report_holds_the_summary_and_every_overview_kpi(report_environment, tmp_path):
    text = run_report(report_environment, tmp_path / "board.pdf")
    flat = " ".join(text.split())
    summary = re.search(r"Of (\d+) targets: (\d+) achieved, (\d+) on track, (\d+) at risk", flat)
    assert summary, flat[:500]
    total, *groups = (int(n) for n in summary.groups())
    assert total >= sum(groups) and total > 0
    for name in overview_kpi_names():
        assert name in flat, name
    for theme in ("Nationality diversity", "Mobility", "Networks and partnerships"):
        assert theme in flat
    assert "Data version" in flat and "round5" in flat
    assert "Definition" in flat and "Numerator" in flat


def test_no_count_of_one_to_four_under_the_default_preset(report_environment, tmp_path):
    protected = " ".join(run_report(report_environment, tmp_path / "round5.pdf").split())
    entries = report_entries()
    # Counts of things that are not people (programmes with a mobility window: "2 of 2";
    # ECTS credits) are no disclosure risk and are written as they are.
    for entry in entries:
        if not entry.kpi.counts_people and entry.counts_text:
            protected = protected.replace(entry.counts_text, "")
    counts = [int(n.replace(",", "")) for pair in COUNTS.findall(protected) for n in pair]
    assert counts, "the report writes the counts behind its rates"
    assert not [n for n in counts if 1 <= n <= 4], counts
    # Counts of people are rounded to the nearest 5.
    people = [entry.counts_text for entry in entries if entry.kpi.counts_people]
    assert people
    for text in people:
        assert text in protected
        assert all(int(n.replace(",", "")) % 5 == 0 for n in COUNTS.fullmatch(text).groups())
    # Under duo the same report writes the fixture's counts as they are (not all multiples
    # of 5): the check above is not vacuous.
    plain = run_report(report_environment, tmp_path / "duo.pdf", "--suppression", "duo")
    plain_counts = [int(n.replace(",", "")) for pair in COUNTS.findall(plain) for n in pair]
    assert any(n % 5 for n in plain_counts), plain_counts


def test_cli_report_for_a_faculty_and_year(report_environment, tmp_path):
    text = " ".join(
        run_report(
            report_environment, tmp_path / "science.pdf", "--faculty", "Science", "--year", "2019"
        ).split()
    )
    assert "Faculty Science" in text
    assert "No target is set for this selection" in text  # the university's: references
    assert "2019-20" in text and "2024-25" not in text


def test_report_summary_is_the_overviews(report_environment):
    """The cover counts what the overview's summary counts (``dashboard.board``): every
    scored target of the KPIs shown, from the same KPI table."""
    with runtime.callback_cursor() as cursor:
        state = FilterState(basis="nationality")
        targets = runtime.targets()
        report = build_report(cursor, state, runtime.query_context(), targets, generated_at="now")
        kpi_ids = [kpi.id for kpi in KPIS if kpi.id in {t.kpi_id for t in targets}]
        table = kpi_table(cursor, state, runtime.query_context(), targets, kpi_ids=kpi_ids)
    expected = board.summarise(board.board_kpis(table, targets, state, kpi_ids))
    assert report.summary == expected
    assert report.summary.total == sum(len(entry.targets) for entry in report.entries) > 0
    assert report.summary_line() == expected.text


def test_nice_ticks_end_at_the_first_round_value_above_the_data():
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 27.4) == [0, 10, 20, 30]


def test_line_chart_draws_gaps_targets_and_provisional_years():
    points = [
        Point("2019-20", 10.0),
        Point("2020-21", None),
        Point("2021-22", 12.0),
        Point("2022-23", 14.0, provisional=True),
    ]
    svg = line_chart_svg(points, [Level(20.0, "target ≥ 20")], title="Rate", suffix="%")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    # A missing year splits the line: one polyline of one point, one of two.
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 3 and svg.count('fill="white"') == 1
    assert "target ≥ 20" in svg and 'stroke-dasharray="4 3"' in svg
    assert "2019-20" in svg and "2022-23" in svg
    assert "20%" in svg  # the axis reaches the target


def test_line_chart_without_values_says_so():
    svg = line_chart_svg([Point("2019-20", None)], title="Rate")
    assert "No value to show" in svg and "<polyline" not in svg


def test_commentary_is_printed_with_its_byline_as_text(report_environment, tmp_path, monkeypatch):
    (entry,) = [e for e in report_entries() if e.kpi.id == "intl_share_master"]
    commentary = tmp_path / "commentary.csv"
    commentary.write_text(
        "kpi_id,academic_year,scope,text,author,written_on\n"
        f"intl_share_master,{entry.year},university,"
        '"Above the <b>floor</b> again, as planned",A. de Vries (board office),2025-11-12\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("INTL_KPI_COMMENTARY", str(commentary))
    text = " ".join(run_report(report_environment, tmp_path / "board.pdf").split())
    assert "Above the <b>floor</b> again, as planned" in text  # text, never markup
    assert "A. de Vries (board office), 12 November 2025" in text  # the date in words
