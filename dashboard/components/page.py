"""The frame every page's ``layout(**query)`` shares: read the published database, check the
query string against it, and lay out heading and the page's own content - or, when nothing
is published, a message saying how to load data. The filter bar is the app shell's, held
once above every page (:func:`shell_filter_bar`), so moving between pages keeps it and its
store as they are.

A page writes::

    def layout(**query: str | list[str]) -> Component:
        return page_layout(_("Mobility"), query, lambda page: [chart_card("mobility-rate")])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
from dash import html
from dash.development.base_component import Component

from dashboard import runtime
from dashboard.components.filters import filter_bar
from dashboard.components.shell import no_database_message
from dashboard.db import DatabaseMissing
from dashboard.filters_state import FilterOptions, FilterState, parse_query, parse_search
from etl.settings import Settings


@dataclass(frozen=True)
class PageContext:
    """What a page's content builder gets: settings, a cursor, and the checked selection."""

    settings: Settings
    cursor: duckdb.DuckDBPyConnection
    options: FilterOptions
    state: FilterState


def page_context(
    query: Mapping[str, Any], settings: Settings, cursor: duckdb.DuckDBPyConnection
) -> PageContext:
    """Check ``query`` against the published data (never raises on a bad query)."""
    options = runtime.filter_options(cursor)
    state, _notices = parse_query(query, options, settings.international_basis)  # the bar's
    state = runtime.scoped_state(state)  # a faculty manager's own faculty, shown selected
    return PageContext(settings, cursor, options, state)


def page_layout(
    heading: str,
    query: Mapping[str, Any],
    content: Callable[[PageContext], list[Component]],
    intro: str = "",
) -> Component:
    """Heading and ``content(page)``; the no-data message when nothing is published."""
    settings = runtime.settings()
    header = [html.H1(heading, className="page-heading")]
    if intro:
        header.append(html.P(intro, className="lead fs-6"))
    try:
        cursor = runtime.cursor()
    except DatabaseMissing:
        return html.Div([*header, no_database_message(str(settings.database))])
    try:
        page = page_context(query, settings, cursor)
        return html.Div([*header, *content(page)])
    finally:
        cursor.close()


def shell_filter_bar(search: str = "") -> Component:
    """The app shell's filter bar, set to the selection of ``search`` (the page's query
    string, when the shell is rendered for a known URL; the bar's callback sets it from the
    URL in any case). Without a published database the bar is there but hidden, so the
    shell's callbacks always find their inputs."""
    settings = runtime.settings()
    try:
        cursor = runtime.cursor()
    except DatabaseMissing:
        return html.Div(filter_bar(FilterState(), FilterOptions()), hidden=True)
    try:
        options = runtime.filter_options(cursor)
    finally:
        cursor.close()
    state, notices = parse_search(search, options, settings.international_basis)
    state = runtime.scoped_state(state)  # a faculty manager's own faculty, shown selected
    return filter_bar(state, options, notices)
