"""Progress toward a target, after the Open SDG method (which follows Statistics Canada).

For a target to reach by a target year: compare the compound annual growth observed since
the baseline with the growth still required to reach the target by the target year.

- ``target achieved``: the latest value meets the target;
- ``on track``: observed growth is at least 95% of the required growth;
- ``fair progress, acceleration needed``: 50% to 95%;
- ``limited progress``: 0% to 50%;
- ``deterioration``: observed growth is negative (moving away from the target).

Rules added to the method (issue 11), each tested in ``tests/kpis/test_kpi_status.py``:

- **Past deadline.** Once the scored year is after the target year, growth no longer
  matters: the status is ``achieved by <deadline>`` when the value of the target year (else
  the latest value before it, else the target's baseline value) met the target, ``missed by
  <deadline>`` otherwise. The deadline is the target year as an academic year (2020-21).
- **No change.** Observed compound growth within ``NO_CHANGE_TOLERANCE`` (0.5% a year
  either way: the smallest growth step of the Open SDG / Statistics Canada tables, whose
  "limited progress" band is 0 to 0.5% a year) is ``no change`` rather than
  ``deterioration`` or ``limited progress``, unless it is enough to be on track. A flat
  93.3% under a 95% floor is "no change", not "deterioration".
- **Floors not yet reached.** A floor or ceiling to maintain (``kind = maintain``, e.g.
  ">= 23%") is ``target achieved`` while the latest value holds it, and ``deterioration``
  once it no longer does where the baseline held it. Where the baseline did not hold it
  either, progress toward it is measured like a level to reach by the target year.
- **One method.** The caller passes one series measured one way (the graduate-based
  mobility rate only, never its participation-rate fallback years:
  ``dashboard.kpis.table.status_series``).

Without a target the status is ``no target``; with a target but no baseline to measure
growth from, ``not enough data``. Compound growth needs positive values; where the baseline
is zero, linear growth is compared instead (no tolerance applies to linear growth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboard.i18n import N_, _
from dashboard.kpis.targets import Target

ACHIEVED = "target_achieved"
ON_TRACK = "on_track"
FAIR = "fair_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
NO_TARGET = "no_target"
NOT_ENOUGH_DATA = "not_enough_data"
ACHIEVED_BY = "achieved_by"
MISSED_BY = "missed_by"
NO_CHANGE = "no_change"

# Order: best first. Text and an icon name, so status is never shown by colour alone.
STATUSES = {
    ACHIEVED: (N_("target achieved"), "check-circle"),
    ACHIEVED_BY: (N_("achieved by the deadline"), "check-circle"),
    ON_TRACK: (N_("on track"), "arrow-up-right-circle"),
    FAIR: (N_("fair progress, acceleration needed"), "arrow-right-circle"),
    LIMITED: (N_("limited progress"), "dash-circle"),
    NO_CHANGE: (N_("no change"), "arrow-right-circle"),
    DETERIORATION: (N_("deterioration"), "arrow-down-right-circle"),
    MISSED_BY: (N_("missed by the deadline"), "x-circle"),
    NO_TARGET: (N_("no target"), "circle"),
    NOT_ENOUGH_DATA: (N_("not enough data"), "question-circle"),
}
ON_TRACK_RATIO = 0.95
FAIR_RATIO = 0.5
# Compound growth within +/- 0.5% a year reads "no change".
NO_CHANGE_TOLERANCE = 0.005


def _year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class Progress:
    status: str
    observed_growth: float | None = None
    required_growth: float | None = None
    # The target year, for "achieved by / missed by <deadline>".
    deadline: int | None = None

    @property
    def label(self) -> str:
        return status_label(self.status, self.deadline)


def status_label(status: str, deadline: int | None = None) -> str:
    """The words of a status; a past deadline is named ("missed by 2020-21")."""
    if status == ACHIEVED_BY and deadline is not None:
        return _("achieved by {deadline}").format(deadline=_year_label(deadline))
    if status == MISSED_BY and deadline is not None:
        return _("missed by {deadline}").format(deadline=_year_label(deadline))
    return _(STATUSES[status][0])


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
    if year > target.target_year:
        return _at_deadline(target, observed)
    if target.met_by(latest):
        return Progress(ACHIEVED)

    baseline_year, baseline = _baseline(target, observed, year)
    if target.kind == "maintain" and (baseline is None or target.met_by(baseline)):
        # A floor (or ceiling) that held and no longer does.
        return Progress(DETERIORATION)
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
    elif compound and abs(observed_growth) < NO_CHANGE_TOLERANCE:
        status = NO_CHANGE
    elif ratio >= FAIR_RATIO:
        status = FAIR
    elif ratio >= 0:
        status = LIMITED
    else:
        status = DETERIORATION
    return Progress(status, observed_growth, required)


def _at_deadline(target: Target, observed: dict[int, float]) -> Progress:
    """Status of a target whose year has passed: judged on the value of the target year
    (else the latest before it, else the target's baseline value)."""
    deadline = target.target_year
    by_deadline = [y for y in observed if y <= deadline]
    if by_deadline:
        value = observed[max(by_deadline)]
    elif target.baseline_value is not None:
        value = target.baseline_value
    else:
        return Progress(NOT_ENOUGH_DATA, deadline=deadline)
    return Progress(ACHIEVED_BY if target.met_by(value) else MISSED_BY, deadline=deadline)


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
