"""Overview, the board's page: every KPI that has a policy target, grouped by theme, with its
latest complete value, trend, targets and their sources, and progress status."""

from __future__ import annotations

import dash
from dash import html
from dash.development.base_component import Component

from dashboard import ids
from dashboard.components.page import page_layout
from dashboard.components.report import report_button
from dashboard.i18n import N_, _, lazy

dash.register_page(
    __name__,
    path="/",
    name=N_("Overview"),
    title=lazy(N_("Overview · International KPIs")),
    description=N_("Every policy goal at a glance: value, trend, target, source and status."),
    order=0,
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Overview"),
        query,
        lambda page: [report_button(), html.Div(id=ids.OVERVIEW_CARDS, className="overview-cards")],
        intro=_(
            "Each policy goal with a target: the latest complete academic year's value, the "
            "trend, every target with its source, and the progress status. Open a card's "
            "details for the charts and the data behind them."
        ),
    )
