"""Read-only access to the published database: a connection per snapshot, closed when it has
been replaced and its last cursor is returned.

DuckDB allows one writer or many readers per file. The ETL publishes a new snapshot by
``os.replace``-ing the file; a connection keeps reading the inode it opened. Each request
gets its own ``.cursor()`` (a DuckDB connection is not shared across threads) from the
snapshot current when it asked, and keeps reading that snapshot until it closes the cursor,
however many publishes happen meanwhile. When the published file's identity (inode, size,
mtime) changes, the next request opens the new snapshot; the old one is closed when its last
cursor is closed (closing it under a running query is what raised "Connection already
closed!" and "connection is busy" under a threaded server).

DuckDB caches database instances by canonical file path, so ``duckdb.connect(path)`` while
the old snapshot is still open would hand back the old snapshot. Each snapshot is therefore
its own in-memory instance with the file ``ATTACH``-ed read-only; every cursor starts with
``USE`` of it, so queries name tables as before. The KPI layer's shared views and macros
(``dashboard/kpis/sql/views``) are created once per snapshot in the instance's in-memory
catalog, which every cursor's search path includes. Snapshots are opened lazily on first use,
i.e. after gunicorn forks its workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from dashboard.kpis.query import shared_views_sql

CATALOG = "published_snapshot"  # the attached database's name inside a snapshot's instance


class DatabaseMissing(FileNotFoundError):
    """No database has been published at the configured path yet."""


class Snapshot:
    """One published snapshot, opened read-only, and how many cursors on it are lent out."""

    def __init__(self, path: Path, identity: tuple[int, int, int]) -> None:
        self.identity = identity
        self.pid = os.getpid()
        self.lent = 0
        self.replaced = False
        self.closed = False
        # The ``meta`` table, read once: a snapshot never changes (a publish is a new one).
        self.meta: dict[str, str] | None = None
        self.connection = duckdb.connect(":memory:")
        quoted = str(path).replace("'", "''")
        try:
            self.connection.execute(f"attach '{quoted}' as {CATALOG} (read_only)")
        except BaseException:
            self.connection.close()
            raise
        try:
            # The KPI layer's shared views and macros, built once per snapshot in the
            # instance's own (writable, in-memory) catalog: every cursor sees them.
            self.connection.execute(f"use memory; set search_path = 'memory.main,{CATALOG}.main'")
            self.connection.execute(shared_views_sql())
        except duckdb.Error:
            # A database without a table they read (an old kept version): the KPI layer
            # creates them per cursor and says which table is missing, pages without KPIs
            # still work.
            pass

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.connection.close()


class SnapshotCursor:
    """A cursor on one snapshot (used like a DuckDB connection); :meth:`close` returns it,
    and the snapshot's connection is closed with its last cursor once it has been replaced.
    """

    def __init__(
        self, cursor: duckdb.DuckDBPyConnection, snapshot: Snapshot, owner: PublishedDatabase
    ) -> None:
        self._cursor = cursor
        self._snapshot = snapshot
        self._owner = owner
        self._returned = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def snapshot_meta(
        self, read: Callable[[duckdb.DuckDBPyConnection], dict[str, str]]
    ) -> dict[str, str]:
        """The snapshot's ``meta`` table, read with ``read`` on its first use (every chart
        callback asks for it twice; a snapshot's never changes). A copy each time."""
        if self._snapshot.meta is None:
            self._snapshot.meta = read(self._cursor)
        return dict(self._snapshot.meta)

    def close(self) -> None:
        if self._returned:
            return
        self._returned = True
        try:
            self._cursor.close()
        finally:
            self._owner._return(self._snapshot)

    def __enter__(self) -> SnapshotCursor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A cursor dropped without close() must not keep an old snapshot open forever.
        if not getattr(self, "_returned", True):
            self._returned = True
            self._owner._return(self._snapshot)


class PublishedDatabase:
    """Hands out cursors on the current snapshot of the published database."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._open: list[Snapshot] = []  # the current snapshot and old ones still being read

    def _current_identity(self) -> tuple[int, int, int]:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError as error:
            raise DatabaseMissing(
                f"no database is published at {self.path}: run `intl-kpi demo` or "
                "`intl-kpi load FILES`"
            ) from error
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def cursor(self) -> SnapshotCursor:
        """A cursor on the newest published snapshot (opened after a publish or a fork)."""
        # Taken before the file is opened: if a publish lands in between, the next request
        # sees a changed identity and opens the newer file (never the other way round).
        identity = self._current_identity()
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.identity != identity or snapshot.pid != os.getpid():
                if snapshot is not None and snapshot.pid == os.getpid():
                    self._retire(snapshot)
                elif snapshot is not None:  # a forked worker: the parent's are not ours
                    self._open = []
                try:
                    snapshot = Snapshot(self.path, identity)
                except duckdb.IOException as error:
                    if not self.path.exists():
                        raise DatabaseMissing(f"no database is published at {self.path}") from error
                    raise
                self._snapshot = snapshot
                self._open.append(snapshot)
            raw = snapshot.connection.cursor()
            snapshot.lent += 1
        lent = SnapshotCursor(raw, snapshot, self)
        try:
            raw.execute(f"use {CATALOG}; set search_path = '{CATALOG}.main,memory.main'")
        except BaseException:
            lent.close()
            raise
        return lent

    def _retire(self, snapshot: Snapshot) -> None:
        """``snapshot`` is no longer current: closed now if no cursor is out (lock held)."""
        snapshot.replaced = True
        if snapshot.lent == 0:
            self._close(snapshot)

    def _return(self, snapshot: Snapshot) -> None:
        with self._lock:
            snapshot.lent -= 1
            if snapshot.replaced and snapshot.lent == 0:
                self._close(snapshot)

    def _close(self, snapshot: Snapshot) -> None:
        snapshot.close()
        if snapshot in self._open:
            self._open.remove(snapshot)

    def open_snapshots(self) -> int:
        """How many snapshots this process has open (the current one and old ones still
        being read); for tests and benchmarks."""
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Stop handing out the current snapshot; it closes when its last cursor does."""
        with self._lock:
            if self._snapshot is not None:
                self._retire(self._snapshot)
            self._snapshot = None


_databases: dict[Path, PublishedDatabase] = {}
_databases_lock = threading.Lock()


def published(path: Path) -> PublishedDatabase:
    """The process-wide :class:`PublishedDatabase` for ``path``."""
    key = Path(path).resolve()
    with _databases_lock:
        if key not in _databases:
            _databases[key] = PublishedDatabase(key)
        return _databases[key]
