"""Chart results cached per published data version, selection and reader.

A chart callback's work (queries, disclosure control, figure) depends only on the published
snapshot, the validated filter selection, the reader's faculty scope and the settings that
shape numbers (preset, home country, ...). :func:`cached` keys a result on exactly those, so
a repeat of a selection costs no query, a new publish misses (its data version and
publication time are in the key), and a faculty manager never receives a chart computed for
a board member (the scope is in the key).

The backend is the ``INTL_KPI_CACHE`` setting, through Flask-Caching's backends:
``memory`` (the default) keeps results in each process (one gunicorn worker does not see
another's), ``redis://HOST:PORT/DB`` shares them between processes and machines, ``off``
computes every time. Values are pickled either way, so a caller can never change a cached
result in place. A cache that fails (Redis down) is reported in the log and read as a miss:
the dashboard slows down but keeps answering.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from flask_caching.backends import NullCache, RedisCache, SimpleCache

from dashboard import runtime
from dashboard.i18n import current_language
from dashboard.queries.status import published_meta

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Part of every key: bumped when what is cached changes shape, so a shared Redis filled by
# an older release is never read by a newer one.
FORMAT = 2
KEY_PREFIX = "intl-kpi:"
# Entries are keyed on the data version, so they never go stale; the timeout only bounds
# how long a shared Redis keeps the results of versions nobody reads any more.
TIMEOUT_SECONDS = 24 * 3600
# In-process entries (a chart's content is ~10-200 kB pickled): 13 charts x ~40 selections.
MEMORY_ENTRIES = 500
# Seconds a Redis call may take before the result is computed instead.
REDIS_TIMEOUT_SECONDS = 1.0
# Seconds between two log lines about a failing cache.
_WARN_EVERY = 60.0


def _make_backend(setting: str) -> Any:
    """``setting`` as ``etl.settings`` checked it: memory, off or a Redis URL."""
    if setting == "off":
        return NullCache()
    if setting == "memory":
        return SimpleCache(threshold=MEMORY_ENTRIES, default_timeout=TIMEOUT_SECONDS)
    import redis

    client = redis.Redis.from_url(
        setting,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        health_check_interval=30,
    )
    return RedisCache(host=client, key_prefix=KEY_PREFIX, default_timeout=TIMEOUT_SECONDS)


# (setting, process id) -> backend: made on first use, i.e. after gunicorn forks, so no
# worker inherits another's in-process entries or Redis connections.
_backends: dict[tuple[str, int], Any] = {}
_backends_lock = threading.Lock()
_last_warning = [0.0]


def backend(setting: str | None = None) -> Any:
    """The cache backend of ``setting`` (default: the setting in force) for this process."""
    chosen = runtime.settings().cache if setting is None else setting
    key = (chosen, os.getpid())
    with _backends_lock:
        if key not in _backends:
            _backends[key] = _make_backend(chosen)
        return _backends[key]


def clear() -> None:
    """Forget every backend of this process (tests; a Redis server keeps its entries)."""
    with _backends_lock:
        _backends.clear()
    _published.clear()


def _warn(action: str, error: BaseException) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= _WARN_EVERY:
        _last_warning[0] = now
        logger.warning("chart cache %s failed, computing instead: %s", action, error)


# Published file identity (inode, size, mtime) -> (data version, publication time): read
# from the ``meta`` table once per snapshot, so a cached answer needs no cursor at all.
_published: dict[tuple[str, int, int, int], tuple[str, str]] = {}
_PUBLISHED_ENTRIES = 16


def _identity(path: Path) -> tuple[str, int, int, int]:
    stat = os.stat(path)
    return (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def published_version() -> tuple[str, str]:
    """(data version, publication time) of the snapshot published now; raises
    ``dashboard.db.DatabaseMissing`` (through the cursor) when there is none."""
    path = Path(runtime.settings().database)
    try:
        before = _identity(path)
    except FileNotFoundError:
        before = None
    if before is not None and before in _published:
        return _published[before]
    with runtime.callback_cursor() as cursor:
        meta = published_meta(cursor)
    version = (str(meta.get("data_version", "")), str(meta.get("published_at", "")))
    # Kept only when no publish landed while the meta was read (else the next call reads
    # it again): the identity and the version must describe the same file.
    if before is not None and _identity(path) == before:
        if len(_published) >= _PUBLISHED_ENTRIES:
            _published.clear()
        _published[before] = version
    return version


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, _mtime: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def targets_version() -> str:
    """A digest of the targets file in force (the board's office edits it while the
    dashboard runs; target lines are part of a chart)."""
    path = Path(runtime.settings().targets_file)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ""
    return _file_digest(str(path), stat.st_mtime_ns, stat.st_size)


def reader_parts() -> dict[str, Any]:
    """What a result depends on besides the data and the selection: the reader's query
    context (faculty scope, preset, home country, provisional years) and the settings
    that shape the filter options and defaults, and the reader's language (titles, labels and
    number formats are cached with the numbers)."""
    settings = runtime.settings()
    context = runtime.query_context(settings)
    return {
        "home_country": context.home_country,
        "suppression": context.suppression,
        "provisional_years": context.provisional_years,
        "scope": None if context.allowed_faculties is None else sorted(context.allowed_faculties),
        "home_institution": settings.home_institution,
        "basis": settings.international_basis,
        "language": current_language(),
    }


def result_key(kind: str, selection: Mapping[str, Any], **parts: Any) -> str:
    """The cache key of ``kind``'s result for the selection (a validated
    ``FilterState.to_dict()``) under the published data version and this reader."""
    data_version, published_at = published_version()
    database = Path(runtime.settings().database).resolve()
    described = {
        "format": FORMAT,
        "kind": kind,
        # Version numbers count per database, and a publication time is to the second:
        # two databases (tests, a staging copy) may share both, never their path. In one
        # process the file's identity also tells a file rebuilt from scratch apart.
        "database": str(database),
        "file": _identity(database)[1:] if runtime.settings().cache == "memory" else None,
        "data_version": data_version,
        "published_at": published_at,
        "targets": targets_version(),
        "selection": dict(selection),
        **reader_parts(),
        **parts,
    }
    text = json.dumps(described, sort_keys=True, default=str, separators=(",", ":"))
    return f"{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached(key: str, compute: Callable[[], T]) -> T:
    """The result stored under ``key``, else ``compute()`` stored and returned."""
    store = backend()
    try:
        value = store.get(key)
    except Exception as error:  # noqa: BLE001 (a cache outage must not stop the dashboard)
        _warn("read", error)
        value = None
    if value is not None:
        return value
    value = compute()
    try:
        store.set(key, value)
    except Exception as error:  # noqa: BLE001
        _warn("write", error)
    return value
