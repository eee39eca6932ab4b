"""Failed sign-ins counted per user name and per client address, shared by every worker.

A small SQLite file next to the users file holds one row per failure; a name or address
with ``limit`` failures in the last :data:`WINDOW_SECONDS` is refused without its password
being checked (so guessing costs 15 minutes per few tries). A successful sign-in clears the
name's failures. SQLite, because gunicorn workers share no memory.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, path: Path, limit: int) -> None:
        self.path = Path(path)
        self.limit = limit

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=5, isolation_level=None)
        connection.execute(
            "create table if not exists failures (key text not null, at real not null)"
        )
        return connection

    @staticmethod
    def _keys(name: str, address: str) -> tuple[str, str]:
        return (f"user:{name.casefold()}", f"ip:{address}")

    def blocked(self, name: str, address: str) -> bool:
        """Whether the name or the address has reached the limit."""
        if self.limit <= 0:
            return False
        since = time.time() - WINDOW_SECONDS
        connection = self._connect()
        try:
            for key in self._keys(name, address):
                (count,) = connection.execute(
                    "select count(*) from failures where key = ? and at >= ?", (key, since)
                ).fetchone()
                if count >= self.limit:
                    return True
            return False
        finally:
            connection.close()

    def failed(self, name: str, address: str) -> None:
        now = time.time()
        connection = self._connect()
        try:
            connection.execute("delete from failures where at < ?", (now - WINDOW_SECONDS,))
            connection.executemany(
                "insert into failures values (?, ?)",
                [(key, now) for key in self._keys(name, address)],
            )
        finally:
            connection.close()

    def succeeded(self, name: str) -> None:
        connection = self._connect()
        try:
            connection.execute("delete from failures where key = ?", (self._keys(name, "")[0],))
        finally:
            connection.close()
