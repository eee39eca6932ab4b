"""Networks and partnerships: memberships over time, network activities and participants,
Erasmus+ cooperation projects, partner agreements and the exchange balance per country."""

from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard.charts import NETWORK_CHARTS
from dashboard.components.kpi_chart import chart_grid
from dashboard.components.page import page_layout
from dashboard.i18n import _

dash.register_page(
    __name__,
    path="/networks",
    name=_("Networks"),
    title=_("Networks and partnerships · International KPIs"),
    description=_("Network memberships, activities, Erasmus+ projects and partner agreements."),
    order=30,
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Networks and partnerships"),
        query,
        lambda page: [
            chart_grid(NETWORK_CHARTS, wide=("networks-timeline", "networks-agreements-map"))
        ],
        intro=_(
            "Membership of networks and alliances, what happens in them, Erasmus+ "
            "cooperation projects and the partner agreements behind student exchange."
        ),
    )
