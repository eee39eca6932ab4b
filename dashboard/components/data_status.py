"""Plain builders of the Data page: facts, settings, the load/table/finding grids and the
enrolment-per-year chart, from ``etl.status.PublishedStatus`` and the settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_ag_grid as dag
import pandas as pd
from dash import html

from dashboard.components.chart import (
    SUPPRESSION_PRESETS,
    ChartColumn,
    ChartContent,
    DataSheet,
    generated_at,
    trend_sentence,
)
from dashboard.components.shell import published_text
from dashboard.figures.loaded_data import (
    HEADCOUNT,
    POPULATION,
    PROVISIONAL,
    YEAR_LABEL,
    enrolment_by_year_figure,
)
from dashboard.filters_state import (
    FilterOptions,
    FilterState,
    academic_year_label,
    basis_label,
    years_label,
)
from dashboard.i18n import N_, _, d3_formatter
from dashboard.kpis.query import provisional_from
from dashboard.kpis.suppression import get_preset, suppress
from dashboard.vocabulary import code_label
from etl.settings import Settings
from etl.status import PublishedStatus

ENROLMENT_COLUMNS = (
    ChartColumn(YEAR_LABEL, N_("Academic year"), "year"),
    ChartColumn(POPULATION, N_("Population"), "text"),
    ChartColumn(HEADCOUNT, N_("Headcount"), "count"),
    ChartColumn(PROVISIONAL, N_("Provisional"), "flag"),
)


def provisional_years(years: Sequence[int], count: int) -> tuple[int, ...]:
    """The years flagged provisional (the provisional-years setting), as the KPI query
    layer flags them."""
    first = provisional_from(list(years), count)
    return () if first is None else tuple(y for y in sorted(set(years)) if y >= first)


def published_label(published_at: str) -> str:
    """``2025-01-31T14:05:09`` (UTC) -> ``2025-01-31 14:05 UTC``."""
    return published_at.replace("T", " ")[:16] + " UTC" if published_at else _("unknown")


def withhold_small_counts(values: pd.Series, preset: str) -> pd.Series:
    """Counts as the suppression preset lets them leave the server (the KPI query layer's
    presets: ``duo`` withholds 1-4, ``hesa`` rounds to the nearest 5, ``none`` keeps them).
    Withheld counts become NaN."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    frame = pd.DataFrame({"count": numbers, "row": range(len(numbers))})
    suppressed = suppress(
        frame,
        get_preset(preset),
        people_columns=["count"],
        rate_columns=None,
        share=False,
        value_column="count",
        # Each count is a total of its own (a year's headcount): nothing to recover by
        # subtraction, so each row is its own cell group and needs no complementary cell.
        cell_columns=("row",),
    )
    return suppressed["count"].astype("float64").set_axis(values.index)


def facts(status: PublishedStatus) -> html.Dl:
    """The published snapshot's facts."""
    items = [
        (_("Data version"), str(status.data_version)),
        (_("Published"), published_text(status.published_at)),
        (
            _("Contents"),
            _("synthetic demo data") if status.is_demo else _("loaded from the university's files"),
        ),
        (_("Schema version"), status.meta.get("schema_version", "?")),
    ]
    return _definition_list(items)


def settings_in_force(settings: Settings, state: FilterState, years: Sequence[int]) -> html.Dl:
    """The settings that shape every number on the dashboard."""
    provisional = provisional_years(years, settings.provisional_years)
    basis = basis_label(settings.international_basis)
    if state.basis != settings.international_basis:
        basis += " " + _("(default; this view: {basis})").format(basis=basis_label(state.basis))
    items = [
        (_("International basis"), basis),
        (
            _("Suppression preset"),
            _(SUPPRESSION_PRESETS.get(settings.suppression, settings.suppression)),
        ),
        (
            _("Provisional years"),
            _("{count} most recent ({years})").format(
                count=settings.provisional_years,
                years=", ".join(academic_year_label(y) for y in provisional) or _("none"),
            ),
        ),
        (_("Home country"), settings.home_country),
        (_("Home institution"), settings.home_institution or _("every loaded programme")),
        (_("Home Erasmus code"), settings.home_erasmus_code),
    ]
    return _definition_list(items)


def _definition_list(items: Sequence[tuple[str, str]]) -> html.Dl:
    children: list = []
    for term, value in items:
        children += [
            html.Dt(term, className="col-sm-5"),
            html.Dd(value, className="col-sm-7 mb-1"),
        ]
    return html.Dl(children, className="row data-facts mb-0")


def _grid(grid_id: str, frame: pd.DataFrame, columns: list[dict]) -> dag.AgGrid:
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowData=rows,
        columnSize="responsiveSizeToFit",
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True},
        dashGridOptions={
            "domLayout": "autoHeight",
            "ensureDomOrder": True,
            "suppressColumnVirtualisation": True,
        },
        style={"height": None},
        className="data-grid",
    )


def _number() -> dict[str, Any]:
    """A count column, written in the reader's language."""
    return {
        "type": "rightAligned",
        "minWidth": 95,
        "valueFormatter": {"function": d3_formatter(",")},
    }


# Long text wraps inside its cell (the row grows) instead of being cut off.
_WRAP = {"wrapText": True, "autoHeight": True, "cellClass": "wrap-cell"}


def loads_grid(grid_id: str, loads: pd.DataFrame) -> dag.AgGrid:
    """Every loaded file: when, name, sha256, format, rows read/accepted/rejected/skipped."""
    frame = loads.copy()
    if "status" in frame:
        frame["status"] = frame["status"].map(lambda value: code_label(str(value)))
    if "loaded_at" in frame:
        frame["loaded_at"] = pd.to_datetime(frame["loaded_at"]).dt.strftime("%Y-%m-%d %H:%M")
    columns = [
        # Newest load first; its time identifies it (load ids are in the CLI's status).
        {"field": "loaded_at", "headerName": _("Loaded (UTC)"), "minWidth": 130, **_WRAP},
        {"field": "file_name", "headerName": _("File"), "minWidth": 140, **_WRAP},
        {
            "field": "sha256",
            "headerName": "SHA-256",
            "minWidth": 190,
            **_WRAP,
            "cellClass": "wrap-cell sha256",
        },
        {"field": "format", "headerName": _("Format"), "minWidth": 120, **_WRAP},
        {"field": "rows_read", "headerName": _("Rows read"), **_number()},
        {"field": "rows_accepted", "headerName": _("Accepted"), **_number()},
        {"field": "rows_rejected", "headerName": _("Rejected"), **_number()},
        {"field": "rows_skipped", "headerName": _("Skipped"), **_number()},
        {"field": "status", "headerName": _("Status"), "minWidth": 110, **_WRAP},
        {"field": "notes", "headerName": _("Notes"), "minWidth": 140, **_WRAP},
    ]
    return _grid(grid_id, frame, columns)


def table_counts_grid(grid_id: str, counts: pd.DataFrame) -> dag.AgGrid:
    """Rows (and headcount, where the entity has one) per published table."""
    columns = [
        {"field": "table", "headerName": _("Table")},
        {"field": "rows", "headerName": _("Rows"), **_number()},
        {"field": "headcount", "headerName": _("Headcount"), **_number()},
    ]
    return _grid(grid_id, counts, columns)


def findings_grid(grid_id: str, findings: pd.DataFrame) -> dag.AgGrid:
    """The post-load data checks' findings, errors first."""
    findings = findings.copy()
    if "severity" in findings:
        findings["severity"] = findings["severity"].map(lambda value: code_label(str(value)))
    columns = [
        {"field": "severity", "headerName": _("Severity"), "maxWidth": 120},
        {"field": "check_name", "headerName": _("Check")},
        {"field": "entity", "headerName": _("Table")},
        {"field": "column_name", "headerName": _("Column")},
        {"field": "failing_rows", "headerName": _("Rows"), **_number()},
        {
            "field": "description",
            "headerName": _("What it means"),
            "minWidth": 280,
            **_WRAP,
        },
    ]
    return _grid(grid_id, findings, columns)


def enrolment_frame(
    status: PublishedStatus, state: FilterState, provisional: Sequence[int], preset: str
) -> pd.DataFrame:
    """Enrolment headcount per academic year and population within the selected years,
    suppressed by ``preset``: exactly what the chart draws."""
    frame = status.enrolment_by_year.copy()
    if state.year_from is not None:
        frame = frame[frame["academic_year"] >= state.year_from]
    if state.year_to is not None:
        frame = frame[frame["academic_year"] <= state.year_to]
    frame = frame.sort_values(["academic_year", "population"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            YEAR_LABEL: [academic_year_label(int(y)) for y in frame["academic_year"]],
            POPULATION: frame["population"].astype(str),
            HEADCOUNT: withhold_small_counts(frame["headcount"], preset),
            PROVISIONAL: [int(y) in set(provisional) for y in frame["academic_year"]],
        }
    )


def enrolment_chart(
    status: PublishedStatus,
    state: FilterState,
    options: FilterOptions,
    settings: Settings,
) -> ChartContent:
    """The Data page's chart: enrolment headcount per academic year as loaded."""
    provisional = provisional_years(options.years, settings.provisional_years)
    frame = enrolment_frame(status, state, provisional, settings.suppression)
    years = years_label(state)
    measure = _("Enrolment headcount per academic year")
    title = _("{measure}, {years}, whole university").format(measure=measure, years=years)
    sheet = DataSheet(
        measure=measure,
        definition=_(
            "Students enrolled on 1 October of each academic year (all programmes, all "
            "cycles), as loaded; first-year entrants are counted separately where loaded."
        ),
        filters=_("{years}; not broken down by faculty, programme or cycle").format(years=years),
        basis=_("not applicable (all students)"),
        suppression=settings.suppression,
        data_version=str(status.data_version),
        published_at=published_label(status.published_at),
        generated_at=generated_at(),
        provisional_years=tuple(academic_year_label(y) for y in provisional),
        unit=_("students (headcount)"),
    )
    if frame.empty:
        return ChartContent(
            title=title,
            figure=None,
            frame=frame,
            columns=ENROLMENT_COLUMNS,
            summary="",
            data_sheet=sheet,
            empty_message=_(
                "No enrolments are loaded for the selected years. Choose other years above, "
                "or load an enrolments file."
            ),
            filename="enrolment-per-year",
        )
    enrolled = frame[frame[POPULATION] == "enrolled"]
    series = enrolled if not enrolled.empty else frame
    summary = trend_sentence(
        _("Enrolment headcount"),
        list(zip(series[YEAR_LABEL], series[HEADCOUNT], strict=True)),
        "count",
    )
    if provisional and any(frame[PROVISIONAL]):
        summary += " " + _("Figures for {years} are provisional.").format(
            years=", ".join(academic_year_label(y) for y in provisional)
        )
    return ChartContent(
        title=title,
        figure=enrolment_by_year_figure(frame),
        frame=frame,
        columns=ENROLMENT_COLUMNS,
        summary=summary,
        data_sheet=sheet,
        filename="enrolment-per-year",
    )
