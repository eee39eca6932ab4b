"""Callbacks of the app shell: the status banner (demo data, data version, load date) and
navbar links that carry the current filter selection to the next page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

import dash
from dash import ALL, Input, Output, State, callback

from dashboard import ids, runtime
from dashboard.components.shell import status_banner
from dashboard.db import DatabaseMissing
from dashboard.filters_state import QUERY_KEYS, InvalidInput
from dashboard.i18n import QUERY_KEY
from dashboard.queries.status import published_meta
from dashboard.security import check_input

# Keys a navbar link carries to the next page: the filter selection and the language.
KEPT_KEYS = (*QUERY_KEYS, QUERY_KEY)


def filter_search(search: str | None) -> str:
    """Only the filter keys and the language of ``search`` (page-specific keys stay on their
    page)."""
    pairs = [
        (key, value)
        for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
        if key in KEPT_KEYS
    ]
    return "?" + urlencode(pairs) if pairs else ""


def language_href(pathname: str | None, search: str | None, language: str) -> str:
    """This page's URL (path and query kept) in ``language``."""
    pairs = [
        (key, value)
        for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
        if key != QUERY_KEY
    ]
    return (pathname or "/") + "?" + urlencode([*pairs, (QUERY_KEY, language)])


def navigation_hrefs(
    search: str | None, link_ids: Sequence[Mapping[str, str]], registry: Mapping[str, Any]
) -> list[str]:
    """Each navbar link's href: the page's path plus the current filter selection."""
    query = filter_search(search)
    return [registry[link["page"]]["relative_path"] + query for link in link_ids]


def active_links(
    pathname: str | None, link_ids: Sequence[Mapping[str, str]], registry: Mapping[str, Any]
) -> list[bool]:
    """Which navbar link is the current page (``pathname`` with any prefix stripped)."""
    current = "/" + (pathname or "").strip("/")
    return [registry[link["page"]]["path"] == current for link in link_ids]


@callback(
    Output(ids.nav_link(ALL), "href"),
    Input(ids.FILTER_LOCATION, "search"),
    State(ids.nav_link(ALL), "id"),
)
def keep_filters_in_navigation(search: str | None, link_ids: list[dict]) -> list[str]:
    search = check_input(ids.FILTER_LOCATION, "search", search)
    link_ids = _checked_links(link_ids)
    return navigation_hrefs(search, link_ids, dash.page_registry)


def _checked_links(link_ids: Any) -> list[dict]:
    """The navbar's link ids (page or language links), each checked by its type."""
    if not isinstance(link_ids, list):
        raise InvalidInput("the navbar link ids are not a list")
    return [check_input(link_id, "id", link_id) for link_id in link_ids]


@callback(
    Output(ids.language_link(ALL), "href"),
    Input(ids.APP_LOCATION, "pathname"),
    # The filter bar's location: it follows every filter change (the shell's own does not).
    Input(ids.FILTER_LOCATION, "search"),
    State(ids.language_link(ALL), "id"),
)
def keep_page_in_language_links(
    pathname: str | None, search: str | None, link_ids: list[dict]
) -> list[str]:
    pathname = check_input(ids.APP_LOCATION, "pathname", pathname)
    search = check_input(ids.FILTER_LOCATION, "search", search)
    return [language_href(pathname, search, link["language"]) for link in _checked_links(link_ids)]


@callback(
    Output(ids.nav_link(ALL), "active"),
    Input(ids.APP_LOCATION, "pathname"),
    State(ids.nav_link(ALL), "id"),
)
def mark_current_page(pathname: str | None, link_ids: list[dict]) -> list[bool]:
    pathname = check_input(ids.APP_LOCATION, "pathname", pathname)
    link_ids = _checked_links(link_ids)
    return active_links(dash.strip_relative_path(pathname), link_ids, dash.page_registry)


@callback(Output(ids.APP_STATUS, "children"), Input(ids.APP_LOCATION, "pathname"))
def show_published_status(_pathname: str | None) -> list:
    """Re-read on every page change, so a new publication shows without a full reload."""
    check_input(ids.APP_LOCATION, "pathname", _pathname)
    try:
        cursor = runtime.cursor()
    except DatabaseMissing:
        return status_banner(None)
    try:
        return status_banner(published_meta(cursor))
    finally:
        cursor.close()


@callback(
    Output(ids.APP_NAVBAR_COLLAPSE, "is_open"),
    Input(ids.APP_NAVBAR_TOGGLER, "n_clicks"),
    Input(ids.APP_LOCATION, "pathname"),
    State(ids.APP_NAVBAR_COLLAPSE, "is_open"),
    prevent_initial_call=True,
)
def toggle_navbar(clicks: int | None, pathname: str | None, is_open: bool | None) -> bool:
    """The folded navbar (narrow screens) opens and closes with its toggler and closes when
    a link leads to another page."""
    check_input(ids.APP_NAVBAR_TOGGLER, "n_clicks", clicks)
    check_input(ids.APP_LOCATION, "pathname", pathname)
    is_open = check_input(ids.APP_NAVBAR_COLLAPSE, "is_open", is_open)
    return navbar_open(dash.ctx.triggered_id, is_open)


def navbar_open(trigger: Any, is_open: bool | None) -> bool:
    """Toggled by a click on the toggler; closed by anything else (a page change)."""
    return not is_open if trigger == ids.APP_NAVBAR_TOGGLER else False
