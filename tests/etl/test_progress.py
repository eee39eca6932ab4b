"""Progress and log lines: ``logging`` with -q/-v on the command line, plain lines when the
output is not a terminal, a progress bar when it is."""

from __future__ import annotations

import io
import logging
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from etl.cli import main
from etl.progress import configure_logging, heartbeat, progress

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"


def _load(tmp_path: Path, *options: str):
    database = tmp_path / "kpi.duckdb"
    return CliRunner().invoke(main, [*options, "load", str(FIXTURES), "--database", str(database)])


def test_a_load_logs_each_step(tmp_path):
    result = _load(tmp_path)
    assert result.exit_code == 0, result.output
    for line in (
        "Reading: 10 file(s) ...",
        "Validating: 10 file part(s) ...",
        "Writing: 10 table(s) ...",
        "Checking: ",
        "Change per table and year (rows, headcount before -> after):",
        "  enrolments 2019-20 enrolled: rows 0 -> 8, headcount 0 -> 21",
        "  staff 2019: rows 0 -> 3, headcount 0 -> 27",
        "Publishing data version 1",
    ):
        assert line in result.output, line
    # The per-file results are the command's output, not log lines: -q keeps them.
    assert "Published data version 1" in result.output


def test_quiet_shows_only_results_and_verbose_adds_debug_lines(tmp_path):
    quiet = _load(tmp_path, "-q")
    assert quiet.exit_code == 0, quiet.output
    assert "Reading" not in quiet.output and "Change per table" not in quiet.output
    assert "Published data version 1" in quiet.output

    verbose = _load(tmp_path, "-v")
    assert verbose.exit_code == 0, verbose.output
    # Debug lines carry time, level and logger.
    assert " DEBUG etl.pipeline: enrolments.csv: format enrolments, 8 row(s), sha256 " in (
        verbose.output
    )
    assert "etl.progress: Reading: 10 file(s) done in " in verbose.output
    assert " INFO etl.pipeline: Publishing data version 2" in verbose.output


def test_plain_lines_report_a_slow_step_as_it_goes(capsys):
    configure_logging(0)
    try:
        with progress("Reading", 3, "file(s)", interval=0.05) as step:
            for name in ("a.csv", "b.csv", "c.csv"):
                time.sleep(0.06)
                step.advance(item=name)
    finally:
        logging.getLogger("etl").handlers.clear()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "Reading: 3 file(s) ..."
    assert lines[1].startswith("Reading: 1/3 (a.csv), ")
    assert lines[2].startswith("Reading: 2/3 (b.csv), ")
    assert lines[3].startswith("Reading: 3 file(s) done in ")
    assert len(lines) == 4


def test_a_long_item_gets_a_line_every_beat(capsys):
    configure_logging(0)
    try:
        with progress("Validating", 2, "file part(s)", interval=0.1, beat=0.2) as step:
            step.working_on("enrolments.parquet: enrolments")
            time.sleep(0.7)
            step.advance(item="enrolments.parquet: enrolments")
            step.working_on("staff.parquet: staff")
            step.advance(item="staff.parquet: staff")
    finally:
        logging.getLogger("etl").handlers.clear()
    lines = capsys.readouterr().err.splitlines()
    beats = [line for line in lines if "working on" in line]
    assert beats and all(
        line.startswith("Validating: 0/2, working on enrolments.parquet: enrolments for ")
        for line in beats
    ), lines
    assert lines[-1].startswith("Validating: 2 file part(s) done in ")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    configure_logging(0)
    try:
        with progress("Writing", 2, "table(s)") as step:
            step.advance(item="enrolments")
            step.advance(item="staff")
    finally:
        logging.getLogger("etl").handlers.clear()
    shown = terminal.getvalue()
    assert "1/2  enrolments" in shown and "2/2  staff" in shown
    assert "table(s) ..." not in shown  # the bar replaces the plain lines


def test_a_step_without_items_beats_while_it_runs(capsys):
    configure_logging(0)
    try:
        with heartbeat("Generating the demo university", interval=0.1):
            time.sleep(0.45)
    finally:
        logging.getLogger("etl").handlers.clear()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "Generating the demo university ..."
    assert len(lines) >= 3
    assert all(
        line.startswith("Generating the demo university: still running, ") for line in lines[1:]
    )


def test_the_demo_reports_progress_as_it_goes(tmp_path):
    database = tmp_path / "demo.duckdb"
    result = CliRunner().invoke(
        main,
        ["demo", "--scale", "0.05", "--output", str(tmp_path / "in"), "--database", str(database)],
    )
    assert result.exit_code == 0, result.output
    order = [
        "Generating the demo university (scale 0.05, seed 42)",
        "Generated 10 files",
        "Reading: 10 file(s) ...",
        "Validating: 10 file part(s) ...",
        "Writing: 10 table(s) ...",
        "New database: ",
        "Checking: ",
        "Publishing data version 1",
        "Published data version 1",
    ]
    positions = [result.output.index(text) for text in order]
    assert positions == sorted(positions), result.output
