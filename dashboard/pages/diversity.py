"""Nationality diversity: international students by cycle against the policy statement's
targets, nationalities, the largest nationalities and their map, home / EEA / rest of world,
staff, and the diversity index."""

from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard.charts import DIVERSITY_CHARTS
from dashboard.components.kpi_chart import chart_grid
from dashboard.components.page import page_layout
from dashboard.i18n import _

dash.register_page(
    __name__,
    path="/diversity",
    name=_("Diversity"),
    title=_("Nationality diversity · International KPIs"),
    description=_("International students and staff, nationalities, against policy targets."),
    order=10,
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Nationality diversity"),
        query,
        lambda page: [chart_grid(DIVERSITY_CHARTS, wide=("diversity-share-by-cycle",))],
        intro=_(
            "How international the classrooms and the staff are, against the Erasmus Policy "
            "Statement's figures. 'International' follows the basis chosen in the filter bar."
        ),
    )
