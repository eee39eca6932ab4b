"""The KPI chart cards of each page: what they show (KPIs, breakdown, kind of chart).

Pages lay the cards out from these lists and ``dashboard/callbacks/<page>.py`` registers
their callbacks from the same lists, so a card and its callback cannot drift apart.
"""

from __future__ import annotations

from dashboard.components.kpi_chart import KpiChart
from dashboard.i18n import _

_CYCLES = ("bachelor", "master", "phd")

DIVERSITY_CHARTS: tuple[KpiChart, ...] = (
    KpiChart(
        "diversity-share-by-cycle",
        _("International degree students by cycle"),
        tuple(f"intl_share_{cycle}" for cycle in _CYCLES),
    ),
    KpiChart(
        "diversity-nationalities",
        _("Nationalities among students and staff"),
        ("nationalities_count",),
    ),
    KpiChart(
        "diversity-top-nationalities",
        _("Largest international nationalities among master's students (share of all)"),
        ("intl_share_master",),
        by="nationality",
        kind="bars",
        top=15,
        exclude_home=True,
    ),
    KpiChart(
        "diversity-map",
        _("International master's students by nationality (share of all)"),
        ("intl_share_master",),
        by="nationality",
        kind="map",
        exclude_home=True,
    ),
    KpiChart(
        "diversity-region-split",
        _("Master's students: home, EEA and rest of world"),
        ("intl_share_master",),
        by="nationality_region",
        kind="stacked",
    ),
    KpiChart(
        "diversity-staff",
        _("International staff and academic staff"),
        ("intl_share_staff", "intl_share_academic_staff"),
        series_names={
            "intl_share_staff": _("all staff"),
            "intl_share_academic_staff": _("academic staff"),
        },
    ),
    KpiChart(
        "diversity-staff-category",
        _("International staff by category"),
        ("intl_share_staff",),
        by="staff_category",
        kind="bars",
    ),
    KpiChart(
        "diversity-index",
        _("Nationality diversity index (effective number of nationalities)"),
        ("nationality_diversity_index",),
    ),
)

MOBILITY_CHARTS: tuple[KpiChart, ...] = (
    KpiChart(
        "mobility-graduate-rate",
        _("Graduates with credit mobility abroad, by cycle"),
        tuple(f"outgoing_mobility_rate_{cycle}" for cycle in _CYCLES),
    ),
    KpiChart(
        "mobility-participation",
        _("Yearly outgoing participation rate"),
        ("outgoing_participation_rate",),
    ),
    KpiChart(
        "mobility-activities",
        _("Outgoing student mobilities by activity"),
        ("outgoing_students",),
        by="activity",
        kind="stacked",
    ),
    KpiChart(
        "mobility-benchmark",
        _("Outgoing student mobilities: counted toward the EU benchmark or not"),
        ("outgoing_students",),
        by="benchmark",
        kind="stacked",
    ),
    KpiChart(
        "mobility-in-out",
        _("Incoming and outgoing students"),
        ("incoming_exchange_students", "outgoing_students"),
        series_names={
            "incoming_exchange_students": _("incoming exchange students"),
            "outgoing_students": _("outgoing students"),
        },
    ),
    KpiChart(
        "mobility-balance",
        _("Exchange balance with the 20 largest partner countries (incoming per outgoing)"),
        ("exchange_balance",),
        by="partner_country",
        kind="bars",
        top=20,
        order_by="volume",
    ),
    KpiChart(
        "mobility-destinations",
        _("Destinations of outgoing students"),
        ("outgoing_students",),
        by="partner_country",
        kind="map",
    ),
    KpiChart(
        "mobility-fewer-opportunities",
        _("Outgoing students with fewer opportunities"),
        ("fewer_opportunities_share",),
    ),
    KpiChart(
        "mobility-blended-virtual",
        _("Blended intensive programmes and virtual exchange"),
        ("blended_virtual_share",),
    ),
    KpiChart("mobility-recognition", _("ECTS recognition"), ("ects_recognition_rate",)),
    KpiChart(
        "mobility-staff",
        _("Staff mobility per 100 staff of each group"),
        ("staff_mobility_rate", "staff_mobility_rate_support"),
        series_names={
            "staff_mobility_rate": _("academic staff"),
            "staff_mobility_rate_support": _("support staff"),
        },
    ),
    KpiChart(
        "mobility-cee",
        _("Mobility with Central/Eastern Europe and the EU neighbourhood"),
        ("cee_neighbourhood_share",),
    ),
    KpiChart(
        "mobility-window",
        _("Bachelor programmes with a mobility window"),
        ("mobility_window_coverage",),
    ),
)

NETWORK_CHARTS: tuple[KpiChart, ...] = (
    KpiChart(
        "networks-timeline",
        _("Network memberships per academic year"),
        ("active_networks",),
        by="network",
        kind="timeline",
    ),
    KpiChart(
        "networks-activities",
        _("Network activities by network"),
        ("network_activities",),
        by="network",
        kind="stacked",
    ),
    KpiChart(
        "networks-activity-types",
        _("Network activities by type"),
        ("network_activities",),
        by="activity_type",
        kind="stacked",
    ),
    KpiChart(
        "networks-participants",
        _("Participants in network activities by network"),
        ("network_activities",),
        by="network",
        kind="bars",
        measure="participants",
    ),
    KpiChart(
        "networks-projects",
        _("Erasmus+ cooperation projects by action"),
        ("erasmus_cooperation_projects",),
        by="action_type",
        kind="stacked",
    ),
    KpiChart(
        "networks-project-roles",
        _("Erasmus+ cooperation projects by role"),
        ("erasmus_cooperation_projects",),
        by="role",
        kind="stacked",
    ),
    KpiChart(
        "networks-project-grant",
        _("EU grant of active Erasmus+ cooperation projects (EUR)"),
        ("erasmus_cooperation_projects",),
        by="action_type",
        kind="bars",
        measure="eu_grant_eur",
    ),
    KpiChart(
        "networks-agreements-region",
        _("Partner agreements by region"),
        ("partner_agreements",),
        by="partner_region",
        kind="stacked",
    ),
    KpiChart(
        "networks-agreements-country",
        _("Partner agreements by country"),
        ("partner_agreements",),
        by="partner_country",
        kind="bars",
        top=20,
    ),
    KpiChart(
        "networks-agreements-map",
        _("Partner agreements by country"),
        ("partner_agreements",),
        by="partner_country",
        kind="map",
    ),
    KpiChart(
        "networks-exchange-balance",
        _("Exchange balance with the 20 largest partner countries (incoming per outgoing)"),
        ("exchange_balance",),
        by="partner_country",
        kind="bars",
        top=20,
        order_by="volume",
    ),
)
