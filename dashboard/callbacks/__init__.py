"""Every callback of the dashboard, one module per page or component.

Importing this package registers them all (``app.py`` does). A callbacks module that is not
imported here silently never fires, so each one is listed explicitly. The KPI pages' chart
callbacks are the exception: ``pages`` wires them from ``dash.page_registry`` once Dash has
loaded the pages (``app.py`` calls ``pages.register`` right after building the app).
"""

from dashboard.callbacks import (
    auth,
    chart,
    data,
    filters,
    overview,
    pages,
    report,
    shell,
)

__all__ = [
    "auth",
    "chart",
    "data",
    "filters",
    "overview",
    "pages",
    "report",
    "shell",
]
