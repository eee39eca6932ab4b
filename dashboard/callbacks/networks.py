"""Callbacks of the Networks page: one per chart card (see ``dashboard.charts``)."""

from __future__ import annotations

from dashboard.callbacks import kpi_cards
from dashboard.charts import NETWORK_CHARTS

kpi_cards.register(NETWORK_CHARTS)
