"""The dashboard process's settings and database access, for pages and callbacks.

Settings are read from the environment once per process (gunicorn workers each read the
same environment, so nothing needs sharing) and never change afterwards. Cursors come from
``dashboard.db``: one read-only connection per process, opened lazily after the fork.
Tests that change the environment call ``settings.cache_clear()``.
"""

from __future__ import annotations

import functools

import duckdb

from dashboard.db import published
from etl.settings import Settings


@functools.cache
def settings() -> Settings:
    """The settings in force (read from the environment on first use)."""
    return Settings.from_env()


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the published database; raises ``dashboard.db.DatabaseMissing``."""
    return published(settings().database).cursor()
