"""The overview's KPI cards: one per KPI that has a target, grouped by theme — the latest
complete year's value, a ten-year sparkline, each target with its source and progress status
(text and symbol, never colour alone), the provisional marker, and a link to the detail page
with the same filters.

All numbers come from ``dashboard.kpis.query.kpi_frame``; statuses from
``dashboard.kpis.status``.
"""

from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import ids
from dashboard.components.chart import graph_config, local_topojson_url
from dashboard.figures.theme import COLORWAY, MUTED_TEXT_COLOUR, TEMPLATE
from dashboard.filters_state import FilterState, academic_year_label, to_query
from dashboard.i18n import _
from dashboard.kpis import query
from dashboard.kpis.registry import KPIS, THEMES, Kpi
from dashboard.kpis.status import Progress, progress
from dashboard.kpis.table import group_scoped_targets, status_series
from dashboard.kpis.targets import Target

THEME_PAGES = {"diversity": "/diversity", "mobility": "/mobility", "networks": "/networks"}
# A symbol per status next to its words (the words carry the meaning; the symbol helps scan).
STATUS_SYMBOLS = {
    "target_achieved": "✔",
    "on_track": "↗",
    "fair_progress": "→",
    "limited_progress": "–",
    "deterioration": "↘",
    "no_change": "→",
    "achieved_by": "✔",
    "missed_by": "✘",
    "no_target": "○",
    "not_enough_data": "?",
}
STATUS_CLASSES = {
    "target_achieved": "status-achieved",
    "on_track": "status-on-track",
    "fair_progress": "status-fair",
    "limited_progress": "status-limited",
    "deterioration": "status-deterioration",
    "no_change": "status-limited",
    "achieved_by": "status-achieved",
    "missed_by": "status-deterioration",
    "no_target": "status-none",
    "not_enough_data": "status-none",
}


@dataclass(frozen=True)
class CardData:
    """What one overview card shows."""

    kpi: Kpi
    frame: pd.DataFrame
    year: int | None
    value: float | None
    provisional: bool
    targets: list[tuple[Target, Progress]]
    method: str
    # The university's targets on a narrower view: a reference line, never scored.
    references: tuple[Target, ...] = ()


def card_data(
    cursor: duckdb.DuckDBPyConnection,
    kpi: Kpi,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
    years: list[int],
) -> CardData:
    """The KPI's series for the selection and its status against each target at the latest
    complete (non-provisional) year with a value."""
    frame = query.kpi_frame(cursor, kpi.id, state, None, context, years=years)
    known = frame[frame[query.VALUE].notna()]
    complete = known[~known[query.PROVISIONAL]]
    chosen = complete if not complete.empty else known
    if chosen.empty:
        year, value, provisional, method = None, None, False, ""
    else:
        last = chosen.iloc[-1]
        year, value = int(last[query.ACADEMIC_YEAR]), float(last[query.VALUE])
        provisional, method = bool(last[query.PROVISIONAL]), str(last[query.METHOD])
    # One method only: a participation-rate fallback year is neither scored nor a baseline
    # (the year shown may then have no status: "not enough data").
    series = status_series(known)
    scoped = group_scoped_targets(targets, kpi.id, state, None, "")
    statuses = [(target, progress(target, series, year)) for target in scoped.scored]
    return CardData(kpi, frame, year, value, provisional, statuses, method, tuple(scoped.reference))


def format_kpi_value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.2f}"


def sparkline(data: CardData) -> go.Figure:
    frame = data.frame
    figure = go.Figure(
        go.Scatter(
            x=[academic_year_label(int(y)) for y in frame[query.ACADEMIC_YEAR]],
            y=frame[query.VALUE],
            mode="lines+markers",
            line={"color": COLORWAY[0], "width": 2},
            marker={
                "size": 5,
                "symbol": ["circle-open" if p else "circle" for p in frame[query.PROVISIONAL]],
            },
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    )
    for target, _progress in data.targets[:2]:
        figure.add_hline(
            y=target.value, line={"color": MUTED_TEXT_COLOUR, "dash": "dash", "width": 1}
        )
    for target in data.references[:2]:
        figure.add_hline(
            y=target.value, line={"color": MUTED_TEXT_COLOUR, "dash": "dot", "width": 1}
        )
    figure.update_layout(
        template=TEMPLATE,
        height=70,
        margin={"l": 0, "r": 0, "t": 4, "b": 4},
        xaxis={"visible": False, "type": "category"},
        yaxis={"visible": False, "rangemode": "tozero"},
        showlegend=False,
    )
    return figure


def status_badge(result: Progress) -> html.Span:
    return html.Span(
        [
            html.Span(STATUS_SYMBOLS[result.status], className="me-1", **{"aria-hidden": "true"}),
            result.label,
        ],
        className=f"kpi-status {STATUS_CLASSES[result.status]}",
    )


def kpi_card(data: CardData, search: str) -> dbc.Card:
    kpi = data.kpi
    year_text = academic_year_label(data.year) if data.year is not None else _("no value to show")
    facts = [
        html.Div(
            [
                html.Span(format_kpi_value(data.value, kpi.unit), className="kpi-value"),
                html.Span(f" {year_text}", className="kpi-year text-body-secondary"),
            ]
        )
    ]
    if data.provisional:
        facts.append(html.Span(_("provisional"), className="badge text-bg-light border me-1"))
    if data.method and data.method != query.METHOD_GRADUATES and data.method != "":
        facts.append(html.Div(data.method, className="small text-body-secondary"))
    target_items = [
        html.Li(
            [
                status_badge(result),
                html.Span(f" {_('Target')} {target.describe()}", className="ms-1"),
                html.Div(target.source, className="kpi-source small text-body-secondary"),
            ],
            className="mb-1",
        )
        for target, result in data.targets
    ]
    target_items += [
        html.Li(
            [
                html.Span(_("Reference, not scored:"), className="kpi-reference"),
                html.Span(f" {_('university target')} {target.describe()}", className="ms-1"),
                html.Div(target.source, className="kpi-source small text-body-secondary"),
            ],
            className="mb-1",
        )
        for target in data.references
    ]
    path = THEME_PAGES[kpi.theme]
    return dbc.Card(
        [
            dbc.CardBody(
                [
                    html.H3(kpi.name, className="h6 card-title mb-1"),
                    *facts,
                    dcc.Graph(
                        id=ids.overview_sparkline(kpi.id),
                        figure=sparkline(data),
                        config={**graph_config(local_topojson_url()), "displayModeBar": False},
                        style={"height": "70px"},
                        className="kpi-sparkline",
                    ),
                    html.Ul(target_items, className="list-unstyled mb-2 small"),
                    dcc.Link(
                        _("Details: {name}").format(name=kpi.name),
                        href=f"{path}?{search}",
                        className="small",
                    ),
                ]
            )
        ],
        className="kpi-card h-100",
        id=f"overview-card-{kpi.id}",
    )


def overview_sections(
    cursor: duckdb.DuckDBPyConnection,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
) -> list:
    """A section per theme with the cards of its KPIs that have a target. On a narrower
    selection (faculties, programmes, cycles), a KPI without a value for it (a PhD share
    for a bachelor's programme) gets no card of its own: one line names them instead of a
    row of "no value" cards."""
    years = query.data_years(cursor)
    search = to_query(state)
    targeted = {t.kpi_id for t in targets}
    narrowed = bool(state.faculties or state.programmes or state.cycles)
    sections = []
    for theme, title in THEMES.items():
        kpis = [kpi for kpi in KPIS if kpi.theme == theme and kpi.id in targeted]
        if not kpis:
            continue
        data = [card_data(cursor, kpi, state, context, targets, years) for kpi in kpis]
        without_value = [d.kpi.name for d in data if narrowed and d.value is None]
        cards = [
            dbc.Col(kpi_card(d, search), md=6, xl=4, class_name="mb-3")
            for d in data
            if not (narrowed and d.value is None)
        ]
        heading_id = f"overview-theme-{theme}"
        children = [html.H2(title, className="h4", id=heading_id), dbc.Row(cards)]
        if without_value:
            children.append(
                html.P(
                    _("No value for this selection: {names}.").format(
                        names=", ".join(without_value)
                    ),
                    className="small text-body-secondary",
                )
            )
        sections.append(html.Section(children, **{"aria-labelledby": heading_id}))
    return sections
