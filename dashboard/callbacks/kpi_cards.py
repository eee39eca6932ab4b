"""The callback behind every KPI chart card: when the filter selection changes, ask the
query layer and redraw. Page callback modules call :func:`register` with their charts."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from dash import Input, callback

from dashboard import ids, runtime
from dashboard.callbacks.chart import register_content
from dashboard.components.chart import ChartContent, chart_outputs, render_chart
from dashboard.components.kpi_chart import ChartInputs, KpiChart, kpi_chart_content
from dashboard.filters_state import FilterState, with_defaults
from dashboard.queries.status import published_meta


def chart_content(spec: KpiChart, state_data: dict[str, Any] | None) -> ChartContent:
    """What the chart card shows for a selection (drawn by its callback, and built again
    for its downloads)."""
    settings = runtime.settings()
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
        state = runtime.scoped_state(with_defaults(FilterState.from_dict(state_data), options))
        inputs = ChartInputs(
            cursor=cursor,
            state=state,
            options=options,
            settings=settings,
            targets=runtime.targets(),
            meta=published_meta(cursor),
        )
        return kpi_chart_content(spec, inputs)


def chart_values(spec: KpiChart, state_data: dict[str, Any] | None) -> tuple[Any, ...]:
    """The chart card's outputs for a selection (what the callback returns)."""
    return render_chart(chart_content(spec, state_data))


def register(specs: Iterable[KpiChart]) -> None:
    """One callback per chart card, fired by the filter store; its downloads are built
    from the same content."""
    for spec in specs:
        register_content(spec.prefix, functools.partial(chart_content, spec))

        def update(state_data: dict[str, Any] | None, spec: KpiChart = spec) -> tuple[Any, ...]:
            return chart_values(spec, state_data)

        callback(*chart_outputs(spec.prefix), Input(ids.FILTER_STATE, "data"))(update)
