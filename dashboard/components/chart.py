"""The reusable chart card: a titled chart, its accessible table twin, a one-sentence summary
and "Download data" as CSV or Excel.

A page puts ``chart_card(prefix)`` in its layout and fills it from one callback::

    @callback(*chart_outputs(PREFIX), Input(ids.FILTER_STATE, "data"))
    def update(state_data):
        ...
        return render_chart(ChartContent(title=..., figure=..., frame=..., ...))

``frame`` holds exactly the plotted numbers; the card's table, its downloads and its data
sheet are all built from it, so what is downloaded is what is drawn. The downloads are
served by the pattern-matching callback in ``dashboard/callbacks/chart.py``, which builds
the card's content again on the server from the filter selection (through the same query
layer and its disclosure control); no row the browser holds is ever written to a file.

Export formats: Excel has two sheets, "Data" and "Data sheet". CSV is one file a person can
open anywhere: the data sheet first, as ``# key: value`` comment lines, then the data rows
with a header (``pandas.read_csv(path, comment="#")`` and R's ``read.csv(comment.char="#")``
skip the comments). Both are UTF-8; the CSV starts with a byte-order mark so Excel shows
accented names correctly.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Output, dcc, html

from dashboard import ids
from dashboard.figures.theme import figure_dict
from dashboard.i18n import _, d3_formatter, localise_number_text
from dashboard.kpis.suppression import PRESETS
from etl.cells import neutralise, neutralise_frame

GRAPH_HEIGHT = "380px"
# Column kinds: how the table formats a column and the summary reads it.
KINDS = ("text", "year", "count", "number", "rate", "flag")
# How a data sheet names each disclosure-control preset (from the presets themselves).
SUPPRESSION_PRESETS = {name: preset.description for name, preset in PRESETS.items()}


@dataclass(frozen=True)
class ChartColumn:
    """One column of the plotted data: machine name, heading, and kind (see :data:`KINDS`)."""

    field: str
    header: str
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.field}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class DataSheet:
    """What a download says about its numbers (rendered from the KPI registry by the pages)."""

    measure: str
    definition: str
    filters: str
    basis: str
    suppression: str
    data_version: str
    published_at: str
    generated_at: str
    provisional_years: tuple[str, ...] = ()
    kpi_id: str = ""
    numerator: str = ""
    denominator: str = ""
    unit: str = ""
    notes: tuple[str, ...] = ()

    def rows(self, columns: Sequence[ChartColumn] = ()) -> list[tuple[str, str]]:
        """``(key, value)`` lines, in reading order; empty optional fields left out."""
        lines: list[tuple[str, str]] = [(_("Measure"), self.measure)]
        if self.kpi_id:
            lines.append((_("KPI id"), self.kpi_id))
        lines.append((_("Definition"), self.definition))
        for key, value in (
            (_("Numerator"), self.numerator),
            (_("Denominator"), self.denominator),
            (_("Unit"), self.unit),
        ):
            if value:
                lines.append((key, value))
        lines += [
            (_("Filters"), self.filters),
            (_("International basis"), self.basis),
            (
                _("Suppression preset"),
                _(SUPPRESSION_PRESETS.get(self.suppression, self.suppression)),
            ),
            (_("Data version"), self.data_version),
            (_("Published at"), self.published_at),
            (
                _("Provisional years"),
                ", ".join(self.provisional_years) if self.provisional_years else _("none"),
            ),
            (_("Generated at"), self.generated_at),
        ]
        lines += [(_("Note"), note) for note in self.notes]
        lines += [
            (_("Column {field}").format(field=column.field), _(column.header)) for column in columns
        ]
        return lines


def generated_at(now: dt.datetime | None = None) -> str:
    """A UTC timestamp for data sheets, e.g. ``2025-01-31 14:05 UTC``."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class ChartContent:
    """Everything one chart card shows. ``figure`` is ``None`` when there is nothing to plot."""

    title: str
    # A plotly figure as a plain dict (``dashboard.figures``).
    figure: dict[str, Any] | None
    frame: pd.DataFrame
    columns: tuple[ChartColumn, ...]
    summary: str
    data_sheet: DataSheet
    empty_message: str = ""
    filename: str = "data"

    @property
    def is_empty(self) -> bool:
        return self.figure is None or self.frame.empty


# --- layout -------------------------------------------------------------------------------


def local_topojson_url() -> str:
    """The app's own ``/assets/topojson/`` URL (with ``requests_pathname_prefix``)."""
    return dash.get_asset_url("topojson/")


def graph_config(topojson_url: str, filename: str = "chart") -> dict[str, Any]:
    """The mandatory ``dcc.Graph`` config: nothing leaves for plotly's servers (no "send to
    cloud", no logo link, map outlines from the app's own assets), PNG download kept."""
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "topojsonURL": topojson_url,
        "responsive": True,
        "displayModeBar": "hover",
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def chart_card(
    prefix: str,
    heading: str = "",
    *,
    topojson_url: str | None = None,
    height: str = GRAPH_HEIGHT,
) -> dbc.Card:
    """An empty chart card; a page callback fills it with :func:`render_chart`."""
    config = graph_config(
        local_topojson_url() if topojson_url is None else topojson_url, filename=prefix
    )
    return dbc.Card(
        [
            dbc.CardHeader(
                html.H2(heading, id=ids.chart_title(prefix), className="h5 mb-0 chart-title"),
            ),
            dbc.CardBody(
                [
                    html.Figure(
                        [
                            html.Div(
                                id=ids.chart_empty(prefix),
                                hidden=True,
                                className="chart-empty",
                                role="status",
                            ),
                            dcc.Graph(
                                id=ids.chart_graph(prefix),
                                config=config,
                                responsive=True,
                                style={"height": height},
                                className="chart-graph",
                            ),
                            html.Figcaption(
                                id=ids.chart_summary(prefix),
                                className="chart-summary",
                                **{"aria-live": "polite"},
                            ),
                        ],
                        className="mb-2",
                    ),
                    # The table twin in a native <details>: keyboard and screen-reader
                    # support come with the element (dbc.Tabs 2.0 emits invalid ARIA ids).
                    html.Details(
                        [
                            html.Summary(_("Show the numbers as a table"), className="mb-2"),
                            dag.AgGrid(
                                id=ids.chart_table(prefix),
                                columnDefs=[],
                                rowData=[],
                                # Flex columns, not sizeColumnsToFit: the table starts
                                # folded away, where the grid has no width to fit.
                                defaultColDef={
                                    "sortable": True,
                                    "resizable": True,
                                    "flex": 1,
                                    "minWidth": 120,
                                },
                                dashGridOptions={
                                    "domLayout": "autoHeight",
                                    "ensureDomOrder": True,
                                    "suppressColumnVirtualisation": True,
                                },
                                className="chart-table",
                                style={"height": None},
                            ),
                        ],
                        className="chart-table-details mb-3",
                    ),
                    # What the table view shows, kept out of the grid until it is opened:
                    # 13 folded grids redrawn on every filter change cost the browser
                    # ~0.5 s a click (assets/table_view.js fills a grid as it opens).
                    dcc.Store(id=ids.chart_table_columns(prefix), data=[]),
                    dcc.Store(id=ids.chart_table_rows(prefix), data=[]),
                    dcc.Store(id=ids.chart_table_open(prefix), data=False),
                    html.Div(
                        [
                            html.Span(
                                _("Download data"),
                                id=f"{prefix}-download-label",
                                className="me-2 small text-body-secondary",
                            ),
                            html.Div(  # a Bootstrap button group, with a name for screen readers
                                [
                                    dbc.Button(
                                        "CSV",
                                        id=ids.chart_download_csv(prefix),
                                        color="secondary",
                                        outline=True,
                                        size="sm",
                                        disabled=True,
                                    ),
                                    dbc.Button(
                                        "Excel",
                                        id=ids.chart_download_excel(prefix),
                                        color="secondary",
                                        outline=True,
                                        size="sm",
                                        disabled=True,
                                    ),
                                ],
                                className="btn-group",
                                role="group",
                                **{"aria-labelledby": f"{prefix}-download-label"},
                            ),
                        ],
                        className="d-flex align-items-center flex-wrap",
                    ),
                    dcc.Download(id=ids.chart_download(prefix)),
                ]
            ),
        ],
        className="chart-card mb-4",
    )


def chart_outputs(prefix: str) -> list[Output]:
    """The outputs a page callback fills, in the order :func:`render_chart` returns them."""
    return [
        Output(ids.chart_title(prefix), "children"),
        Output(ids.chart_graph(prefix), "figure"),
        Output(ids.chart_graph(prefix), "style"),
        Output(ids.chart_empty(prefix), "children"),
        Output(ids.chart_empty(prefix), "hidden"),
        Output(ids.chart_table_columns(prefix), "data"),
        Output(ids.chart_table_rows(prefix), "data"),
        Output(ids.chart_summary(prefix), "children"),
        Output(ids.chart_download_csv(prefix), "disabled"),
        Output(ids.chart_download_excel(prefix), "disabled"),
    ]


def render_chart(content: ChartContent, height: str = GRAPH_HEIGHT) -> tuple[Any, ...]:
    """Values for :func:`chart_outputs`."""
    empty = content.is_empty
    figure = blank_figure() if empty else content.figure
    return (
        content.title,
        figure,
        {"height": height, "display": "none"} if empty else {"height": height},
        content.empty_message if empty else "",
        not empty,
        table_columns(content.columns),
        table_rows(content.frame, content.columns),
        # When empty, the visible explanation (a status region) speaks instead.
        "" if empty else content.summary,
        empty,
        empty,
    )


def blank_figure() -> dict[str, Any]:
    """A figure with no axes (what the hidden graph holds while a selection is empty)."""
    return figure_dict([], {"xaxis": {"visible": False}, "yaxis": {"visible": False}})


# --- table --------------------------------------------------------------------------------

# d3 formats of the table view's number columns (written in the reader's language).
_FORMATTERS = {"count": ",", "number": ",.2~f", "rate": ".1%"}


def table_columns(columns: Sequence[ChartColumn]) -> list[dict[str, Any]]:
    """AG Grid ``columnDefs`` for the table view."""
    definitions = []
    for column in columns:
        definition: dict[str, Any] = {"field": column.field, "headerName": _(column.header)}
        if column.kind in _FORMATTERS:
            definition["type"] = "rightAligned"
            definition["valueFormatter"] = {"function": d3_formatter(_FORMATTERS[column.kind])}
        if column.kind == "flag":
            # Words, not AG Grid's default read-only checkbox for booleans.
            definition["cellDataType"] = "text"
            definition["valueFormatter"] = {
                "function": f"params.value ? '{_('yes')}' : '{_('no')}'"
            }
        definitions.append(definition)
    return definitions


def _plain(value: Any) -> Any:
    """A JSON-ready cell: NaN/NA -> None, numpy scalars -> Python, timestamps -> text."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def table_rows(
    frame: pd.DataFrame, columns: Sequence[ChartColumn] | None = None
) -> list[dict[str, Any]]:
    """The frame's rows as JSON-ready dicts (only ``columns``' fields when given)."""
    fields = [c.field for c in columns] if columns else list(frame.columns)
    return [
        {name: _plain(value) for name, value in zip(fields, row, strict=True)}
        for row in frame[fields].itertuples(index=False, name=None)
    ]


# --- downloads ----------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def csv_bytes(frame: pd.DataFrame, sheet: DataSheet, columns: Sequence[ChartColumn] = ()) -> bytes:
    """The CSV download: ``# key: value`` data-sheet lines, then the data with a header."""
    buffer = io.StringIO()
    for key, value in sheet.rows(columns):
        # Unquoted comment lines: a value from the data must not start a formula cell in a
        # spreadsheet that splits the line (etl.cells).
        buffer.write(f"# {neutralise(_one_line(key))}: {neutralise(_one_line(value))}\n")
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8-sig")


def excel_bytes(
    frame: pd.DataFrame, sheet: DataSheet, columns: Sequence[ChartColumn] = ()
) -> bytes:
    """The Excel download: sheet "Data" (the plotted rows) and sheet "Data sheet"."""
    buffer = io.BytesIO()
    sheet_frame = pd.DataFrame(sheet.rows(columns), columns=[_("Item"), _("Value")])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=_("Data"), index=False)
        sheet_frame.to_excel(writer, sheet_name=_("Data sheet"), index=False)
        for name, table in ((_("Data"), frame), (_("Data sheet"), sheet_frame)):
            worksheet = writer.sheets[name]
            for position, column in enumerate(table.columns, start=1):
                longest = max([len(str(column))] + [len(str(v)) for v in table[column].head(200)])
                letter = worksheet.cell(row=1, column=position).column_letter
                worksheet.column_dimensions[letter].width = min(max(longest + 2, 10), 80)
    return buffer.getvalue()


EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_csv(content: ChartContent) -> dict[str, Any]:
    """``dcc.Download`` data for the CSV of a card's content."""
    # Names from the data must not run as formulas in a spreadsheet (etl.cells).
    frame = neutralise_frame(content.frame[[c.field for c in content.columns]])
    data = csv_bytes(frame, content.data_sheet, content.columns)
    return dcc.send_bytes(data, f"{content.filename}.csv", type="text/csv")


def download_excel(content: ChartContent) -> dict[str, Any]:
    """``dcc.Download`` data for the Excel file of a card's content."""
    # openpyxl writes text starting with '=' as a live formula: neutralised (etl.cells).
    frame = neutralise_frame(content.frame[[c.field for c in content.columns]])
    data = excel_bytes(frame, content.data_sheet, content.columns)
    return dcc.send_bytes(data, f"{content.filename}.xlsx", type=EXCEL_TYPE)


# --- summaries ----------------------------------------------------------------------------


def format_value(value: float | int | None, kind: str) -> str:
    """A number as the summary sentence reads it (in the current language's format)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("not available")
    if kind == "rate":
        return localise_number_text(f"{value:.1%}")
    if kind == "count":
        return localise_number_text(f"{int(round(value)):,}")
    return localise_number_text(f"{value:,.2f}".rstrip("0").rstrip("."))


def trend_sentence(
    measure: str, points: Sequence[tuple[str, float | int | None]], kind: str = "count"
) -> str:
    """One sentence on a series, e.g. "Enrolment rose from 275 in 2015-16 to 410 in 2024-25."""
    # NaN != NaN: withheld or missing values are skipped, not read out as numbers.
    known = [(label, value) for label, value in points if value is not None and value == value]
    if not known:
        return _("{measure}: no values to show.").format(measure=measure)
    (first_label, first), (last_label, last) = known[0], known[-1]
    if len(known) == 1:
        return _("{measure} was {value} in {label}.").format(
            measure=measure, value=format_value(first, kind), label=first_label
        )
    peak_label, peak = max(known, key=lambda item: item[1])
    if last == first:
        sentence = _("{measure} was {first} in {first_label} and again in {last_label}")
    else:
        sentence = _(
            "{measure} {direction} from {first} in {first_label} to {last} in {last_label}"
        )
    sentence = sentence.format(
        measure=measure,
        direction=_("rose") if last > first else _("fell"),
        first=format_value(first, kind),
        first_label=first_label,
        last=format_value(last, kind),
        last_label=last_label,
    )
    if peak_label not in (first_label, last_label):
        sentence += _(", peaking at {peak} in {peak_label}").format(
            peak=format_value(peak, kind), peak_label=peak_label
        )
    return sentence + "."
