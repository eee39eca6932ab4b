"""Shown for any path that is not a page."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html
from dash.development.base_component import Component

from dashboard.i18n import N_, _, lazy

dash.register_page(__name__, title=lazy(N_("Page not found · International KPIs")), nav=False)


def layout(**_query: str | list[str]) -> Component:
    pages = [
        page
        for module, page in dash.page_registry.items()
        if not module.endswith("not_found_404") and page.get("nav", True)
    ]
    return html.Div(
        [
            html.H1(_("Page not found"), className="page-heading"),
            html.P(_("There is no page at this address. These pages exist:")),
            html.Ul(
                [html.Li(dbc.NavLink(page["name"], href=page["relative_path"])) for page in pages]
            ),
        ]
    )
