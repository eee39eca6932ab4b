"""Published versions are kept, listed by ``intl-kpi history`` and republished atomically by
``intl-kpi rollback``."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.pipeline import load_files
from etl.store import NoSuchVersion, rollback, snapshot_path, snapshot_versions
from tests.conftest import query

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def three_versions(settings, write_csv) -> tuple[Path, list[str]]:
    """Versions 1 (fixtures), 2 (an extra network) and 3 (another one), with the published
    file's sha256 after each."""
    database = settings.database
    shas = []
    load_files([FIXTURES], settings)
    shas.append(sha256(database))
    header = ["network_code", "network_name", "member_since"]
    load_files([write_csv("networks_a.csv", [header, ["EUA", "EUA", "2001"]])], settings)
    shas.append(sha256(database))
    load_files([write_csv("networks_b.csv", [header, ["UNICA", "UNICA", "2005"]])], settings)
    shas.append(sha256(database))
    return database, shas


def test_every_published_version_is_kept_byte_for_byte(three_versions):
    database, shas = three_versions
    assert snapshot_versions(database) == [1, 2, 3]
    assert [sha256(snapshot_path(database, v)) for v in (1, 2, 3)] == shas


def test_rollback_restores_the_previous_version_s_sha256(settings, three_versions):
    database, shas = three_versions
    assert rollback(database, settings.lock_timeout) == 2
    assert sha256(database) == shas[1]
    assert query(database, "select count(*) from networks") == [(3,)]
    # Rolling back again goes one further; a named version is republished as it was.
    assert rollback(database, settings.lock_timeout) == 1
    assert sha256(database) == shas[0]
    assert rollback(database, settings.lock_timeout, version=3) == 3
    assert sha256(database) == shas[2]
    assert list(database.parent.glob(f".{database.name}.tmp-*")) == []


def test_a_load_after_a_rollback_never_reuses_a_version_number(settings, three_versions, write_csv):
    database, _ = three_versions
    rollback(database, settings.lock_timeout, version=1)
    header = ["network_code", "network_name", "member_since"]
    load_files([write_csv("networks_c.csv", [header, ["CG", "Coimbra Group", "1985"]])], settings)
    # Version 2 and 3 existed with other contents: the new one is 4.
    assert query(database, "select value from meta where key = 'data_version'") == [("4",)]
    assert query(database, "select count(*) from networks") == [(3,)]  # 2 fixtures + CG


def test_only_the_last_n_versions_are_kept(settings, write_csv):
    settings = dataclasses.replace(settings, versions_kept=2)
    header = ["network_code", "network_name", "member_since"]
    for index in range(4):
        load_files(
            [write_csv(f"networks_{index}.csv", [header, [f"N{index}", "N", "2001"]])], settings
        )
    assert snapshot_versions(settings.database) == [3, 4]
    none_kept = dataclasses.replace(settings, versions_kept=0)
    load_files([write_csv("networks_x.csv", [header, ["NX", "N", "2001"]])], none_kept)
    assert snapshot_versions(settings.database) == [3, 4]


def test_rollback_without_an_older_version_says_so(settings, write_csv):
    load_files([FIXTURES], settings)
    before = sha256(settings.database)
    with pytest.raises(NoSuchVersion, match="no kept version older than the published version 1"):
        rollback(settings.database, settings.lock_timeout)
    with pytest.raises(NoSuchVersion, match="version 7 is not kept; kept: 1"):
        rollback(settings.database, settings.lock_timeout, version=7)
    assert sha256(settings.database) == before


def test_open_readers_keep_their_snapshot_during_a_rollback(settings, three_versions):
    database, _ = three_versions
    reader = duckdb.connect(str(database), read_only=True)
    try:
        assert reader.execute("select count(*) from networks").fetchall() == [(4,)]
        rollback(database, settings.lock_timeout, version=1)
        assert reader.execute("select count(*) from networks").fetchall() == [(4,)]
    finally:
        reader.close()
    assert query(database, "select count(*) from networks") == [(2,)]


def test_history_and_rollback_commands(three_versions):
    database, shas = three_versions
    runner = CliRunner()
    listed = runner.invoke(main, ["history", "--database", str(database)])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[1].startswith("* version 3, published ") and "<- published now" in lines[1]
    assert lines[2] == "    files: networks_b.csv (1 row(s))"
    assert "networks 4" in lines[3] and "enrolments 8 (21)" in lines[3]
    assert any(line.startswith("  version 1, published ") for line in lines)
    assert "    files: " in listed.output and "enrolments.csv (8 row(s))" in listed.output

    rolled = runner.invoke(main, ["rollback", "--database", str(database)])
    assert rolled.exit_code == 0, rolled.output
    assert "Published version 2 again" in rolled.output
    assert sha256(database) == shas[1]
    listed = runner.invoke(main, ["history", "--database", str(database)])
    assert "* version 2" in listed.output and "* version 3" not in listed.output

    missing = runner.invoke(main, ["rollback", "9", "--database", str(database)])
    assert missing.exit_code == 1
    assert "version 9 is not kept; kept: 1, 2, 3" in missing.output
    assert sha256(database) == shas[1]
