"""Every component id of the dashboard, in one place.

String ids are kebab-case ``<page>-<noun>-<role>``; ids shared by many instances (one chart
card per KPI) are pattern-matching dicts built by the small functions below, so a callback
can address "the download button of whichever card was clicked" with ``MATCH``. A duplicate
id stops callbacks firing without an error, hence one module.
"""

from __future__ import annotations

from typing import Any

# App shell (app.py): present on every page.
APP_LOCATION = "app-url-location"
APP_NAVBAR = "app-navbar-nav"
APP_STATUS = "app-status-banner"
APP_USER = "app-user-badge"  # who is signed in, and the sign-out link
# On narrow screens the navbar folds behind a toggler (dashboard/components/shell.py).
APP_NAVBAR_TOGGLER = "app-navbar-toggler"
APP_NAVBAR_COLLAPSE = "app-navbar-collapse"

# Filter bar (dashboard/components/filters.py): rendered by every page's layout.
FILTER_LOCATION = "filters-url-location"
FILTER_STATE = "filters-state-store"
FILTER_NOTICE = "filters-notice-alert"
FILTER_BAR = "filters-bar"  # the shell's slot holding the filter bar
FILTER_YEAR_FROM = "filters-year-from-select"
FILTER_YEAR_TO = "filters-year-to-select"
FILTER_FACULTY = "filters-faculty-dropdown"
FILTER_PROGRAMME = "filters-programme-dropdown"
FILTER_CYCLE = "filters-cycle-checklist"
FILTER_BASIS = "filters-basis-radio"

# Data page (dashboard/pages/data.py).
DATA_LOADS_GRID = "data-loads-grid"
DATA_TABLES_GRID = "data-tables-grid"
DATA_FINDINGS_GRID = "data-findings-grid"
DATA_ENROLMENT_CHART = "data-enrolment"  # a chart card prefix, see chart_* below
# "Download everything": every KPI of the selection as one Excel workbook (dashboard.exports).
DATA_WORKBOOK_BUTTON = "data-workbook-button"
DATA_WORKBOOK_DOWNLOAD = "data-workbook-download"
# Overview page: the board report as PDF for the selection (dashboard.report).
OVERVIEW_REPORT_BUTTON = "overview-report-button"
OVERVIEW_REPORT_DOWNLOAD = "overview-report-download"


def language_link(language: str) -> dict[str, Any]:
    """The navbar's link to this page in another language (``dashboard.i18n.LANGUAGES``)."""
    return {"type": "app-language-link", "language": language}


def nav_link(page_module: str) -> dict[str, Any]:
    """The navbar link to one registered page (``page_module`` as in ``dash.page_registry``)."""
    return {"type": "app-nav-link", "page": page_module}


def _chart(role: str, prefix: str) -> dict[str, Any]:
    return {"type": f"chart-{role}", "chart": prefix}


def chart_title(prefix: str) -> dict[str, Any]:
    """The card heading that says what is shown and for which selection."""
    return _chart("title", prefix)


def chart_graph(prefix: str) -> dict[str, Any]:
    """The card's ``dcc.Graph``."""
    return _chart("graph", prefix)


def chart_empty(prefix: str) -> dict[str, Any]:
    """The explanation shown instead of the graph when the selection holds no data."""
    return _chart("empty", prefix)


def chart_table(prefix: str) -> dict[str, Any]:
    """The card's table view (an AG Grid with the plotted numbers)."""
    return _chart("table", prefix)


def chart_table_columns(prefix: str) -> dict[str, Any]:
    """The table view's column definitions as the server sent them (a store: the grid is
    filled from it only while the table is open)."""
    return _chart("table-columns", prefix)


def chart_table_rows(prefix: str) -> dict[str, Any]:
    """The table view's rows as the server sent them (a store, as above)."""
    return _chart("table-rows", prefix)


def chart_table_open(prefix: str) -> dict[str, Any]:
    """Whether the table view's ``<details>`` is open (set by ``assets/table_view.js``)."""
    return _chart("table-open", prefix)


def chart_summary(prefix: str) -> dict[str, Any]:
    """The one-sentence text summary (read by screen readers, shown under the chart)."""
    return _chart("summary", prefix)


def chart_download_csv(prefix: str) -> dict[str, Any]:
    """The 'CSV' download button."""
    return _chart("download-csv", prefix)


def chart_download_excel(prefix: str) -> dict[str, Any]:
    """The 'Excel' download button."""
    return _chart("download-excel", prefix)


def chart_download(prefix: str) -> dict[str, Any]:
    """The card's ``dcc.Download``."""
    return _chart("download", prefix)


# Overview page (dashboard/pages/overview.py).
OVERVIEW_CARDS = "overview-cards-container"


def overview_sparkline(kpi_id: str) -> dict[str, Any]:
    """The small trend graph on a KPI's overview card."""
    return {"type": "overview-sparkline", "kpi": kpi_id}
