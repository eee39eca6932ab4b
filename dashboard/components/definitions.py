"""The Data page's reference tables: every KPI's definition from the registry, and every
target with its source from the targets file."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import N_, _
from dashboard.kpis.registry import KPIS, breakdown_label, theme_label
from dashboard.kpis.targets import Target


def definitions_table() -> dbc.Table:
    """One row per KPI: id, name, definition, numerator / denominator, unit, breakdowns and
    policy reference."""
    header = html.Thead(
        html.Tr(
            [
                html.Th(_(text), scope="col")
                for text in (
                    N_("Theme"),
                    N_("KPI"),
                    N_("Definition"),
                    N_("Numerator / denominator"),
                    N_("Unit"),
                    N_("Breakdowns"),
                    N_("Policy reference"),
                )
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Td(theme_label(kpi.theme)),
                html.Th([kpi.text("name"), html.Br(), html.Code(kpi.id)], scope="row"),
                html.Td(kpi.text("definition")),
                html.Td(
                    kpi.text("numerator")
                    + (f" / {kpi.text('denominator')}" if kpi.denominator else "")
                ),
                html.Td(kpi.unit_label()),
                html.Td(", ".join(breakdown_label(name) for name in kpi.breakdowns)),
                html.Td(kpi.text("policy_reference")),
            ],
            id=f"data-definition-{kpi.id}",
        )
        for kpi in KPIS
    ]
    return dbc.Table(
        [header, html.Tbody(rows)],
        bordered=False,
        hover=True,
        responsive=True,
        size="sm",
        class_name="definitions-table small",
    )


def targets_table(targets: list[Target]) -> dbc.Table | dbc.Alert:
    """One row per target: KPI, scope, target, kind, baseline and source sentence."""
    if not targets:
        return dbc.Alert(_("The targets file holds no targets."), color="info")
    header = html.Thead(
        html.Tr(
            [
                html.Th(_(text), scope="col")
                for text in ("KPI", "Scope", "Target", "Kind", "Baseline", "Source")
            ]
        )
    )
    rows = [
        html.Tr(
            [
                html.Th(html.Code(target.kpi_id), scope="row"),
                html.Td(target.scope + (f" {target.scope_value}" if target.scope_value else "")),
                html.Td(target.describe()),
                html.Td(_(target.kind)),
                html.Td(
                    ""
                    if target.baseline_year is None
                    else str(target.baseline_year)
                    + (f" ({target.baseline_value:g})" if target.baseline_value is not None else "")
                ),
                html.Td(target.text("source")),
            ]
        )
        for target in targets
    ]
    return dbc.Table(
        [header, html.Tbody(rows)],
        hover=True,
        responsive=True,
        size="sm",
        class_name="targets-table small",
    )
