"""The overview's KPI cards: one per KPI that has a target, grouped by theme — the latest
complete year's value, a ten-year sparkline, each target with its source and progress status
(text and symbol, never colour alone), the provisional marker, and a link to the detail page
with the same filters.

Above the cards, the board summary: how many targets are achieved, on track or at risk.
Cards and summary are read from one source: the selection's KPI table
(``dashboard.kpis.table.kpi_table``) turned into what each card shows by
``dashboard.board.board_kpis``; the summary counts exactly the statuses the cards show. Each
card also shows its change since the previous year and the commentary written for its year
(``dashboard.board``: the commentary file).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
from dash import dcc, html

from dashboard import board, ids
from dashboard.components.chart import graph_config, local_topojson_url
from dashboard.figures.theme import COLORWAY, MUTED_TEXT_COLOUR, figure_dict, numbers
from dashboard.filters_state import FilterState, academic_year_label, to_query
from dashboard.i18n import _, format_date, plotly_separators
from dashboard.kpis import query
from dashboard.kpis.registry import KPIS, THEMES, UNIT_SPECS, Kpi, get_kpi, theme_label
from dashboard.kpis.status import Progress
from dashboard.kpis.table import kpi_table
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
    change: board.Change | None = None
    commentary: tuple[board.Commentary, ...] = ()


def from_board(item: board.BoardKpi, commentary: tuple[board.Commentary, ...] = ()) -> CardData:
    """A card's data from the board's reading of the KPI table."""
    return CardData(
        kpi=get_kpi(item.kpi_id),
        frame=item.rows,
        year=item.year,
        value=item.value,
        provisional=item.provisional,
        targets=[(status.target, status.progress) for status in item.statuses],
        method=item.method,
        references=item.references,
        change=item.change,
        commentary=commentary,
    )


def card_data(
    cursor: duckdb.DuckDBPyConnection,
    kpi: Kpi,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
    years: list[int] | None = None,
) -> CardData:
    """One KPI's card for a selection: its series and its status against each target at the
    latest complete (non-provisional) year with a value (``years`` is not needed any more:
    the KPI table reads them)."""
    table = kpi_table(cursor, state, context, targets, kpi_ids=[kpi.id])
    return from_board(board.board_kpis(table, targets, state, [kpi.id])[0])


def format_kpi_value(value: float | None, unit: str) -> str:
    return "–" if value is None else UNIT_SPECS[unit].text(value)


def sparkline(data: CardData) -> dict[str, Any]:
    """The card's trend as a plotly figure (a plain dict, like every figure of the
    dashboard: ``dashboard.figures.theme.figure_dict``). Targets are dashed lines, the
    university's references dotted, a provisional year an open marker."""
    frame = data.frame
    values = numbers(frame[query.VALUE])

    def level(value: float, dash: str) -> dict[str, Any]:
        return {
            "type": "line",
            "xref": "x domain",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": value,
            "y1": value,
            "line": {"color": MUTED_TEXT_COLOUR, "dash": dash, "width": 1},
        }

    shapes = [level(target.value, "dash") for target, _progress in data.targets[:2]]
    shapes += [level(target.value, "dot") for target in data.references[:2]]
    return figure_dict(
        [
            {
                "type": "scatter",
                "x": [academic_year_label(int(y)) for y in frame[query.ACADEMIC_YEAR]],
                "y": values,
                "mode": "lines+markers",
                "line": {"color": COLORWAY[0], "width": 2},
                "marker": {
                    "size": 5,
                    "symbol": ["circle-open" if p else "circle" for p in frame[query.PROVISIONAL]],
                },
                "hovertemplate": "%{x}: %{y:.1f}<extra></extra>",
            }
        ],
        {
            "separators": plotly_separators(),
            "height": 70,
            "margin": {"l": 0, "r": 0, "t": 4, "b": 4},
            "xaxis": {"visible": False, "type": "category"},
            "yaxis": {"visible": False, "rangemode": "tozero"},
            "showlegend": False,
            "shapes": shapes,
        },
    )


def print_sparkline(data: CardData, width: int = 300, height: int = 70) -> html.Img:
    """The sparkline as a small SVG image for paper: it scales to the printed card's width
    (a plotly graph keeps the width it was drawn at on screen and would run past the card's
    edge). Lines only, with the targets dashed; shown by the print style sheet only."""
    frame = data.frame
    values = numbers(frame[query.VALUE]) if len(frame) else []
    lines = [t.value for t, _p in data.targets[:2]] + [t.value for t in data.references[:2]]
    known = [v for v in values if v is not None] + lines
    top = max([*known, 0.0]) * 1.05 or 1.0
    bottom = min([*known, 0.0])
    span = (top - bottom) or 1.0
    pad = 4

    def y(value: float) -> float:
        return round(pad + (height - 2 * pad) * (1 - (value - bottom) / span), 2)

    step = (width - 2 * pad) / max(len(values) - 1, 1)
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{round(pad + index * step, 2)},{y(value)}")
    if current:
        segments.append(current)
    # A faint zero line: the space under the series reads as the chart's, not as a gap.
    shapes = [
        f'<line x1="0" x2="{width}" y1="{y(bottom)}" y2="{y(bottom)}" stroke="#ced4da" '
        'stroke-width="1" vector-effect="non-scaling-stroke"/>'
    ]
    shapes += [
        f'<line x1="0" x2="{width}" y1="{y(v)}" y2="{y(v)}" stroke="#595959" '
        'stroke-width="1" stroke-dasharray="4 3" vector-effect="non-scaling-stroke"/>'
        for v in lines
    ]
    shapes += [
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{COLORWAY[0]}" '
        'stroke-width="2" vector-effect="non-scaling-stroke"/>'
        for points in segments
        if len(points) > 1
    ]
    shapes += [
        f'<circle cx="{points[0].split(",")[0]}" cy="{points[0].split(",")[1]}" r="2" '
        f'fill="{COLORWAY[0]}"/>'
        for points in segments
        if len(points) == 1
    ]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="none">{"".join(shapes)}</svg>'
    )
    encoded = base64.b64encode(svg.encode()).decode()
    return html.Img(
        src=f"data:image/svg+xml;base64,{encoded}",
        alt="",
        className="kpi-sparkline-print",
        **{"aria-hidden": "true"},
    )


def status_badge(result: Progress) -> html.Span:
    # data-summary-group: which count of the board summary this status is part of.
    group = board.status_group(result.status) or "none"
    return html.Span(
        [
            html.Span(STATUS_SYMBOLS[result.status], className="me-1", **{"aria-hidden": "true"}),
            result.label,
        ],
        className=f"kpi-status {STATUS_CLASSES[result.status]}",
        **{"data-summary-group": group},
    )


def change_line(change: board.Change) -> html.Div:
    """``↑ +1.1 pp since 2022-23`` (the arrow hidden from screen readers: the sign and words
    carry it), or ``n/a: 2022-23 withheld``."""
    direction = change.direction or "none"
    if change.difference is None:
        content: list = [change.text]
    else:
        since = academic_year_label(change.previous_year) if change.previous_year else ""
        content = [
            html.Span(change.arrow, className="me-1", **{"aria-hidden": "true"}),
            html.Span(change.value_text, className="fw-semibold"),
            " " + _("since {year}").format(year=since),
        ]
    return html.Div(
        content,
        className=f"kpi-change kpi-change-{direction} small",
        **{"data-change": direction},
    )


def commentary_block(entry: board.Commentary) -> html.Figure:
    """The commentary for the card's year: its text as plain text (never markup), shortened
    on the card, with who wrote it and when."""
    shortened = board.short_text(entry.text)
    quote_props = {"title": entry.text} if shortened != entry.text else {}
    return html.Figure(
        [
            html.Blockquote(html.P(shortened, className="mb-0"), className="mb-1", **quote_props),
            html.Figcaption(
                [
                    _("Commentary on {year}").format(year=academic_year_label(entry.academic_year)),
                    " — ",
                    entry.author,
                    ", ",
                    html.Time(format_date(entry.written_on), dateTime=entry.written_on.isoformat()),
                ],
                className="kpi-commentary-byline",
            ),
        ],
        className="kpi-commentary small mb-2",
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
        facts.append(html.Div(_(data.method), className="small text-body-secondary"))
    if data.change is not None and data.year is not None:
        facts.append(change_line(data.change))
    target_items = [
        html.Li(
            [
                status_badge(result),
                html.Span(f" {_('Target')} {target.describe()}", className="ms-1"),
                html.Div(target.text("source"), className="kpi-source small text-body-secondary"),
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
                html.Div(target.text("source"), className="kpi-source small text-body-secondary"),
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
                    html.H3(kpi.text("name"), className="h6 card-title mb-1"),
                    *facts,
                    dcc.Graph(
                        id=ids.overview_sparkline(kpi.id),
                        figure=sparkline(data),
                        config={**graph_config(local_topojson_url()), "displayModeBar": False},
                        style={"height": "70px"},
                        className="kpi-sparkline",
                    ),
                    print_sparkline(data),
                    html.Ul(target_items, className="list-unstyled mb-2 small"),
                    *[commentary_block(entry) for entry in data.commentary],
                    dcc.Link(
                        _("Details: {name}").format(name=kpi.text("name")),
                        href=f"{path}?{search}",
                        className="small",
                    ),
                ]
            )
        ],
        className="kpi-card h-100",
        id=f"overview-card-{kpi.id}",
    )


SUMMARY_SYMBOLS = {
    board.ACHIEVED: "✔",
    board.ON_TRACK: "↗",
    board.AT_RISK: "!",
    board.NOT_SCORED: "?",
}
SUMMARY_CLASSES = {
    board.ACHIEVED: "status-achieved",
    board.ON_TRACK: "status-on-track",
    board.AT_RISK: "status-deterioration",
    board.NOT_SCORED: "status-none",
}


def summary_section(summary: board.BoardSummary) -> html.Section:
    """The board summary: a count per group (not enough data only when some are), the
    sentence for screen readers and print, and what "at risk" means."""
    counts = summary.counts()
    shown = [group for group in counts if group != board.NOT_SCORED or counts[group]]
    tiles = [
        html.Li(
            [
                html.Span(
                    SUMMARY_SYMBOLS[group],
                    className="board-count-symbol",
                    **{"aria-hidden": "true"},
                ),
                html.Span(str(counts[group]), className="board-count-number"),
                html.Span(board.group_label(group), className="board-count-label"),
            ],
            className=f"board-count {SUMMARY_CLASSES[group]}",
            id=f"overview-summary-{group}",
            **{"data-count": str(counts[group])},
        )
        for group in shown
    ]
    heading_id = "overview-summary-heading"
    if summary.total == 0:
        return html.Section(
            [
                html.H2(_("Board summary"), className="h5 mb-2", id=heading_id),
                html.P(
                    _(
                        "No targets are set for this selection: the cards show the "
                        "university's targets as unscored references where they apply."
                    ),
                    className="board-summary-note small mb-0",
                    id="overview-summary-text",
                ),
            ],
            className="board-summary",
            id="overview-board-summary",
            **{"aria-labelledby": heading_id},
        )
    return html.Section(
        [
            html.H2(
                _("Board summary: {total} targets").format(total=summary.total),
                className="h5 mb-2",
                id=heading_id,
            ),
            html.Ul(tiles, className="board-counts list-unstyled mb-2"),
            html.P(
                [
                    summary.text,
                    " ",
                    _("Each target is scored at its card's latest complete year."),
                    " ",
                    _(board.AT_RISK_DEFINITION),
                ],
                className="board-summary-note small text-body-secondary mb-0",
                id="overview-summary-text",
            ),
        ],
        className="board-summary",
        id="overview-board-summary",
        **{"aria-labelledby": heading_id},
    )


def overview_sections(
    cursor: duckdb.DuckDBPyConnection,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
    commentary: list[board.Commentary] | None = None,
) -> list:
    """The board summary, then a section per theme with the cards of its KPIs that have a
    target. On a narrower selection (faculties, programmes, cycles), a KPI without a value
    for it (a PhD share for a bachelor's programme) gets no card of its own: one line names
    them instead of a row of "no value" cards. Summary and cards come from one KPI table."""
    search = to_query(state)
    targeted = {t.kpi_id for t in targets}
    narrowed = bool(state.faculties or state.programmes or state.cycles)
    kpi_ids = [kpi.id for kpi in KPIS if kpi.id in targeted]
    if not kpi_ids:
        return []
    table = kpi_table(cursor, state, context, targets, kpi_ids=kpi_ids)
    items = {item.kpi_id: item for item in board.board_kpis(table, targets, state, kpi_ids)}
    shown = [item for item in items.values() if not (narrowed and item.value is None)]
    sections: list = [summary_section(board.summarise(shown))]
    for theme in THEMES:
        title = theme_label(theme)
        kpis = [kpi for kpi in KPIS if kpi.theme == theme and kpi.id in items]
        if not kpis:
            continue
        data = [
            from_board(
                items[kpi.id],
                tuple(
                    board.commentary_for(
                        commentary or [], kpi.id, items[kpi.id].year, items[kpi.id].scope
                    )
                ),
            )
            for kpi in kpis
        ]
        without_value = [d.kpi.text("name") for d in data if narrowed and d.value is None]
        cards = [
            dbc.Col(kpi_card(d, search), md=6, xl=4, class_name="mb-3 kpi-card-col")
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
        sections.append(
            html.Section(children, className="overview-theme", **{"aria-labelledby": heading_id})
        )
    return sections
