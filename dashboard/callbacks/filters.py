"""Keeps the filter bar, the URL query string and the filter store in step (all three in the
app shell, once for every page).

One callback does both directions (Dash allows a circular dependency only within a single
callback): when the URL changes (page opened, back/forward button) the controls follow it;
when a control changes, the URL follows (a new history entry) and the store that the page's
charts listen to is updated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dash import Input, Output, State, callback, ctx, no_update

from dashboard import ids, runtime
from dashboard.components.filters import expand_groups, notice_children, programme_options
from dashboard.filters_state import (
    QUERY_BASIS,
    QUERY_CYCLE,
    QUERY_FACULTY,
    QUERY_FROM,
    QUERY_PROGRAMME,
    QUERY_TO,
    FilterOptions,
    merge_search,
    parse_query,
    parse_search,
)
from dashboard.security import check_input


@dataclass(frozen=True)
class Controls:
    """The filter controls' values as the browser sends them."""

    year_from: str | None = None
    year_to: str | None = None
    faculties: list[str] | None = None
    programmes: list[str] | None = None
    cycles: list[str] | None = None
    basis: str | None = None

    def as_query(self) -> dict[str, Any]:
        """The controls as a query, so they go through the same checks as a link."""
        query: dict[str, Any] = {
            QUERY_FACULTY: list(self.faculties or []),
            QUERY_PROGRAMME: list(self.programmes or []),
            QUERY_CYCLE: list(self.cycles or []),
        }
        if self.year_from:
            query[QUERY_FROM] = str(self.year_from)
        if self.year_to:
            query[QUERY_TO] = str(self.year_to)
        if self.basis:
            query[QUERY_BASIS] = self.basis
        return query


OUTPUTS = [
    Output(ids.FILTER_LOCATION, "search"),
    Output(ids.FILTER_YEAR_FROM, "value"),
    Output(ids.FILTER_YEAR_TO, "value"),
    Output(ids.FILTER_FACULTY, "value"),
    Output(ids.FILTER_PROGRAMME, "options"),
    Output(ids.FILTER_PROGRAMME, "value"),
    Output(ids.FILTER_CYCLE, "value"),
    Output(ids.FILTER_BASIS, "value"),
    Output(ids.FILTER_NOTICE, "children"),
    Output(ids.FILTER_NOTICE, "is_open"),
    Output(ids.FILTER_STATE, "data"),
]


def _changed(new: Any, old: Any) -> Any:
    """``new``, or ``no_update`` when the control already shows it (a control that is set
    while a person is using it can lose its open menu or typed search)."""
    return no_update if new == old else new


def synchronise(
    from_url: bool,
    search: str | None,
    controls: Controls,
    stored: dict[str, Any] | None,
    options: FilterOptions,
    default_basis: str,
) -> tuple[Any, ...]:
    """The values of :data:`OUTPUTS` after the URL (``from_url``) or a control changed."""
    url_state, url_notices = parse_search(search, options, default_basis)
    if from_url:
        state, notices, new_search = url_state, url_notices, no_update
    else:
        # A group's "all programmes" option stands for its programmes' codes.
        programmes = expand_groups(controls.programmes or [], options.programmes)
        state, _ignored = parse_query(
            replace(controls, programmes=programmes).as_query(), options, default_basis
        )
        if state == url_state:
            # Nothing changed (e.g. the controls were just rendered from this URL): keep the
            # notices about what the link asked for.
            notices, new_search = url_notices, no_update
        else:
            notices, new_search = [], merge_search(search, state)
    data = state.to_dict()
    return (
        new_search,
        _changed(None if state.year_from is None else str(state.year_from), controls.year_from),
        _changed(None if state.year_to is None else str(state.year_to), controls.year_to),
        _changed(list(state.faculties), list(controls.faculties or [])),
        programme_options(options.programmes_in(state.faculties)),
        _changed(list(state.programmes), list(controls.programmes or [])),
        _changed(list(state.cycles), list(controls.cycles or [])),
        _changed(state.basis, controls.basis),
        notice_children(notices),
        bool(notices),
        no_update if data == stored else data,
    )


@callback(
    *OUTPUTS,
    Input(ids.FILTER_LOCATION, "search"),
    Input(ids.FILTER_YEAR_FROM, "value"),
    Input(ids.FILTER_YEAR_TO, "value"),
    Input(ids.FILTER_FACULTY, "value"),
    Input(ids.FILTER_PROGRAMME, "value"),
    Input(ids.FILTER_CYCLE, "value"),
    Input(ids.FILTER_BASIS, "value"),
    State(ids.FILTER_STATE, "data"),
)
def synchronise_filters(
    search: str | None,
    year_from: str | None,
    year_to: str | None,
    faculties: list[str] | None,
    programmes: list[str] | None,
    cycles: list[str] | None,
    basis: str | None,
    stored: dict[str, Any] | None,
) -> tuple[Any, ...]:
    # Checked before any data is read: a forged value is a 400, never a long computation.
    search = check_input(ids.FILTER_LOCATION, "search", search)
    controls = Controls(
        check_input(ids.FILTER_YEAR_FROM, "value", year_from),
        check_input(ids.FILTER_YEAR_TO, "value", year_to),
        list(check_input(ids.FILTER_FACULTY, "value", faculties)),
        list(check_input(ids.FILTER_PROGRAMME, "value", programmes)),
        list(check_input(ids.FILTER_CYCLE, "value", cycles)),
        check_input(ids.FILTER_BASIS, "value", basis),
    )
    check_input(ids.FILTER_STATE, "data", stored)
    settings = runtime.settings()
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
    triggered = ctx.triggered_prop_ids
    return synchronise(
        # The URL wins when it changed at all (back button, a navbar link) and when the
        # shell is first drawn (no trigger: the bar may have been rendered without the URL).
        from_url=not triggered or f"{ids.FILTER_LOCATION}.search" in triggered,
        search=search,
        controls=controls,
        stored=stored,
        options=options,
        default_basis=settings.international_basis,
    )
