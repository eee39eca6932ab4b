"""Reusable layout pieces: the app shell, the filter bar, the chart card, the page frame."""
