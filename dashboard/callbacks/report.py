"""Callback of the Overview page's "Board report (PDF)" button: the board report
(``dashboard.report``) of the selection, under the request's faculty scope and the server's
suppression preset, audited like the chart downloads (``dashboard.auth.web``)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, dcc
from dash.exceptions import PreventUpdate

from dashboard import board, ids, runtime
from dashboard.callbacks.overview import commentary_in_force
from dashboard.exports import generated_now
from dashboard.filters_state import FilterState, with_defaults
from dashboard.report import PDF_TYPE, REPORT_NAME, board_report_pdf
from dashboard.security import check_input
from etl.users import DOWNLOAD


def report_download(state_data: dict[str, Any] | None) -> dict[str, Any]:
    """``dcc.Download`` data for the board report of the selection in the validated store,
    for the signed-in user's scope (the same selection the overview's cards show)."""
    if not runtime.may(DOWNLOAD):
        raise PreventUpdate  # the request guard has refused it already; a direct call too
    settings = runtime.settings()
    try:
        commentary = commentary_in_force()
    except board.CommentaryError:
        commentary = []  # the overview shows the file's error; the figures still go out
    who = runtime.access()
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
        state = runtime.scoped_state(with_defaults(FilterState.from_dict(state_data), options))
        content = board_report_pdf(
            cursor,
            state,
            runtime.query_context(settings),
            runtime.targets(),
            generated_at=generated_now(),
            user=who.name if who is not None else "",
            commentary=commentary,
        )
    return dcc.send_bytes(content, REPORT_NAME, type=PDF_TYPE)


@callback(
    Output(ids.OVERVIEW_REPORT_DOWNLOAD, "data"),
    Input(ids.OVERVIEW_REPORT_BUTTON, "n_clicks"),
    State(ids.FILTER_STATE, "data"),
    prevent_initial_call=True,
)
def download_report(clicks: int | None, state_data: dict[str, Any] | None) -> dict[str, Any]:
    if not check_input(ids.OVERVIEW_REPORT_BUTTON, "n_clicks", clicks):
        raise PreventUpdate
    return report_download(state_data)
