"""The local user store and ``intl-kpi users``: hashed passwords, roles with faculties,
atomic owner-only file next to the database, and the CLI invoked in-process."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.settings import Settings
from etl.users import (
    ADMIN,
    ANALYST,
    BOARD,
    DATA_DETAILS,
    DOWNLOAD,
    FACULTY_MANAGER,
    MANAGE_USERS,
    UserError,
    UserStore,
    role_scope,
    users_file,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    return UserStore(tmp_path / "users.json")


def test_passwords_are_stored_only_as_salted_scrypt_hashes(store):
    store.add("ann", FACULTY_MANAGER, PASSWORD, faculty="Law")
    store.add("bob", BOARD, PASSWORD)
    text = store.path.read_text()
    assert PASSWORD not in text
    hashes = [entry["password_hash"] for entry in json.loads(text)["users"]]
    assert all(h.startswith("scrypt:") for h in hashes)
    assert hashes[0] != hashes[1], "same password, different salt"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_verification_accepts_only_the_right_password(store):
    store.add("ann", FACULTY_MANAGER, PASSWORD, faculty="Law")
    user = store.verify("ann", PASSWORD)
    assert user is not None and user.role == FACULTY_MANAGER and user.faculty == "Law"
    assert store.verify("ann", PASSWORD + "!") is None
    assert store.verify("ann", "") is None
    assert store.verify("nobody", PASSWORD) is None


def test_a_new_password_replaces_the_old_one(store):
    store.add("ann", ANALYST, PASSWORD)
    before = store.get("ann")
    store.set_password("ann", "another long password")
    assert store.verify("ann", PASSWORD) is None
    assert store.verify("ann", "another long password") is not None
    assert store.get("ann").password_hash != before.password_hash


@pytest.mark.parametrize(
    ("name", "role", "faculty", "password", "message"),
    [
        ("ann", FACULTY_MANAGER, None, PASSWORD, "needs --faculty"),
        ("ann", BOARD, "Law", PASSWORD, "only a faculty_manager"),
        ("ann", "root", None, PASSWORD, "unknown role"),
        ("ann", ANALYST, None, "short", "at least 12"),
        ("a b", ANALYST, None, PASSWORD, "not a user name"),
        ("../etc", ANALYST, None, PASSWORD, "not a user name"),
    ],
)
def test_bad_users_are_refused(store, name, role, faculty, password, message):
    with pytest.raises(UserError, match=message):
        store.add(name, role, password, faculty)
    assert not store.path.exists()


def test_roles_map_to_scopes_and_permissions():
    assert role_scope(BOARD, None) is None
    assert role_scope(ANALYST, None) is None
    assert role_scope(FACULTY_MANAGER, "Law") == ("Law",)
    assert role_scope(ADMIN, None) == ()
    assert role_scope("unknown", None) == ()
    store_user = {
        BOARD: {DOWNLOAD, DATA_DETAILS},
        FACULTY_MANAGER: {DOWNLOAD},
        ANALYST: {DOWNLOAD, DATA_DETAILS},
        ADMIN: {MANAGE_USERS},
    }
    from etl.users import Access

    for role, allowed in store_user.items():
        access = Access("x", role, None)
        for permission in (DOWNLOAD, DATA_DETAILS, MANAGE_USERS):
            assert access.can(permission) == (permission in allowed), (role, permission)


def test_the_users_file_sits_next_to_the_database(settings: Settings, tmp_path: Path):
    assert users_file(settings) == settings.database.parent / "users.json"
    other = Settings.from_env({"INTL_KPI_USERS": str(tmp_path / "elsewhere.json")})
    assert users_file(other) == tmp_path / "elsewhere.json"


def _run(args: list[str], database: Path, stdin: str | None = None):
    return CliRunner().invoke(main, [*args, "--database", str(database)], input=stdin)


def test_the_users_command_adds_lists_changes_and_removes(tmp_path: Path):
    database = tmp_path / "db" / "intl_kpi.duckdb"
    result = _run(
        ["users", "add", "ann", "--role", "faculty_manager", "--faculty", "Law"],
        database,
        f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Added ann (faculty_manager of Law)" in result.output
    store = UserStore(database.parent / "users.json")
    assert store.verify("ann", PASSWORD) is not None

    result = _run(["users", "add", "bob", "--role", "board", "--password-stdin"], database,
                  PASSWORD + "\n")  # fmt: skip
    assert result.exit_code == 0, result.output

    result = _run(["users", "list"], database)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.split()[:3] == ["ann", "faculty_manager", "Law"] for line in lines)
    assert any(line.split()[:3] == ["bob", "board", "-"] for line in lines)
    assert "scrypt" not in result.output

    result = _run(["users", "passwd", "bob", "--password-stdin"], database, "new password 123\n")
    assert result.exit_code == 0, result.output
    assert store.verify("bob", "new password 123") is not None
    assert store.verify("bob", PASSWORD) is None

    result = _run(["users", "remove", "ann"], database)
    assert result.exit_code == 0, result.output
    assert store.get("ann") is None and store.get("bob") is not None


def test_the_users_command_explains_mistakes(tmp_path: Path):
    database = tmp_path / "intl_kpi.duckdb"
    result = _run(["users", "add", "ann", "--role", "faculty_manager", "--password-stdin"],
                  database, PASSWORD + "\n")  # fmt: skip
    assert result.exit_code == 1
    assert "needs --faculty" in result.output
    assert "Traceback" not in result.output
    result = _run(["users", "add", "ann", "--role", "analyst"], database, "one\ntwo\n")
    assert result.exit_code != 0  # the two entries differ: asked again until input ends
    result = _run(["users", "remove", "ghost"], database)
    assert result.exit_code == 1 and "no user 'ghost'" in result.output
    result = _run(["users", "passwd", "ghost", "--password-stdin"], database, PASSWORD + "\n")
    assert result.exit_code == 1 and "no user 'ghost'" in result.output
    result = _run(["users", "add", "ann", "--role", "wizard"], database)
    assert result.exit_code == 2  # click's choice check


def test_adding_a_manager_of_an_unknown_faculty_warns(tmp_path: Path):
    import duckdb

    database = tmp_path / "intl_kpi.duckdb"
    connection = duckdb.connect(str(database))
    connection.execute("create table programmes (faculty varchar)")
    connection.execute("create table staff (faculty varchar)")
    connection.execute("insert into programmes values ('Law'), ('Science')")
    connection.execute("insert into staff values ('Humanities'), (null)")
    connection.close()
    args = ["users", "add", "ann", "--role", "faculty_manager", "--password-stdin"]
    result = _run([*args, "--faculty", "Lwa"], database, PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "no faculty 'Lwa' (it has: Humanities, Law, Science)" in result.output
    result = _run([*args[:2], "bob", *args[3:], "--faculty", "Law"], database, PASSWORD + "\n")
    assert result.exit_code == 0 and "Warning" not in result.output
