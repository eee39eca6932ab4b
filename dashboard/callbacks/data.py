"""Callbacks of the Data page: the enrolment-per-year chart follows the selected years."""

from __future__ import annotations

from typing import Any

from dash import Input, callback
from dash.exceptions import PreventUpdate

from dashboard import ids, runtime
from dashboard.callbacks.chart import register_content
from dashboard.components.chart import ChartContent, chart_outputs, render_chart
from dashboard.components.data_status import enrolment_chart
from dashboard.filters_state import FilterState
from etl.status import read_status
from etl.users import DATA_DETAILS


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
