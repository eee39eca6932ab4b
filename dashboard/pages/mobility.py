"""Mobility: the graduate mobility rate by cycle against the EU benchmarks, yearly
participation, activities and what counts toward the benchmark, incoming and outgoing,
destinations, fewer opportunities, recognition, staff mobility, CEE and neighbourhood."""

from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard.components.kpi_chart import KpiChart, chart_grid
from dashboard.components.page import page_layout
from dashboard.i18n import N_, _, lazy

dash.register_page(
    __name__,
    path="/mobility",
    name=N_("Mobility"),
    title=lazy(N_("Mobility · International KPIs")),
    description=N_("Student and staff mobility in all cycles, against the EU benchmarks."),
    order=20,
)


_CYCLES = ("bachelor", "master", "phd")

# The page's chart cards, in the order they are laid out. dashboard/callbacks/pages.py
# wires one callback (and the downloads) per card from this tuple: nothing else to list.
CHARTS: tuple[KpiChart, ...] = (
    KpiChart(
        "mobility-graduate-rate",
        N_("Graduates with credit mobility abroad, by cycle"),
        tuple(f"outgoing_mobility_rate_{cycle}" for cycle in _CYCLES),
    ),
    KpiChart(
        "mobility-participation",
        N_("Yearly outgoing participation rate"),
        ("outgoing_participation_rate",),
    ),
    KpiChart(
        "mobility-activities",
        N_("Outgoing student mobilities by activity"),
        ("outgoing_students",),
        by="activity",
        kind="stacked",
    ),
    KpiChart(
        "mobility-benchmark",
        N_("Outgoing student mobilities: counted toward the EU benchmark or not"),
        ("outgoing_students",),
        by="benchmark",
        kind="stacked",
    ),
    KpiChart(
        "mobility-in-out",
        N_("Incoming and outgoing students"),
        ("incoming_exchange_students", "outgoing_students"),
        series_names={
            "incoming_exchange_students": N_("incoming exchange students"),
            "outgoing_students": N_("outgoing students"),
        },
    ),
    KpiChart(
        "mobility-balance",
        N_("Exchange balance with the 20 largest partner countries (incoming per outgoing)"),
        ("exchange_balance",),
        by="partner_country",
        kind="bars",
        top=20,
        order_by="volume",
    ),
    KpiChart(
        "mobility-destinations",
        N_("Destinations of outgoing students"),
        ("outgoing_students",),
        by="partner_country",
        kind="map",
    ),
    KpiChart(
        "mobility-fewer-opportunities",
        N_("Outgoing students with fewer opportunities"),
        ("fewer_opportunities_share",),
    ),
    KpiChart(
        "mobility-blended-virtual",
        N_("Blended intensive programmes and virtual exchange"),
        ("blended_virtual_share",),
    ),
    KpiChart("mobility-recognition", N_("ECTS recognition"), ("ects_recognition_rate",)),
    KpiChart(
        "mobility-staff",
        N_("Staff mobility per 100 staff of each group"),
        ("staff_mobility_rate", "staff_mobility_rate_support"),
        series_names={
            "staff_mobility_rate": N_("academic staff"),
            "staff_mobility_rate_support": N_("support staff"),
        },
    ),
    KpiChart(
        "mobility-cee",
        N_("Mobility with Central/Eastern Europe and the EU neighbourhood"),
        ("cee_neighbourhood_share",),
    ),
    KpiChart(
        "mobility-window",
        N_("Bachelor programmes with a mobility window"),
        ("mobility_window_coverage",),
    ),
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Mobility"),
        query,
        lambda page: [chart_grid(CHARTS, wide=("mobility-graduate-rate", "mobility-destinations"))],
        intro=_(
            "Credit mobility of students and staff. Only study and traineeship stays of at "
            "least 3 months or 15 ECTS count toward the EU benchmark; blended intensive "
            "programmes, virtual exchange and short stays are shown but not counted."
        ),
    )
