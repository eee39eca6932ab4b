"""Nothing is lost, nothing is half-published: failed and killed loads leave the published
file byte-for-byte unchanged, readers keep their snapshot, re-loads replace, and concurrent
loads do not corrupt each other."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import etl.pipeline
from etl.pipeline import LoadFailed, load_files
from etl.store import LoadBusy, load_lock
from tests.conftest import query

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"
ROOT = Path(__file__).parents[2]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temp_files(database: Path) -> list[Path]:
    return list(database.parent.glob(f".{database.name}.tmp-*"))


@pytest.fixture
def published(settings) -> Path:
    load_files([FIXTURES], settings)
    return settings.database


def test_a_load_with_rejects_leaves_the_published_file_unchanged(settings, published, write_csv):
    before = sha256(published)
    bad = write_csv(
        "enrolments.csv",
        [["academic_year", "student_key", "programme_code"], ["2019", "X", "nope"]],
    )
    with pytest.raises(LoadFailed):
        load_files([bad], settings)
    assert sha256(published) == before
    assert temp_files(published) == []


@pytest.mark.parametrize("failing_step", ["_record_history", "run_checks", "_write_meta"])
def test_a_failure_while_publishing_leaves_the_published_file_unchanged(
    settings, published, monkeypatch, failing_step
):
    before = sha256(published)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(etl.pipeline, failing_step, explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        load_files([FIXTURES / "enrolments.csv"], settings)
    assert sha256(published) == before
    assert temp_files(published) == []


def test_a_killed_load_leaves_the_published_file_unchanged(settings, published, tmp_path):
    before = sha256(published)
    # A load big enough to be caught in the middle: 400,000 aggregated enrolment rows.
    big = tmp_path / "enrolments_big.csv"
    with big.open("w") as handle:
        handle.write("academic_year,headcount,programme_code,nationality,gender,study_mode\n")
        for index in range(400_000):
            handle.write(f"{2000 + index % 20},1,50001,NL,female,{index}\n")
    environment = {**os.environ, "INTL_KPI_DATABASE": str(published)}
    process = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "load", str(big)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not temp_files(published) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert temp_files(published), "the load never started writing its snapshot"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert sha256(published) == before
    # The next load cleans up what the killed one left and publishes normally.
    load_files([FIXTURES / "networks.csv"], settings)
    assert temp_files(published) == []
    assert query(published, "select value from meta where key = 'data_version'") == [("2",)]


def test_open_readers_keep_their_snapshot(settings, published, write_csv):
    reader = duckdb.connect(str(published), read_only=True)
    try:
        assert reader.execute("select count(*) from networks").fetchall() == [(2,)]
        extra = write_csv(
            "networks.csv",
            [["network_code", "network_name", "member_since"], ["EUA", "EUA", "2001"]],
        )
        load_files([extra], settings)
        assert reader.execute("select count(*) from networks").fetchall() == [(2,)]
    finally:
        reader.close()
    assert query(published, "select count(*) from networks") == [(3,)]


def test_reloading_the_same_files_does_not_duplicate(settings, published):
    counts = query(
        published, "select (select count(*) from enrolments), (select count(*) from mobility)"
    )
    load_files([FIXTURES], settings)
    assert (
        query(
            published, "select (select count(*) from enrolments), (select count(*) from mobility)"
        )
        == counts
    )
    assert query(published, "select value from meta where key = 'data_version'") == [("2",)]


def test_a_corrected_file_replaces_that_years_rows_only(settings, published, write_csv):
    header = ["academic_year", "headcount", "programme_code", "nationality"]
    later = write_csv("enrolments_2020.csv", [header, ["2020", "40", "50002", "NL"]])
    load_files([later], settings)
    corrected = write_csv("enrolments_2019.csv", [header, ["2019", "99", "50002", "NL"]])
    load_files([corrected], settings)
    # The corrected file covers Science (programme 50002) only: Science's 2019 rows (15 + 1)
    # become 99, Humanities' 2 and Law's 3 students of 2019 and the 2020 rows stay.
    assert query(
        published, "select academic_year, sum(headcount) from enrolments group by 1 order by 1"
    ) == [(2019, 104), (2020, 40)]
    university = write_csv("enrolments_all.csv", [header, ["2019", "99", "50002", "NL"]])
    load_files([university], settings, scope="university")
    assert query(
        published, "select academic_year, sum(headcount) from enrolments group by 1 order by 1"
    ) == [(2019, 99), (2020, 40)]


def test_mobility_reload_replaces_only_the_same_direction(settings, published, write_csv):
    header = ["participant", "direction", "activity", "academic_year", "headcount"]
    incoming = write_csv("mobility_in.csv", [header, ["student", "incoming", "study", "2019", "7"]])
    load_files([incoming], settings)
    rows = query(
        published,
        "select direction, participant, sum(headcount) from mobility group by all order by all",
    )
    # The fixture's outgoing student and staff rows survive; incoming students are replaced.
    assert rows == [
        ("incoming", "student", 7),
        ("outgoing", "staff", 1),
        ("outgoing", "student", 1),
    ]


def test_a_second_load_waits_for_the_first(settings, published, tmp_path):
    environment = {**os.environ, "INTL_KPI_DATABASE": str(published)}
    commands = [
        [sys.executable, "-m", "etl.cli", "load", str(FIXTURES / "staff.csv")],
        [sys.executable, "-m", "etl.cli", "load", str(FIXTURES / "agreements.csv")],
        [sys.executable, "-m", "etl.cli", "load", str(FIXTURES / "projects.csv")],
    ]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
        for command in commands
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    versions = sorted(
        line.split()[3]
        for out in outputs
        for line in out.splitlines()
        if line.startswith("Published")
    )
    assert versions == ["2", "3", "4"]
    assert query(published, "select count(*) from load_history where load_id > 1") == [(3,)]


def test_a_load_gives_up_with_a_clear_message_when_another_holds_the_lock(settings, published):
    impatient = settings.__class__.from_env({}, database=published, lock_timeout=0)
    with load_lock(published, timeout=1), pytest.raises(LoadBusy, match="another load"):
        load_files([FIXTURES / "staff.csv"], impatient)
