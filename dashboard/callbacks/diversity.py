"""Callbacks of the Diversity page: one per chart card (see ``dashboard.charts``)."""

from __future__ import annotations

from dashboard.callbacks import kpi_cards
from dashboard.charts import DIVERSITY_CHARTS

kpi_cards.register(DIVERSITY_CHARTS)
