"""Callbacks of the Mobility page: one per chart card (see ``dashboard.charts``)."""

from __future__ import annotations

from dashboard.callbacks import kpi_cards
from dashboard.charts import MOBILITY_CHARTS

kpi_cards.register(MOBILITY_CHARTS)
