"""The published snapshot's facts for the app shell: data version, publication time and the
demo flag (the ``meta`` table). The Data page's fuller reading is ``etl.status.read_status``."""

from __future__ import annotations

import duckdb


def published_meta(cursor: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every ``meta`` key and value (``data_version``, ``published_at``, ``is_demo``, ...)."""
    return dict(cursor.execute("select key, value from meta").fetchall())
