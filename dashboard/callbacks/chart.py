"""Callbacks every chart card shares: its CSV and Excel downloads, served from the card's
store of exactly the plotted rows (pattern-matching ids, one callback for all cards)."""

from __future__ import annotations

from typing import Any

from dash import MATCH, Input, Output, State, callback, ctx
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.chart import download_csv, download_excel


def download_for(kind: str, payload: dict[str, Any] | None) -> dict[str, Any]:
    """``dcc.Download`` data for ``kind`` ('csv' or 'excel') of a card's export payload."""
    if not payload:
        raise PreventUpdate
    return download_csv(payload) if kind == "csv" else download_excel(payload)


@callback(
    Output(ids.chart_download(MATCH), "data"),
    Input(ids.chart_download_csv(MATCH), "n_clicks"),
    Input(ids.chart_download_excel(MATCH), "n_clicks"),
    State(ids.chart_export(MATCH), "data"),
    prevent_initial_call=True,
)
def download_chart_data(
    _csv_clicks: int | None, _excel_clicks: int | None, payload: dict[str, Any] | None
) -> dict[str, Any]:
    triggered = ctx.triggered_id or {}
    kind = "csv" if triggered.get("type") == ids.chart_download_csv("")["type"] else "excel"
    return download_for(kind, payload)
