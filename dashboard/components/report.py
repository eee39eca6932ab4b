"""The Overview page's "Board report (PDF)" button: the board report (``dashboard.report``)
of the current selection, built by ``dashboard.callbacks.report`` when clicked."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.i18n import _


def report_button() -> html.Div:
    """The button and its download, right-aligned above the summary."""
    return html.Div(
        [
            dbc.Button(
                _("Board report (PDF)"),
                id=ids.OVERVIEW_REPORT_BUTTON,
                color="dark",  # outline-primary's blue text fails WCAG AA contrast (axe)
                outline=True,
                size="sm",
                title=_(
                    "The board report of this selection as PDF: the summary, each KPI's chart, "
                    "targets, status, commentary and definition"
                ),
            ),
            dcc.Loading(dcc.Download(id=ids.OVERVIEW_REPORT_DOWNLOAD), type="dot"),
        ],
        className="d-flex justify-content-end gap-2 mb-2 d-print-none",
    )
