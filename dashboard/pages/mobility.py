"""Mobility: the graduate mobility rate by cycle against the EU benchmarks, yearly
participation, activities and what counts toward the benchmark, incoming and outgoing,
destinations, fewer opportunities, recognition, staff mobility, CEE and neighbourhood."""

from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard.charts import MOBILITY_CHARTS
from dashboard.components.kpi_chart import chart_grid
from dashboard.components.page import page_layout
from dashboard.i18n import _

dash.register_page(
    __name__,
    path="/mobility",
    name=_("Mobility"),
    title=_("Mobility · International KPIs"),
    description=_("Student and staff mobility in all cycles, against the EU benchmarks."),
    order=20,
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Mobility"),
        query,
        lambda page: [
            chart_grid(MOBILITY_CHARTS, wide=("mobility-graduate-rate", "mobility-destinations"))
        ],
        intro=_(
            "Credit mobility of students and staff. Only study and traineeship stays of at "
            "least 3 months or 15 ECTS count toward the EU benchmark; blended intensive "
            "programmes, virtual exchange and short stays are shown but not counted."
        ),
    )
