"""Read-only access to the published database, one connection per process.

DuckDB allows one writer or many readers per file. The ETL publishes a new snapshot by
``os.replace``-ing the file; an open connection keeps reading the old inode, so the
connection is re-opened when the published file's identity (inode, size, mtime) changes.
Each request gets its own ``.cursor()`` (DuckDB connections are not shared across threads).
The connection is opened lazily on first use, i.e. after gunicorn forks its workers.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb


class DatabaseMissing(FileNotFoundError):
    """No database has been published at the configured path yet."""


class PublishedDatabase:
    """Hands out cursors on the current snapshot of the published database."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[int, int, int] | None = None
        self._pid: int | None = None

    def _current_identity(self) -> tuple[int, int, int]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise DatabaseMissing(
                f"no database is published at {self.path}: run `intl-kpi demo` or "
                "`intl-kpi load FILES`"
            ) from error
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the newest published snapshot (re-opened after a publish or a fork)."""
        identity = self._current_identity()
        with self._lock:
            if self._connection is None or identity != self._identity or self._pid != os.getpid():
                if self._connection is not None and self._pid == os.getpid():
                    self._connection.close()
                self._connection = duckdb.connect(str(self.path), read_only=True)
                self._identity = identity
                self._pid = os.getpid()
            return self._connection.cursor()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None


_databases: dict[Path, PublishedDatabase] = {}
_databases_lock = threading.Lock()


def published(path: Path) -> PublishedDatabase:
    """The process-wide :class:`PublishedDatabase` for ``path``."""
    key = Path(path).resolve()
    with _databases_lock:
        if key not in _databases:
            _databases[key] = PublishedDatabase(key)
        return _databases[key]
