"""A load replaces only what its files cover (years x faculties, programmes or the whole
university), shows the change per table and year, and refuses a large drop."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.pipeline import LoadFailed, load_files
from tests.conftest import query

FIXTURES = Path(__file__).parent.parent / "fixtures" / "canonical"
ENROLMENT_HEADER = ["academic_year", "headcount", "programme_code", "nationality"]

# Each faculty's rows in every table that has a faculty (enrolments and graduates through
# their programme), with the id of the load that wrote them.
FACULTY_QUERIES = {
    "enrolments": "select e.* from enrolments e join programmes p using (programme_code) "
    "where p.faculty = ? order by all",
    "graduates": "select g.* from graduates g join programmes p using (programme_code) "
    "where p.faculty = ? order by all",
    "staff": "select * from staff where faculty = ? order by all",
    "mobility": "select * from mobility where faculty = ? order by all",
    "network_activities": "select * from network_activities where faculty = ? order by all",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def faculty_rows(database: Path, faculty: str) -> dict[str, list[tuple]]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return {
            table: connection.execute(sql, [faculty]).fetchall()
            for table, sql in FACULTY_QUERIES.items()
        }
    finally:
        connection.close()


def headcount_by_faculty(database: Path) -> dict[tuple[int, str], int]:
    rows = query(
        database,
        "select academic_year, p.faculty, sum(headcount) from enrolments "
        "join programmes p using (programme_code) group by all",
    )
    return {(year, faculty): int(total) for year, faculty, total in rows}


@pytest.fixture
def full(settings, write_csv) -> Path:
    """The canonical fixtures (2019-20: Humanities 2, Science 16, Law 3 students) plus a
    2020-21 year for every faculty."""
    load_files([FIXTURES], settings)
    later = write_csv(
        "enrolments_2020.csv",
        [
            ENROLMENT_HEADER,
            ["2020", "5", "50001", "NL"],
            ["2020", "20", "50002", "DE"],
            ["2020", "4", "60001", "BE"],
        ],
    )
    load_files([later], settings)
    return settings.database


def test_one_faculty_file_leaves_every_other_faculty_byte_identical(settings, full, write_csv):
    others = {faculty: faculty_rows(full, faculty) for faculty in ("Humanities", "Law", "Central")}
    science_2020 = query(
        full, "select * from enrolments where academic_year = 2020 and programme_code = '50002'"
    )
    science = write_csv(
        "enrolments_science_2019.csv",
        [ENROLMENT_HEADER, ["2019", "14", "50002", "NL"], ["2019", "1", "70001", "CN"]],
    )
    staff = write_csv(
        "staff_science.csv",
        [
            ["reference_year", "staff_key", "faculty", "category", "staff_type", "nationality"],
            ["2019", "E1", "Science", "professor", "academic", "NL"],
            ["2019", "E2", "Science", "lecturer", "academic", "IT"],
            ["2019", "E9", "Science", "researcher", "academic", "FR"],
        ],
    )
    result = load_files([science, staff], settings)

    for faculty, rows in others.items():
        assert faculty_rows(full, faculty) == rows, faculty
    assert headcount_by_faculty(full) == {
        (2019, "Humanities"): 2,
        (2019, "Law"): 3,
        (2019, "Science"): 15,  # was 12 + 3 (50002) + 1 (70001)
        (2020, "Humanities"): 5,
        (2020, "Law"): 4,
        (2020, "Science"): 20,
    }
    # Science's other year is untouched too.
    assert (
        query(
            full, "select * from enrolments where academic_year = 2020 and programme_code = '50002'"
        )
        == science_2020
    )
    assert query(full, "select staff_key from staff where faculty = 'Science' order by 1") == [
        ("E1",),
        ("E2",),
        ("E9",),
    ]
    # The change per table and year: 21 -> 20 students in 2019-20, 27 -> 28 staff.
    changes = result.changes.set_index(["entity", "academic_year"])
    assert changes.loc[("enrolments", 2019), "headcount_before"] == 21
    assert changes.loc[("enrolments", 2019), "headcount_after"] == 20
    assert changes.loc[("enrolments", 2019), "rows_before"] == 8
    assert changes.loc[("enrolments", 2019), "rows_after"] == 7  # 8 - 3 Science rows + 2
    assert changes.loc[("staff", 2019), "headcount_before"] == 27
    assert changes.loc[("staff", 2019), "headcount_after"] == 28
    assert 2020 not in set(result.changes["academic_year"])


def test_programme_scope_keeps_the_faculty_s_other_programmes(settings, full, write_csv):
    physics = write_csv("enrolments_physics.csv", [ENROLMENT_HEADER, ["2019", "16", "50002", "NL"]])
    load_files([physics], settings, scope="programme")
    # 70001 (Science's PhD programme, 1 student) survives; 50002 becomes 16.
    assert headcount_by_faculty(full)[(2019, "Science")] == 17
    assert query(full, "select sum(headcount) from enrolments where programme_code = '70001'") == [
        (1,)
    ]


def test_university_scope_replaces_every_faculty_of_the_year(settings, full, write_csv):
    everything = write_csv(
        "enrolments_all_2019.csv",
        [ENROLMENT_HEADER, ["2019", "18", "50002", "NL"], ["2019", "3", "60001", "NL"]],
    )
    load_files([everything], settings, scope="university")
    totals = headcount_by_faculty(full)
    assert (2019, "Humanities") not in totals
    assert totals[(2019, "Science")] == 18 and totals[(2019, "Law")] == 3
    assert totals[(2020, "Humanities")] == 5


def test_a_row_without_faculty_covers_the_whole_university(settings, full, write_csv):
    # The fixture's incoming student (Law) is replaced by a file that names no faculty.
    incoming = write_csv(
        "mobility_in.csv",
        [
            ["participant", "direction", "activity", "academic_year", "headcount"],
            ["student", "incoming", "study", "2019", "7"],
        ],
    )
    load_files([incoming], settings)
    assert query(
        full,
        "select faculty, sum(headcount) from mobility where direction = 'incoming' group by all",
    ) == [(None, 7)]


def test_a_shrink_beyond_the_limit_is_refused_and_nothing_changes(settings, full, write_csv):
    before = sha256(full)
    # Science 2019-20: 16 students -> 1, the university 21 -> 6 (-71.4%).
    science = write_csv("enrolments_science.csv", [ENROLMENT_HEADER, ["2019", "1", "50002", "NL"]])
    with pytest.raises(LoadFailed) as refused:
        load_files([science], settings)
    message = str(refused.value)
    assert "enrolments 2019-20 enrolled" in message
    assert "headcount 21 -> 6 (-71.4%)" in message
    assert "more than 20% of a year's headcount" in message
    assert "--allow-shrink" in message
    assert sha256(full) == before
    assert list(full.parent.glob(f".{full.name}.tmp-*")) == []

    # A drop within the limit (21 -> 19, -9.5%) publishes.
    small = write_csv("enrolments_science.csv", [ENROLMENT_HEADER, ["2019", "14", "50002", "NL"]])
    assert load_files([small], settings).published


def test_allow_shrink_and_a_higher_limit_let_the_drop_through(settings, full, write_csv):
    science = write_csv("enrolments_science.csv", [ENROLMENT_HEADER, ["2019", "1", "50002", "NL"]])
    lenient = dataclasses.replace(settings, shrink_limit=75.0)
    assert load_files([science], lenient).published
    assert headcount_by_faculty(full)[(2019, "Science")] == 1
    nothing = write_csv("enrolments_law.csv", [ENROLMENT_HEADER, ["2019", "0", "60001", "NL"]])
    with pytest.raises(LoadFailed, match=r"headcount 6 -> 3 \(-50.0%\)"):
        load_files([nothing], settings)
    assert load_files([nothing], settings, allow_shrink=True).published


def test_the_command_line_shows_the_change_and_refuses_a_shrink(settings, full, write_csv):
    database = str(full)
    before = sha256(full)
    science = write_csv("enrolments_science.csv", [ENROLMENT_HEADER, ["2019", "1", "50002", "NL"]])
    runner = CliRunner()
    refused = runner.invoke(main, ["load", str(science), "--database", database])
    assert refused.exit_code == 1
    assert "Change per table and year" in refused.output
    assert "enrolments 2019-20 enrolled: rows 8 -> 6, headcount 21 -> 6 (-71.4%)" in (
        refused.output
    )
    assert "nothing was published" in refused.output
    assert sha256(full) == before

    allowed = runner.invoke(main, ["load", str(science), "--allow-shrink", "--database", database])
    assert allowed.exit_code == 0, allowed.output
    assert "Published data version 3" in allowed.output
    assert headcount_by_faculty(full)[(2019, "Science")] == 1

    everything = runner.invoke(
        main,
        ["load", str(science), "--scope", "university", "--allow-shrink", "--database", database],
    )
    assert everything.exit_code == 0, everything.output
    assert "headcount 6 -> 1" in everything.output
    assert headcount_by_faculty(full) == {
        (2019, "Science"): 1,
        (2020, "Humanities"): 5,
        (2020, "Law"): 4,
        (2020, "Science"): 20,
    }


def test_the_issue_s_case_a_science_export_into_the_demo_university(tmp_path):
    """Issue 10: Science's 2019-20 enrolment export loaded into the full demo database used
    to replace every faculty's 2019-20 enrolments (31,071 students -> 2,035)."""
    from etl.demo import generate_demo
    from etl.settings import Settings

    settings = Settings.from_env({}, database=tmp_path / "demo.duckdb", lock_timeout=5)
    load_files(generate_demo(tmp_path / "demo", scale=0.05), settings, demo=True, fresh=True)
    database = settings.database
    faculties = [f for (f,) in query(database, "select distinct faculty from programmes")]
    others = {f: faculty_rows(database, f) for f in faculties if f != "Science"}
    totals = query(
        database,
        "select academic_year, population, sum(headcount) from enrolments group by all "
        "order by all",
    )
    # Science's own export of 2019-20, aggregated the way a faculty office would send it.
    export = tmp_path / "enrolments_science_2019.csv"
    connection = duckdb.connect(str(database), read_only=True)
    try:
        connection.execute(
            f"""
            copy (
                select academic_year, programme_code, nationality, gender, enrolment_type,
                       sum(headcount) as headcount
                from enrolments join programmes using (programme_code)
                where faculty = 'Science' and academic_year = 2019 and population = 'enrolled'
                group by all
            ) to '{export}' (header)
            """
        )
    finally:
        connection.close()

    result = load_files([export], settings)

    for faculty, rows in others.items():
        assert faculty_rows(database, faculty) == rows, faculty
    assert (
        query(
            database,
            "select academic_year, population, sum(headcount) from enrolments group by all "
            "order by all",
        )
        == totals
    )
    change = result.changes.iloc[0]
    assert (change.entity, change.academic_year) == ("enrolments", 2019)
    assert change.headcount_before == change.headcount_after > 0
