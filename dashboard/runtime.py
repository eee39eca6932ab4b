"""The dashboard process's settings and database access, for pages and callbacks.

Settings are read from the environment once per process (gunicorn workers each read the
same environment, so nothing needs sharing) and never change afterwards. Cursors come from
``dashboard.db``: a read-only connection per published snapshot, opened lazily after the
fork; a request keeps its snapshot until its cursor is closed, even across a republish.
Tests that change the environment call ``settings.cache_clear()``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
from dash.exceptions import PreventUpdate

from dashboard.auth.access import current_access, faculty_scope
from dashboard.db import DatabaseMissing, published
from dashboard.filters_state import FilterOptions, FilterState
from dashboard.kpis.query import QueryContext
from dashboard.kpis.suppression import PRESETS, get_preset
from dashboard.kpis.targets import Target, read_targets
from dashboard.queries.filters import filter_options as read_filter_options
from dashboard.queries.status import published_meta
from etl.settings import Settings


class UnprotectedPreset(RuntimeError):
    """The dashboard was asked to serve numbers with an unprotected suppression preset."""


@functools.cache
def settings() -> Settings:
    """The settings in force (read from the environment on first use). The dashboard serves
    other people, so an unprotected preset (``none``) is refused here, before any number
    is computed: it exists only on the command line."""
    loaded = Settings.from_env()
    if not get_preset(loaded.suppression).web:
        raise UnprotectedPreset(
            f"INTL_KPI_SUPPRESSION={loaded.suppression} is unprotected and refused by the "
            "dashboard; use it only with `intl-kpi kpis --suppression none` on the command "
            f"line. Choose one of: {', '.join(n for n, p in PRESETS.items() if p.web)}."
        )
    return loaded


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on the published database; raises ``dashboard.db.DatabaseMissing``."""
    return published(settings().database).cursor()


def targets() -> list[Target]:
    """The targets file in force, re-read when it changes on disk (the board's office edits
    it while the dashboard runs). A malformed file raises ``TargetsError``."""
    path = Path(settings().targets_file)
    stat = path.stat()
    return _read_targets(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _read_targets(path: str, _mtime: int, _size: int) -> list[Target]:
    return read_targets(path)


@contextlib.contextmanager
def callback_cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor for one callback, closed afterwards. With nothing published the callback
    leaves its outputs alone (the page already says how to load data)."""
    try:
        request_cursor = cursor()
    except DatabaseMissing as error:
        raise PreventUpdate from error
    try:
        yield request_cursor
    finally:
        request_cursor.close()


# Filter options per published snapshot: (database, data version, publication time,
# institution) -> options. Keyed on the data version, so a new load is seen at once; every
# chart callback of a page needs them, and reading them costs three scans.
_OPTIONS_CACHE: dict[tuple[str, str, str, str], FilterOptions] = {}
_OPTIONS_CACHE_SIZE = 8


def filter_options(request_cursor: duckdb.DuckDBPyConnection) -> FilterOptions:
    """What the filter bar offers for the published snapshot (cached per data version)."""
    institution = settings().home_institution or ""
    meta = published_meta(request_cursor)
    key = (
        str(settings().database),
        meta.get("data_version", ""),
        meta.get("published_at", ""),
        institution,
    )
    options = _OPTIONS_CACHE.get(key)
    if options is None:
        options = read_filter_options(request_cursor, institution or None)
        if len(_OPTIONS_CACHE) >= _OPTIONS_CACHE_SIZE:
            _OPTIONS_CACHE.clear()
        _OPTIONS_CACHE[key] = options
    return scoped_options(options, faculty_scope(settings()))


def scoped_options(options: FilterOptions, faculties: tuple[str, ...] | None) -> FilterOptions:
    """Only the faculties (and their programmes) a user may see: the filter bar offers no
    other, and a link naming another faculty gets the "no such faculty" notice."""
    if faculties is None:
        return options
    allowed = set(faculties)
    return replace(
        options,
        faculties=tuple(f for f in options.faculties if f in allowed),
        programmes=tuple(p for p in options.programmes if p.faculty in allowed),
    )


def query_context(for_settings: Settings | None = None) -> QueryContext:
    """The query layer's context for this request: the settings (default: those in force)
    and the signed-in user's faculty scope (``dashboard.auth``). Every page, callback and
    download builds its context here, so the scope cannot be forgotten in one of them."""
    chosen = for_settings or settings()
    return QueryContext.from_settings(chosen, allowed_faculties=faculty_scope(chosen))


def access():  # noqa: ANN201 (etl.users.Access | None)
    """Who is asking (``None`` outside a request: the CLI and direct calls in tests)."""
    return current_access(settings())


def scoped_state(state: FilterState) -> FilterState:
    """``state`` with "all faculties" read as "all of the user's faculties", so titles,
    summaries and the downloads' data sheets name what is shown (the query layer restricts
    the numbers either way)."""
    scope = faculty_scope(settings())
    if scope is None or state.faculties:
        return state
    return replace(state, faculties=tuple(scope))


def may(permission: str) -> bool:
    """Whether the signed-in user's role has ``permission`` (``etl.users.PERMISSIONS``);
    outside a request (the CLI, direct calls) everything is allowed."""
    who = access()
    return who is None or who.can(permission)
