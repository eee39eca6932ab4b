"""Callbacks of the Overview page: the board summary and KPI cards follow the filter
selection (cached per data version, selection, reader and commentary file by
``dashboard.cache``)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, callback

from dashboard import board, cache, ids, runtime
from dashboard.components.overview import overview_sections
from dashboard.filters_state import FilterState, with_defaults
from dashboard.i18n import _


@callback(Output(ids.OVERVIEW_CARDS, "children"), Input(ids.FILTER_STATE, "data"))
def update_overview(state_data: dict[str, Any] | None) -> list:
    selection = FilterState.from_dict(state_data).to_dict()
    # The board's office edits the commentary file while the dashboard runs.
    key = cache.result_key("overview", selection, commentary=commentary_version())
    return cache.cached(key, lambda: overview_cards(selection))


def overview_cards(state_data: dict[str, Any] | None) -> list:
    """The overview's summary and cards for a selection, computed now."""
    settings = runtime.settings()
    notice: list = []
    try:
        commentary = commentary_in_force()
    except board.CommentaryError as error:
        # The figures still show; the office sees which line of its file to fix.
        commentary = []
        notice = [
            dbc.Alert(
                [
                    _("The commentary file could not be read, so no commentary is shown:"),
                    " ",
                    str(error),
                ],  # fmt: skip
                color="warning",
                class_name="py-2 small",
                id="overview-commentary-error",
            )
        ]
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
        state = runtime.scoped_state(with_defaults(FilterState.from_dict(state_data), options))
        sections = overview_sections(
            cursor, state, runtime.query_context(settings), runtime.targets(), commentary
        )
    return notice + sections


def commentary_in_force() -> list[board.Commentary]:
    """The commentary file in force, re-read when it changes on disk."""
    path = Path(runtime.settings().commentary_file)
    stamp = _stamp(path)
    if stamp is None:
        return []
    return _read_commentary(str(path), *stamp)


def commentary_version() -> str:
    """A digest of the commentary file in force ("" when there is none)."""
    path = Path(runtime.settings().commentary_file)
    stamp = _stamp(path)
    return "" if stamp is None else _digest(str(path), *stamp)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=4)
def _read_commentary(path: str, _mtime: int, _size: int) -> list[board.Commentary]:
    return board.read_commentary(path)


@functools.lru_cache(maxsize=4)
def _digest(path: str, _mtime: int, _size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
