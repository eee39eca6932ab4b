"""Every callback of the dashboard, one module per page or component.

Importing this package registers them all (``app.py`` does). A callbacks module that is not
imported here silently never fires, so each one is listed explicitly.
"""

from dashboard.callbacks import (
    auth,
    chart,
    data,
    diversity,
    filters,
    mobility,
    networks,
    overview,
    report,
    shell,
)

__all__ = [
    "auth",
    "chart",
    "data",
    "diversity",
    "filters",
    "mobility",
    "networks",
    "overview",
    "report",
    "shell",
]
