"""Callbacks every chart card shares: its CSV and Excel downloads (pattern-matching ids, one
callback for all cards).

A download is built on the server from the filter selection: the card's content is computed
again by the same function that drew it (registered here by ``kpi_cards.register``),
so a file holds exactly what the query layer and its disclosure control let out. Nothing the
browser sends besides the selection reaches a file; the selection itself is validated like
every other callback input, and a card this server does not know is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import MATCH, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.chart import ChartContent, download_csv, download_excel

# Card prefix -> the function that builds the card's content for a filter store's data.
ContentBuilder = Callable[[dict[str, Any] | None], ChartContent]
_BUILDERS: dict[str, ContentBuilder] = {}


class UnknownChart(LookupError):
    """A download was asked for a chart card this server does not have."""


def register_content(prefix: str, builder: ContentBuilder) -> None:
    """Make ``prefix``'s card downloadable: ``builder`` is what its callback draws from."""
    if prefix in _BUILDERS and _BUILDERS[prefix] is not builder:
        raise ValueError(f"chart card {prefix!r} is registered twice")
    _BUILDERS[prefix] = builder


def download_for(kind: str, prefix: Any, state_data: dict[str, Any] | None) -> dict[str, Any]:
    """``dcc.Download`` data for ``kind`` ('csv' or 'excel') of card ``prefix`` under the
    selection ``state_data``, computed here and now."""
    if not isinstance(prefix, str) or prefix not in _BUILDERS:
        raise UnknownChart(f"no chart card {str(prefix)[:80]!r} to download")
    content = _BUILDERS[prefix](state_data)
    if content.is_empty:
        raise PreventUpdate
    return download_csv(content) if kind == "csv" else download_excel(content)


@callback(
    Output(ids.chart_download(MATCH), "data"),
    Input(ids.chart_download_csv(MATCH), "n_clicks"),
    Input(ids.chart_download_excel(MATCH), "n_clicks"),
    State(ids.FILTER_STATE, "data"),
    prevent_initial_call=True,
)
def download_chart_data(
    _csv_clicks: int | None, _excel_clicks: int | None, state_data: dict[str, Any] | None
) -> dict[str, Any]:
    triggered = ctx.triggered_id or {}
    if not isinstance(triggered, dict):
        raise PreventUpdate
    kind = "csv" if triggered.get("type") == ids.chart_download_csv("")["type"] else "excel"
    return download_for(kind, triggered.get("chart"), state_data)


# A card's table view is filled in the browser from the stores its callback sends, only while
# it is open (``assets/table_view.js``: ``tableView.fill``, and the toggle listener that sets
# the open flag): a folded grid is not redrawn on every filter change.
clientside_callback(
    ClientsideFunction(namespace="tableView", function_name="fill"),
    Output(ids.chart_table(MATCH), "columnDefs"),
    Output(ids.chart_table(MATCH), "rowData"),
    Input(ids.chart_table_columns(MATCH), "data"),
    Input(ids.chart_table_rows(MATCH), "data"),
    Input(ids.chart_table_open(MATCH), "data"),
)
