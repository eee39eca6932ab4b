"""Callbacks of the Data page: the enrolment-per-year chart follows the selected years."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, callback, dcc
from dash.exceptions import PreventUpdate

from dashboard import ids, runtime
from dashboard.callbacks.chart import register_content
from dashboard.components.chart import ChartContent, chart_outputs, render_chart
from dashboard.components.data_status import enrolment_chart
from dashboard.exports import EXCEL_TYPE, WORKBOOK_NAME, kpi_workbook
from dashboard.filters_state import FilterState
from dashboard.security import check_input
from etl.status import read_status
from etl.users import DATA_DETAILS, DOWNLOAD


def enrolment_content(state_data: dict[str, Any] | None) -> ChartContent:
    """The enrolment chart's content for a selection (drawn, and built again for its
    downloads)."""
    if not runtime.may(DATA_DETAILS):
        raise PreventUpdate  # university-wide headcounts: not for a faculty's scope
    settings = runtime.settings()
    with runtime.callback_cursor() as cursor:
        status = read_status(cursor)
        options = runtime.filter_options(cursor)
    return enrolment_chart(status, FilterState.from_dict(state_data), options, settings)


register_content(ids.DATA_ENROLMENT_CHART, enrolment_content)


@callback(*chart_outputs(ids.DATA_ENROLMENT_CHART), Input(ids.FILTER_STATE, "data"))
def update_enrolment_chart(state_data: dict[str, Any] | None) -> tuple[Any, ...]:
    return render_chart(enrolment_content(state_data))


def workbook_download(state_data: dict[str, Any] | None) -> dict[str, Any]:
    """``dcc.Download`` data for "Download everything": every KPI of the selection, built
    here from the validated store under the request's scope and the server's preset."""
    if not runtime.may(DOWNLOAD):
        raise PreventUpdate  # the request guard has refused it already; a direct call too
    state = runtime.scoped_state(FilterState.from_dict(state_data))
    who = runtime.access()
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
        content = kpi_workbook(
            cursor,
            state,
            runtime.query_context(),
            runtime.targets(),
            options=options,
            user=who.name if who is not None else "",
        )
    return dcc.send_bytes(content, WORKBOOK_NAME, type=EXCEL_TYPE)


@callback(
    Output(ids.DATA_WORKBOOK_DOWNLOAD, "data"),
    Input(ids.DATA_WORKBOOK_BUTTON, "n_clicks"),
    State(ids.FILTER_STATE, "data"),
    prevent_initial_call=True,
)
def download_workbook(clicks: int | None, state_data: dict[str, Any] | None) -> dict[str, Any]:
    if not check_input(ids.DATA_WORKBOOK_BUTTON, "n_clicks", clicks):
        raise PreventUpdate
    return workbook_download(state_data)
