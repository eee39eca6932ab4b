"""Publishing a new snapshot of the database atomically.

A load never writes to the published file. It takes the load lock (a second load waits,
then fails with a clear message), copies the published file to a temporary file in the
same folder, writes there, runs the checks, closes it (DuckDB checkpoints on close),
fsyncs it and ``os.replace``-s it over the published file. Readers that have the old file
open keep reading the old snapshot. A load that fails or is killed at any point leaves the
published file byte-for-byte unchanged; its temporary file is removed, or, after a kill,
by the next load.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from etl.schema import create_schema

TEMP_MARKER = ".tmp-"


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


@contextlib.contextmanager
def new_snapshot(database: Path, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable copy of the published database, published when the block succeeds.

    Must be used while holding :func:`load_lock`. ``fresh`` starts from an empty database
    instead of a copy of the published one (the demo builds a whole new database).
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
        finally:
            connection.close()
        _fsync(temp)
        os.replace(temp, database)
        _fsync(database.parent)
    finally:
        temp.unlink(missing_ok=True)
        Path(str(temp) + ".wal").unlink(missing_ok=True)
