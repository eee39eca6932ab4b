"""The Data page: what is published, when and from which files, how many rows each table
holds, what the data checks found, and the settings every number depends on."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from dashboard import ids, runtime
from dashboard.components.chart import chart_card
from dashboard.components.data_status import (
    facts,
    findings_grid,
    loads_grid,
    settings_in_force,
    table_counts_grid,
)
from dashboard.components.definitions import definitions_table, targets_table
from dashboard.components.page import PageContext, page_layout
from dashboard.i18n import N_, _, lazy
from etl.status import read_status
from etl.users import DATA_DETAILS, DOWNLOAD

dash.register_page(
    __name__,
    path="/data",
    name=N_("Data"),
    title=lazy(N_("Data and definitions · International KPIs")),
    description=N_("What is loaded, when, from which files, and what the data checks found."),
    order=90,
)


def _section(heading: str, *children: Any, section_id: str) -> html.Section:
    return html.Section(
        [html.H2(heading, className="h4", id=f"{section_id}-heading"), *children],
        className="data-section",
        **{"aria-labelledby": f"{section_id}-heading"},
    )


def workbook_section() -> html.Section:
    """ "Download everything": every KPI of the selection in one Excel workbook."""
    return _section(
        _("Download everything"),
        html.P(
            [
                _(
                    "Every KPI for the selection above in one Excel workbook: a sheet per "
                    "theme, the definitions, the targets and a data sheet (selection, "
                    "suppression preset, data version). The same rows as "
                ),
                html.Code("intl-kpi kpis"),
                _(" and the API, "),
                html.Code("/api/v1/kpis"),
                ".",
            ]
        ),
        dbc.Button(
            _("Download everything (Excel)"),
            id=ids.DATA_WORKBOOK_BUTTON,
            color="dark",  # outline-primary's blue text fails WCAG AA contrast (axe)
            outline=True,
            class_name="mb-3",
        ),
        dcc.Download(id=ids.DATA_WORKBOOK_DOWNLOAD),
        section_id="data-workbook",
    )


def content(page: PageContext) -> list[Component]:
    """The page below the filter bar."""
    status = read_status(page.cursor)
    findings = (
        findings_grid(ids.DATA_FINDINGS_GRID, status.findings)
        if not status.findings.empty
        else dbc.Alert(
            _("The data checks found nothing to report."), color="success", class_name="mb-0"
        )
    )
    sections = [
        dbc.Row(
            [
                dbc.Col(
                    dbc.Card(
                        dbc.CardBody(
                            _section(_("Published data"), facts(status), section_id="data-facts")
                        ),
                        class_name="h-100",
                    ),
                    md=6,
                    class_name="mb-3",
                ),
                dbc.Col(
                    dbc.Card(
                        dbc.CardBody(
                            _section(
                                _("Settings in force"),
                                settings_in_force(page.settings, page.state, page.options.years),
                                section_id="data-settings",
                            )
                        ),
                        class_name="h-100",
                    ),
                    md=6,
                    class_name="mb-3",
                ),
            ],
            class_name="mb-2",
        ),
        _section(
            _("Loaded files"),
            html.P(
                _(
                    "Every file of every published load: its SHA-256 fingerprint identifies "
                    "the exact file, and the row counts say what became of its rows."
                )
            ),
            loads_grid(ids.DATA_LOADS_GRID, status.loads),
            section_id="data-loads",
        ),
        _section(
            _("Rows per table"),
            table_counts_grid(ids.DATA_TABLES_GRID, status.table_counts),
            section_id="data-tables",
        ),
        _section(_("Data-quality findings"), findings, section_id="data-findings"),
        chart_card(ids.DATA_ENROLMENT_CHART, _("Enrolment headcount per academic year")),
        _section(
            _("KPI definitions"),
            html.P(
                _(
                    "Every measure on the dashboard, as the KPI registry defines it; the "
                    "downloads' data sheets carry the same text."
                )
            ),
            definitions_table(),
            section_id="data-definitions",
        ),
        _section(
            _("Targets and their sources"),
            html.P(
                _("From the targets file {path}; the board's office edits it.").format(
                    path=str(page.settings.targets_file)
                )
            ),
            targets_table(runtime.targets()),
            section_id="data-targets",
        ),
    ]
    workbook = [workbook_section()] if runtime.may(DOWNLOAD) else []
    if not runtime.may(DATA_DETAILS):
        # Loads, row counts, findings and headcounts are university-wide: a faculty
        # manager's role sees the definitions and targets only.
        return workbook + sections[-2:]
    return workbook + sections


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Data and definitions"),
        query,
        content,
        intro=_(
            "What the dashboard is reading: the published loads and their files, the size of "
            "each table, what the data checks found, the settings in force, and the "
            "definition and target of every KPI."
        ),
    )
