"""Publishing a new snapshot of the database atomically.

A load never writes to the published file. It takes the load lock (a second load waits,
then fails with a clear message), copies the published file to a temporary file in the
same folder, writes there, runs the checks, closes it (DuckDB checkpoints on close),
fsyncs it and ``os.replace``-s it over the published file. Readers that have the old file
open keep reading the old snapshot. A load that fails or is killed at any point leaves the
published file byte-for-byte unchanged; its temporary file is removed, or, after a kill,
by the next load.

Each published version is also kept in ``<database>.versions/v<N>.duckdb`` (the last
``keep_versions``; a hard link to the published file, so keeping it costs no copy, or a
copy where the file system has no hard links). :func:`rollback` republishes a kept version
the same way a load publishes: copy to a temporary file, fsync, ``os.replace``.

Every publish also builds the KPI layer's marts (:func:`build_marts`): the populations its
queries read, joined and grouped once per publish instead of on every query
(``etl/sql/marts/``: ``enrolled_students``, ``graduates_with_stays``, ``staff_groups``,
``staff_trips``, ``stays``, ``stay_groups``, ``qualifying_movers``, on the rules of
``etl/sql/marts/rules.sql``).
A file published before the marts existed (``meta.marts_version`` missing or older, e.g. an
old kept version after a rollback) still answers: the KPI layer then computes the marts as
views on every query, slower, and logs that a reload (or ``intl-kpi demo``) rebuilds them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from etl.schema import create_schema, sql_file

TEMP_MARKER = ".tmp-"
VERSIONS_SUFFIX = ".versions"
_VERSION_FILE = re.compile(r"^v(\d+)\.duckdb$")
# The KPI layer's marts, in build order (each one query in etl/sql/marts/<name>.sql); the
# version goes up when a mart changes its columns, so a reader can tell an older build.
MARTS = (
    "enrolled_students",
    "graduates_with_stays",
    "staff_groups",
    "staff_trips",
    "stays",
    "stay_groups",
    "qualifying_movers",
)
MARTS_VERSION = 3

logger = logging.getLogger(__name__)


class LoadBusy(RuntimeError):
    """Another load holds the lock for longer than the lock timeout."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _temp_files(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f".{database.name}{TEMP_MARKER}*"))


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def marts_rules_sql() -> str:
    """The rules of the KPI definitions as temporary macros (marts and KPI queries use them)."""
    return sql_file("marts/rules.sql")


def mart_sql(name: str) -> str:
    """The query that builds mart ``name`` (one of :data:`MARTS`)."""
    return sql_file(f"marts/{name}.sql")


def build_marts(connection: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every mart as a table of the snapshot being written, and record their
    version in ``meta``."""
    connection.execute(marts_rules_sql())
    for name in MARTS:
        connection.execute(f"create or replace table {name} as\n{mart_sql(name)}")
    connection.execute(
        "insert or replace into meta values ('marts_version', ?)", [str(MARTS_VERSION)]
    )


@contextlib.contextmanager
def load_lock(database: Path, timeout: float) -> Iterator[None]:
    """Hold the database's load lock; raise :class:`LoadBusy` after ``timeout`` seconds."""
    database.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(database)))
    try:
        lock.acquire(timeout=timeout)
    except Timeout as error:
        raise LoadBusy(
            f"another load of {database} is running (lock {lock_path(database)} is held); "
            f"waited {timeout:g} s. Try again when it has finished."
        ) from error
    try:
        yield
    finally:
        lock.release()


def versions_folder(database: Path) -> Path:
    return database.with_name(database.name + VERSIONS_SUFFIX)


def snapshot_path(database: Path, version: int) -> Path:
    return versions_folder(database) / f"v{version}.duckdb"


def snapshot_versions(database: Path) -> list[int]:
    """The kept versions, oldest first."""
    folder = versions_folder(database)
    if not folder.is_dir():
        return []
    found = (_VERSION_FILE.match(path.name) for path in folder.iterdir())
    return sorted(int(match[1]) for match in found if match)


def _published_version(connection: duckdb.DuckDBPyConnection) -> int:
    rows = connection.execute("select value from meta where key = 'data_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def _keep_version(database: Path, version: int, keep_versions: int) -> None:
    """Keep the just-published file as version ``version``; drop versions beyond the last
    ``keep_versions``. Called under the load lock, right after the publish."""
    if keep_versions <= 0 or version <= 0:
        return
    folder = versions_folder(database)
    folder.mkdir(exist_ok=True)
    target = snapshot_path(database, version)
    partial = folder / f".{target.name}{TEMP_MARKER}{uuid.uuid4().hex}"
    try:
        try:
            os.link(database, partial)
        except OSError:
            shutil.copyfile(database, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    for old in snapshot_versions(database)[:-keep_versions]:
        snapshot_path(database, old).unlink(missing_ok=True)
    for leftover in folder.glob(f".*{TEMP_MARKER}*"):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def new_snapshot(
    database: Path, fresh: bool = False, keep_versions: int = 0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of the published database, published when the block succeeds.

    Must be used while holding :func:`load_lock`. ``fresh`` starts from an empty database
    instead of a copy of the published one (the demo builds a whole new database).
    ``keep_versions`` > 0 keeps the published file as a version (see the module doc).
    """
    # Leftovers of killed loads: safe to delete, we hold the lock.
    for leftover in _temp_files(database):
        leftover.unlink(missing_ok=True)
    temp = database.with_name(f".{database.name}{TEMP_MARKER}{os.getpid()}-{uuid.uuid4().hex}")
    try:
        if database.exists() and not fresh:
            shutil.copyfile(database, temp)
        connection = duckdb.connect(str(temp))
        try:
            create_schema(connection)
            yield connection
            connection.execute("checkpoint")
            version = _published_version(connection)
        finally:
            connection.close()
        _fsync(temp)
        os.replace(temp, database)
        _fsync(database.parent)
        try:
            _keep_version(database, version, keep_versions)
        except OSError as error:
            # Published already: a version that could not be kept is worth a warning only.
            logger.warning("version %d was published but could not be kept: %s", version, error)
    finally:
        temp.unlink(missing_ok=True)
        Path(str(temp) + ".wal").unlink(missing_ok=True)


class NoSuchVersion(LookupError):
    """The requested version is not kept (or there is nothing to roll back to)."""


def rollback(database: Path, lock_timeout: float, version: int | None = None) -> int:
    """Republish kept ``version`` (default: the newest kept version older than the published
    one) atomically; return the version now published."""
    with load_lock(database, lock_timeout):
        kept = snapshot_versions(database)
        current = None
        if database.exists():
            connection = duckdb.connect(str(database), read_only=True)
            try:
                current = _published_version(connection)
            finally:
                connection.close()
        if version is None:
            older = [
                kept_version for kept_version in kept if current is None or kept_version < current
            ]
            if not older:
                raise NoSuchVersion(
                    f"no kept version older than the published version {current}; kept: "
                    + (", ".join(map(str, kept)) or "none")
                )
            version = older[-1]
        if version not in kept:
            raise NoSuchVersion(
                f"version {version} is not kept; kept: " + (", ".join(map(str, kept)) or "none")
            )
        source = snapshot_path(database, version)
        temp = database.with_name(f".{database.name}{TEMP_MARKER}{os.getpid()}-{uuid.uuid4().hex}")
        try:
            shutil.copyfile(source, temp)
            _fsync(temp)
            os.replace(temp, database)
            _fsync(database.parent)
        finally:
            temp.unlink(missing_ok=True)
        logger.info("Republished version %d (was %s)", version, current)
        return version
