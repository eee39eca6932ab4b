"""The callback behind every KPI chart card: when the filter selection changes, ask the
query layer and redraw. ``dashboard/callbacks/pages.py`` calls :func:`register` with the
charts each page declares.

A card's content is cached (``dashboard.cache``) per data version, selection and reader, so
a selection seen before is answered without a query."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from dash import Input, callback

from dashboard import cache, ids, runtime
from dashboard.callbacks.chart import register_content
from dashboard.components.chart import ChartContent, chart_outputs, generated_at, render_chart
from dashboard.components.kpi_chart import ChartInputs, KpiChart, kpi_chart_content
from dashboard.filters_state import FilterState, with_defaults
from dashboard.queries.status import published_meta


def chart_content(spec: KpiChart, state_data: dict[str, Any] | None) -> ChartContent:
    """What the chart card shows for a selection, as its downloads need it (the callback
    draws the same content through :func:`chart_values`); a repeat of a selection under the
    same data version and reader is read from the cache, with its data sheet's time of
    generation renewed."""
    # Validated before anything is read: a forged store raises InvalidInput (answered 400).
    selection = FilterState.from_dict(state_data).to_dict()
    key = cache.result_key("chart", selection, chart=spec.prefix)
    content = cache.cached(key, lambda: _compute_chart_content(spec, selection))
    return replace(content, data_sheet=replace(content.data_sheet, generated_at=generated_at()))


def _compute_chart_content(spec: KpiChart, selection: dict[str, Any]) -> ChartContent:
    settings = runtime.settings()
    with runtime.callback_cursor() as cursor:
        options = runtime.filter_options(cursor)
        state = runtime.scoped_state(with_defaults(FilterState.from_dict(selection), options))
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
    """The chart card's outputs for a selection (what the callback returns), computed now:
    only what is sent is cached (:func:`cached_chart_values`), not the content behind it,
    which a download computes (and caches) when it is asked for."""
    selection = FilterState.from_dict(state_data).to_dict()
    return render_chart(_compute_chart_content(spec, selection))


def cached_chart_values(spec: KpiChart, state_data: dict[str, Any] | None) -> tuple[Any, ...]:
    """:func:`chart_values`, cached as the callback sends them."""
    selection = FilterState.from_dict(state_data).to_dict()
    key = cache.result_key("chart-outputs", selection, chart=spec.prefix)
    return cache.cached(key, lambda: chart_values(spec, selection))


def register(specs: Iterable[KpiChart]) -> None:
    """One callback per chart card, fired by the filter store; its downloads are built
    from the same content."""
    for spec in specs:
        register_content(spec.prefix, functools.partial(chart_content, spec))

        def update(state_data: dict[str, Any] | None, spec: KpiChart = spec) -> tuple[Any, ...]:
            return cached_chart_values(spec, state_data)

        callback(*chart_outputs(spec.prefix), Input(ids.FILTER_STATE, "data"))(update)
