"""The app shell's pieces: the page template, the navbar, the status banner (demo data, data
version, load date) and the message shown when no database is published."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, html

from dashboard import ids
from dashboard.i18n import (
    LANGUAGES,
    N_,
    QUERY_KEY,
    _,
    current_language,
    format_timestamp,
    html_language,
)

APP_TITLE = N_("International KPIs")

# Dash's default page template with a document language (screen readers pick the voice by
# it; axe-core reports its absence as serious) and a skip link to the main content.
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def navigation_pages(registry: Mapping[str, Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Pages that belong in the navbar (not the 404 page, not ``nav=False``), by order."""
    return [
        page
        for module, page in registry.items()
        if not module.endswith("not_found_404") and page.get("nav", True)
    ]


def language_switch() -> html.Div:
    """Links to this page in each language, named in that language. A link reloads the page
    (the language is read when a page is served); its href, the current URL with another
    ``lang``, is kept up to date by ``dashboard/callbacks/shell.py``."""
    current = current_language()
    return html.Div(
        [
            html.A(
                name,
                id=ids.language_link(code),
                href=f"?{QUERY_KEY}={code}",
                lang=code,
                hrefLang=code,
                className="app-language-link" + (" active" if code == current else ""),
                **({"aria-current": "true"} if code == current else {}),
            )
            for code, name in LANGUAGES.items()
        ],
        className="app-language-switch d-flex align-items-center gap-2 ms-md-3",
        role="group",
        **{"aria-label": _("Language")},
    )


def navbar(pages: Iterable[Mapping[str, Any]], home_href: str = "/") -> dbc.Navbar:
    """The top navigation; the links' query strings are kept up to date by a callback."""
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(_(APP_TITLE), href=home_href),
                # Below the md breakpoint the links fold behind this button (a phone shows
                # the page, not five links); dashboard/callbacks/shell.py toggles it.
                dbc.NavbarToggler(id=ids.APP_NAVBAR_TOGGLER, n_clicks=0),
                dbc.Collapse(
                    [
                        dbc.Nav(
                            [
                                dbc.NavItem(
                                    dbc.NavLink(
                                        _(page["name"]),
                                        id=ids.nav_link(page["module"]),
                                        href=page["relative_path"],
                                    )
                                )
                                for page in pages
                            ],
                            id=ids.APP_NAVBAR,
                            navbar=True,
                        ),
                        # Who is signed in and the sign-out link (dashboard/callbacks/auth.py).
                        html.Div(id=ids.APP_USER, className="ms-auto d-flex align-items-center"),
                        language_switch(),
                    ],
                    id=ids.APP_NAVBAR_COLLAPSE,
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid="xxl",
        ),
        color="dark",
        dark=True,
        class_name="app-navbar",
        expand="md",
        tag="header",
    )


def app_layout(
    pages: Iterable[Mapping[str, Any]], page_container, home_href: str = "/", filters=None
):
    """The layout around every page: navbar, status banner, the filter bar (``filters``,
    held once for every page) and the page."""
    return html.Div(
        [
            html.A(
                _("Skip to main content"),
                href="#main",
                className="visually-hidden-focusable",
            ),
            navbar(pages, home_href),
            html.Div(id=ids.APP_STATUS, className="app-status", role="status"),
            html.Main(
                dbc.Container(
                    [html.Div(filters, id=ids.FILTER_BAR, className="app-filters"), page_container],
                    fluid="xxl",
                ),
                id="main",
                tabIndex="-1",
            ),
        ]
    )


def published_text(published_at: str) -> str:
    """``2025-01-31T14:05:09`` (UTC) -> ``31 January 2025 14:05 UTC`` (in the current
    language's format: ``31 januari 2025 14:05 UTC``)."""
    if not published_at:
        return _("unknown")
    return format_timestamp(published_at)


def status_banner(meta: Mapping[str, str] | None) -> list:
    """The banner's content from the ``meta`` table (``None``: nothing is published)."""
    if meta is None:
        return [
            dbc.Alert(
                _("No data is published yet."),
                color="warning",
                class_name="py-1 px-3",
            )
        ]
    facts = _("Data version {version}, loaded {published}").format(
        version=meta.get("data_version", "?"),
        published=published_text(meta.get("published_at", "")),
    )
    children: list = []
    if meta.get("is_demo") == "true":
        children.append(
            dbc.Alert(
                [
                    html.Strong(_("Demo data.")),
                    " ",
                    _(
                        "These figures describe a synthetic university, not real students or "
                        "staff. Load real data with"
                    ),
                    " ",
                    html.Code("intl-kpi load"),
                    ".",
                    html.Span(f" {facts}.", className="ms-1"),
                ],
                color="warning",
                class_name="py-1 px-3",
                id="app-status-demo-alert",
            )
        )
    else:
        children.append(
            html.Div(
                dbc.Container(facts + ".", fluid="xxl", class_name="py-1 text-body-secondary"),
                className="bg-white border-bottom",
            )
        )
    return children


def no_database_message(database: str) -> dbc.Alert:
    """What a page shows instead of data when nothing is published."""
    return dbc.Alert(
        [
            html.H2(_("No data is loaded yet"), className="h4"),
            html.P(
                _("The dashboard reads the database at {path}, which does not exist yet.").format(
                    path=database
                )
            ),
            html.P(_("To try the dashboard with a synthetic university, run:")),
            html.Pre(html.Code("intl-kpi demo")),
            html.P(_("To load your university's files, run:")),
            html.Pre(html.Code("intl-kpi load path/to/files")),
            html.P(_("Then reload this page."), className="mb-0"),
        ],
        color="info",
        class_name="mt-4",
        id="app-no-database",
    )


class LocalisedDash(Dash):
    """Dash whose page declares the request's language (``<html lang="nl">``): screen readers
    pick their voice by it, and browsers their hyphenation and number input."""

    def interpolate_index(self, **kwargs: Any) -> str:
        # The tab's title until the page sets its own (the app's, translated).
        kwargs["title"] = _(kwargs.get("title", ""))
        index = super().interpolate_index(**kwargs)
        return index.replace('<html lang="en">', f'<html lang="{html_language()}">', 1)


def shell_layout(pages: Iterable[Mapping[str, Any]], page_container, home_href: str = "/"):
    """``app.layout`` as a function: the shell is rendered per request, in its language, with
    the filter bar set to the page's selection (read from the page's URL, which the browser
    sends as the layout request's ``Referer``; the bar's own callback sets it from the URL
    in any case)."""
    from dash import dcc

    from dashboard.components.page import shell_filter_bar

    pages = list(pages)

    def layout() -> list:
        filters = shell_filter_bar(_page_search())
        return [
            dcc.Location(id=ids.APP_LOCATION),
            app_layout(pages, page_container, home_href, filters),
        ]

    return layout


def _page_search() -> str:
    """The query string of the page the current request came from (``""`` outside one)."""
    from urllib.parse import urlsplit

    from flask import has_request_context, request

    if not has_request_context():
        return ""
    return urlsplit((request.referrer or "")[:8192]).query
