"""The dashboard's roles and its local user store (sign-in without any external service).

Shared by ``intl-kpi users`` and the dashboard's sign-in, so it imports neither Dash nor
the KPI layer. Users live in a JSON file next to the published database (``users.json`` by
default, the ``INTL_KPI_USERS`` setting): never inside the database, which every load
replaces. Passwords are stored only as salted scrypt hashes (``werkzeug.security``, which
comes with Flask); the file is written atomically with owner-only permissions, and a lock
file keeps two ``intl-kpi users`` commands from losing each other's edits.

Roles (what each may do is enforced by the dashboard's query layer and request guard):

- ``board``: every KPI page, every faculty; CSV/Excel downloads of the charts it sees
  (the same protected figures as the chart's table, so refusing them would protect
  nothing); the Data page in full.
- ``faculty_manager``: only the figures and programmes of one faculty, everywhere (charts,
  tables, overview, downloads); KPIs without a faculty dimension show nothing; the Data
  page shows definitions and targets only (its load details are university-wide).
- ``analyst``: everything, including downloads and the Data page's load details.
- ``admin``: user management; no KPI figures (loads stay on the command line).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock
from werkzeug.security import check_password_hash, generate_password_hash

BOARD = "board"
FACULTY_MANAGER = "faculty_manager"
ANALYST = "analyst"
ADMIN = "admin"
ROLES = (BOARD, FACULTY_MANAGER, ANALYST, ADMIN)

# What a role may do besides reading KPI figures within its faculty scope.
DOWNLOAD = "download"
DATA_DETAILS = "data_details"  # the Data page's load history, row counts, findings
MANAGE_USERS = "manage_users"
PERMISSIONS: dict[str, frozenset[str]] = {
    BOARD: frozenset({DOWNLOAD, DATA_DETAILS}),
    FACULTY_MANAGER: frozenset({DOWNLOAD}),
    ANALYST: frozenset({DOWNLOAD, DATA_DETAILS}),
    ADMIN: frozenset({MANAGE_USERS}),
}

PASSWORD_METHOD = "scrypt"  # werkzeug's scrypt: n=2**15, r=8, p=1, 16-byte salt
MIN_PASSWORD_LENGTH = 12
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# Checked when a name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone", method=PASSWORD_METHOD)


class UserError(ValueError):
    """A user-store request that cannot be carried out (message for a person)."""


@dataclass(frozen=True)
class Access:
    """Who is asking and what they may see: the one value the query layer is scoped by."""

    name: str
    role: str
    # The faculties whose figures may be shown; ``None`` means every faculty.
    faculties: tuple[str, ...] | None
    display_name: str = ""

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    @property
    def label(self) -> str:
        return self.display_name or self.name


def role_scope(role: str, faculty: str | None) -> tuple[str, ...] | None:
    """The faculties a role may see: all (``None``), one, or none (an admin)."""
    if role in (BOARD, ANALYST):
        return None
    if role == FACULTY_MANAGER:
        return (faculty,) if faculty else ()
    return ()


def check_role(role: str, faculty: str | None) -> None:
    """A faculty manager needs a faculty; nobody else has one."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if role == FACULTY_MANAGER and not (faculty or "").strip():
        raise UserError("a faculty_manager needs --faculty (the faculty's name as loaded)")
    if role != FACULTY_MANAGER and faculty:
        raise UserError(f"only a faculty_manager has a faculty, not a {role}")


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


@dataclass(frozen=True)
class User:
    """One local user as stored (the password only as a hash)."""

    name: str
    role: str
    faculty: str | None
    password_hash: str
    created_at: str
    password_changed_at: str

    @property
    def access(self) -> Access:
        return Access(self.name, self.role, role_scope(self.role, self.faculty))


def default_users_file(database: Path) -> Path:
    """``users.json`` in the published database's folder."""
    return Path(database).parent / "users.json"


def users_file(settings: object) -> Path:
    """The user store of the settings (``INTL_KPI_USERS``, else next to the database)."""
    configured = str(getattr(settings, "users_file", "") or "")
    return Path(configured) if configured else default_users_file(settings.database)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _password_stamp() -> str:
    """When a password was set, to the microsecond: a signed-in session names it, so a new
    password ends the session even when set within the same second (seen in the suite)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class UserStore:
    """The users of one ``users.json``; every method re-reads the file (other processes
    edit it), writes replace it atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=10)

    def _read(self) -> dict[str, User]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text)
            return {entry["name"]: User(**entry) for entry in data.get("users", [])}
        except (ValueError, TypeError, KeyError) as error:
            raise UserError(f"{self.path} is not a valid user file: {error}") from error

    def _write(self, users: dict[str, User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"users": [asdict(user) for user in sorted(users.values(), key=_by_name)]}
        handle, temporary = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)
        try:
            os.fchmod(handle, 0o600)  # password hashes: owner only
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(payload, file, indent=2)
                file.write("\n")
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def __iter__(self) -> Iterator[User]:
        return iter(sorted(self._read().values(), key=_by_name))

    def get(self, name: str) -> User | None:
        return self._read().get(name)

    def add(self, name: str, role: str, password: str, faculty: str | None = None) -> User:
        if not _NAME.match(name):
            raise UserError(f"{name!r} is not a user name (letters, digits and . _ @ -, up to 64)")
        faculty = faculty.strip() if faculty else None
        check_role(role, faculty)
        check_password_strength(password)
        with self._lock:
            users = self._read()
            if name in users:
                raise UserError(f"user {name!r} exists already (use `users passwd` or remove)")
            now = _now()
            user = User(
                name=name,
                role=role,
                faculty=faculty,
                password_hash=generate_password_hash(password, method=PASSWORD_METHOD),
                created_at=now,
                password_changed_at=_password_stamp(),
            )
            users[name] = user
            self._write(users)
        return user

    def remove(self, name: str) -> None:
        with self._lock:
            users = self._read()
            if name not in users:
                raise UserError(f"there is no user {name!r}")
            del users[name]
            self._write(users)

    def set_password(self, name: str, password: str) -> None:
        check_password_strength(password)
        with self._lock:
            users = self._read()
            if name not in users:
                raise UserError(f"there is no user {name!r}")
            old = users[name]
            users[name] = User(
                **{
                    **asdict(old),
                    "password_hash": generate_password_hash(password, method=PASSWORD_METHOD),
                    "password_changed_at": _password_stamp(),
                }
            )
            self._write(users)

    def verify(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs, else ``None`` (same cost either way)."""
        user = self.get(name)
        if user is None:
            check_password_hash(_DUMMY_HASH, password)
            return None
        return user if check_password_hash(user.password_hash, password) else None


def _by_name(user: User) -> str:
    return user.name
