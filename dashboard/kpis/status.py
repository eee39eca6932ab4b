"""Progress toward a target, after the Open SDG method (which follows Statistics Canada).

For a target to reach by a target year: compare the compound annual growth observed since
the baseline with the growth still required to reach the target by the target year.

- ``target achieved``: the latest value meets the target;
- ``on track``: observed growth is at least 95% of the required growth;
- ``fair progress, acceleration needed``: 50% to 95%;
- ``limited progress``: 0% to 50%;
- ``deterioration``: observed growth is negative (moving away from the target).

A floor or ceiling to maintain (``kind = maintain``, e.g. ">= 23%") is ``target achieved``
while the latest value holds it and ``deterioration`` once it does not. Without a target the
status is ``no target``; with a target but no baseline to measure growth from, ``not enough
data``. Compound growth needs positive values; where the baseline is zero, linear growth is
compared instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard.i18n import _
from dashboard.kpis.targets import Target

ACHIEVED = "target_achieved"
ON_TRACK = "on_track"
FAIR = "fair_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
NO_TARGET = "no_target"
NOT_ENOUGH_DATA = "not_enough_data"

# Order: best first. Text and an icon name, so status is never shown by colour alone.
STATUSES = {
    ACHIEVED: (_("target achieved"), "check-circle"),
    ON_TRACK: (_("on track"), "arrow-up-right-circle"),
    FAIR: (_("fair progress, acceleration needed"), "arrow-right-circle"),
    LIMITED: (_("limited progress"), "dash-circle"),
    DETERIORATION: (_("deterioration"), "arrow-down-right-circle"),
    NO_TARGET: (_("no target"), "circle"),
    NOT_ENOUGH_DATA: (_("not enough data"), "question-circle"),
}
ON_TRACK_RATIO = 0.95
FAIR_RATIO = 0.5


@dataclass(frozen=True)
class Progress:
    status: str
    observed_growth: float | None = None
    required_growth: float | None = None

    @property
    def label(self) -> str:
        return STATUSES[self.status][0]


def _growth(start: float, end: float, years: int) -> tuple[float, bool]:
    """Yearly growth from ``start`` to ``end`` over ``years``: compound where both are
    positive, otherwise linear (per year, relative to nothing). Second item: compound?"""
    if start > 0 and end > 0:
        return (end / start) ** (1 / years) - 1, True
    return (end - start) / years, False


def progress(
    target: Target | None,
    series: dict[int, float],
    year: int | None = None,
) -> Progress:
    """Status of ``series`` (academic year -> value) against ``target`` at ``year`` (default:
    the latest year of the series)."""
    if target is None:
        return Progress(NO_TARGET)
    observed = {y: v for y, v in series.items() if v is not None and not math.isnan(v)}
    if year is None:
        year = max(observed, default=None)
    if year is None or year not in observed:
        return Progress(NOT_ENOUGH_DATA)
    latest = observed[year]
    if target.met_by(latest):
        return Progress(ACHIEVED)
    if target.kind == "maintain":
        return Progress(DETERIORATION)

    baseline_year, baseline = _baseline(target, observed, year)
    if baseline_year is None or baseline is None:
        return Progress(NOT_ENOUGH_DATA)
    if target.met_by(baseline):
        # The baseline met the target and the latest value no longer does: it moved away
        # from the target, whatever the growth figures say.
        return Progress(DETERIORATION)
    observed_growth, compound = _growth(baseline, latest, year - baseline_year)
    if compound and target.value <= 0:
        # No compound growth reaches zero: compare linear growth on both sides.
        observed_growth, compound = (latest - baseline) / (year - baseline_year), False
    # A target year already past leaves one year to close the gap.
    years_left = max(target.target_year - baseline_year, year - baseline_year + 1)
    if compound and target.value > 0:
        required = (target.value / baseline) ** (1 / years_left) - 1
    else:
        required = (target.value - baseline) / years_left
    if required == 0:
        return Progress(ACHIEVED)
    ratio = observed_growth / required
    if ratio >= ON_TRACK_RATIO:
        status = ON_TRACK
    elif ratio >= FAIR_RATIO:
        status = FAIR
    elif ratio >= 0:
        status = LIMITED
    else:
        status = DETERIORATION
    return Progress(status, observed_growth, required)


def _baseline(
    target: Target, observed: dict[int, float], year: int
) -> tuple[int | None, float | None]:
    """The baseline year and value: the target's, else the first observed year before
    ``year``."""
    if target.baseline_year is not None and target.baseline_year < year:
        value = target.baseline_value
        if value is None:
            value = observed.get(target.baseline_year)
        if value is not None:
            return target.baseline_year, value
    earlier = [y for y in observed if y < year]
    if not earlier:
        return None, None
    first = min(earlier)
    return first, observed[first]
