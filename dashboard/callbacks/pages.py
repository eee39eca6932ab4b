"""The callbacks of every KPI page, wired from the page registry: a module in
``dashboard/pages`` that declares ``CHARTS`` (a tuple of ``KpiChart``) gets one callback per
chart card and the card's downloads (``dashboard.callbacks.kpi_cards``). Adding a page is
one file; nothing here lists it.

Dash imports the page modules itself when the app is built (``use_pages=True``) and
``dash.register_page`` refuses to run before that, so this module imports no page: it reads
the charts from the modules Dash loaded, through ``dash.page_registry``. ``app.py`` calls
:func:`register` once, right after building the app (and before the first request, when
Dash collects the callbacks).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from dashboard.callbacks import kpi_cards
from dashboard.components.kpi_chart import KpiChart

# Page modules whose callbacks are wired in this process: wiring a page again would register
# its callbacks twice. Written only at start-up, never by a callback.
_WIRED: set[str] = set()


def page_charts(page_registry: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[KpiChart, ...]]:
    """The chart cards each registered page declares (``CHARTS``), by page module, for the
    pages that declare any."""
    charts: dict[str, tuple[KpiChart, ...]] = {}
    for module_name, page in page_registry.items():
        module = sys.modules.get(page.get("module", module_name))
        declared = tuple(getattr(module, "CHARTS", ()))
        if declared:
            charts[module_name] = declared
    return charts


def register(page_registry: Mapping[str, Mapping[str, Any]]) -> None:
    """One callback per chart card of every registered page (once per page and process)."""
    for module_name, charts in page_charts(page_registry).items():
        if module_name not in _WIRED:
            kpi_cards.register(charts)
            _WIRED.add(module_name)
