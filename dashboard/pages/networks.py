"""Networks and partnerships: memberships over time, network activities and participants,
Erasmus+ cooperation projects, partner agreements and the exchange balance per country."""

from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard.components.kpi_chart import KpiChart, chart_grid
from dashboard.components.page import page_layout
from dashboard.i18n import N_, _, lazy

dash.register_page(
    __name__,
    path="/networks",
    name=N_("Networks"),
    title=lazy(N_("Networks and partnerships · International KPIs")),
    description=N_("Network memberships, activities, Erasmus+ projects and partner agreements."),
    order=30,
)


# The page's chart cards, in the order they are laid out. dashboard/callbacks/pages.py
# wires one callback (and the downloads) per card from this tuple: nothing else to list.
CHARTS: tuple[KpiChart, ...] = (
    KpiChart(
        "networks-timeline",
        N_("Network memberships per academic year"),
        ("active_networks",),
        by="network",
        kind="timeline",
    ),
    KpiChart(
        "networks-activities",
        N_("Network activities by network"),
        ("network_activities",),
        by="network",
        kind="stacked",
    ),
    KpiChart(
        "networks-activity-types",
        N_("Network activities by type"),
        ("network_activities",),
        by="activity_type",
        kind="stacked",
    ),
    KpiChart(
        "networks-participants",
        N_("Participants in network activities by network"),
        ("network_activities",),
        by="network",
        kind="bars",
        measure="participants",
    ),
    KpiChart(
        "networks-projects",
        N_("Erasmus+ cooperation projects by action"),
        ("erasmus_cooperation_projects",),
        by="action_type",
        kind="stacked",
    ),
    KpiChart(
        "networks-project-roles",
        N_("Erasmus+ cooperation projects by role"),
        ("erasmus_cooperation_projects",),
        by="role",
        kind="stacked",
    ),
    KpiChart(
        "networks-project-grant",
        N_("EU grant of active Erasmus+ cooperation projects (EUR)"),
        ("erasmus_cooperation_projects",),
        by="action_type",
        kind="bars",
        measure="eu_grant_eur",
    ),
    KpiChart(
        "networks-agreements-region",
        N_("Partner agreements by region"),
        ("partner_agreements",),
        by="partner_region",
        kind="stacked",
    ),
    KpiChart(
        "networks-agreements-country",
        N_("Partner agreements by country"),
        ("partner_agreements",),
        by="partner_country",
        kind="bars",
        top=20,
    ),
    KpiChart(
        "networks-agreements-map",
        N_("Partner agreements by country"),
        ("partner_agreements",),
        by="partner_country",
        kind="map",
    ),
    KpiChart(
        "networks-exchange-balance",
        N_("Exchange balance with the 20 largest partner countries (incoming per outgoing)"),
        ("exchange_balance",),
        by="partner_country",
        kind="bars",
        top=20,
        order_by="volume",
    ),
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Networks and partnerships"),
        query,
        lambda page: [chart_grid(CHARTS, wide=("networks-timeline", "networks-agreements-map"))],
        intro=_(
            "Membership of networks and alliances, what happens in them, Erasmus+ "
            "cooperation projects and the partner agreements behind student exchange."
        ),
    )
