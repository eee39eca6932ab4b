"""Nationality diversity: international students by cycle against the policy statement's
targets, nationalities, the largest nationalities and their map, home / EEA / rest of world,
staff, and the diversity index."""

from __future__ import annotations

import dash
from dash.development.base_component import Component

from dashboard.components.kpi_chart import KpiChart, chart_grid
from dashboard.components.page import page_layout
from dashboard.i18n import N_, _, lazy

dash.register_page(
    __name__,
    path="/diversity",
    name=N_("Diversity"),
    title=lazy(N_("Nationality diversity · International KPIs")),
    description=N_("International students and staff, nationalities, against policy targets."),
    order=10,
)


_CYCLES = ("bachelor", "master", "phd")

# The page's chart cards, in the order they are laid out. dashboard/callbacks/pages.py
# wires one callback (and the downloads) per card from this tuple: nothing else to list.
CHARTS: tuple[KpiChart, ...] = (
    KpiChart(
        "diversity-share-by-cycle",
        N_("International degree students by cycle"),
        tuple(f"intl_share_{cycle}" for cycle in _CYCLES),
    ),
    KpiChart(
        "diversity-nationalities",
        N_("Nationalities among students and staff"),
        ("nationalities_count",),
    ),
    KpiChart(
        "diversity-top-nationalities",
        N_("Largest international nationalities among master's students (share of all)"),
        ("intl_share_master",),
        by="nationality",
        kind="bars",
        top=15,
        exclude_home=True,
    ),
    KpiChart(
        "diversity-map",
        N_("International master's students by nationality (share of all)"),
        ("intl_share_master",),
        by="nationality",
        kind="map",
        exclude_home=True,
    ),
    KpiChart(
        "diversity-region-split",
        N_("Master's students: home, EEA and rest of world"),
        ("intl_share_master",),
        by="nationality_region",
        kind="stacked",
    ),
    KpiChart(
        "diversity-staff",
        N_("International staff and academic staff"),
        ("intl_share_staff", "intl_share_academic_staff"),
        series_names={
            "intl_share_staff": N_("all staff"),
            "intl_share_academic_staff": N_("academic staff"),
        },
    ),
    KpiChart(
        "diversity-staff-category",
        N_("International staff by category"),
        ("intl_share_staff",),
        by="staff_category",
        kind="bars",
    ),
    KpiChart(
        "diversity-index",
        N_("Nationality diversity index (effective number of nationalities)"),
        ("nationality_diversity_index",),
    ),
)


def layout(**query: str | list[str]) -> Component:
    return page_layout(
        _("Nationality diversity"),
        query,
        lambda page: [chart_grid(CHARTS, wide=("diversity-share-by-cycle",))],
        intro=_(
            "How international the classrooms and the staff are, against the Erasmus Policy "
            "Statement's figures. 'International' follows the basis chosen in the filter bar."
        ),
    )
