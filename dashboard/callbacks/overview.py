"""Callbacks of the Overview page: the KPI cards follow the filter selection (cached per
data version, selection and reader by ``dashboard.cache``)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, callback

from dashboard import cache, ids, runtime
from dashboard.components.overview import overview_sections
from dashboard.filters_state import FilterState, with_defaults


@callback(Output(ids.OVERVIEW_CARDS, "children"), Input(ids.FILTER_STATE, "data"))
def update_overview(state_data: dict[str, Any] | None) -> list:
    selection = FilterState.from_dict(state_data).to_dict()
    key = cache.result_key("overview", selection)
    return cache.cached(key, lambda: cache.plain_figures(overview_cards(selection)))


def overview_cards(state_data: dict[str, Any] | None) -> list:
    """The overview's cards for a selection, computed now."""
    settings = runtime.settings()
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
        state = runtime.scoped_state(with_defaults(FilterState.from_dict(state_data), options))
        return overview_sections(cursor, state, runtime.query_context(settings), runtime.targets())
