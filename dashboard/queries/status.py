"""The published snapshot's facts for the app shell (data version, publication time, the demo
flag: the ``meta`` table) and the Data page's fuller reading (loads, table sizes, quality
findings). The SQL is the ETL's (``etl.status``), shared with ``intl-kpi status``: one
reading of the load metadata for the command line and the dashboard."""

from __future__ import annotations

import duckdb

from dashboard.db import SnapshotCursor
from etl.status import PublishedStatus, read_meta, read_status

__all__ = ["PublishedStatus", "published_meta", "read_status"]


def published_meta(cursor: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every ``meta`` key and value (``data_version``, ``published_at``, ``is_demo``, ...);
    read once per published snapshot through the dashboard's cursors."""
    if isinstance(cursor, SnapshotCursor):
        return cursor.snapshot_meta(read_meta)
    return read_meta(cursor)
