"""Progress status after the Open SDG method: every level, floors and ceilings to maintain,
'<=' targets, a baseline of zero. Targets are built directly; growth figures are worked out
by hand in the comments."""

from __future__ import annotations

import pytest

from dashboard.kpis.status import (
    ACHIEVED,
    DETERIORATION,
    FAIR,
    LIMITED,
    MISSED_BY,
    NO_TARGET,
    NOT_ENOUGH_DATA,
    ON_TRACK,
    progress,
)
from dashboard.kpis.targets import Target


def target(
    value: float,
    comparator: str = ">=",
    kind: str = "reach",
    target_year: int = 2030,
    baseline_year: int | None = 2020,
    baseline_value: float | None = None,
) -> Target:
    return Target(
        kpi_id="intl_share_master",
        scope="university",
        scope_value="",
        comparator=comparator,
        value=value,
        kind=kind,
        target_year=target_year,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        label="test",
        source="a test",
    )


# Reach 20 by 2030 from 10 in 2020: required compound growth (20/10)^(1/10) - 1 = 7.18% a year.
REACH_20 = target(20, baseline_value=10)


def test_no_target():
    assert progress(None, {2020: 10.0, 2022: 12.0}).status == NO_TARGET


def test_not_enough_data():
    # No value at all.
    assert progress(REACH_20, {}).status == NOT_ENOUGH_DATA
    # The asked-for year has no value (withheld or missing).
    assert progress(REACH_20, {2020: 10.0, 2022: float("nan")}, 2022).status == NOT_ENOUGH_DATA
    # One value and no baseline to measure growth from.
    no_baseline = target(20, baseline_year=None)
    assert progress(no_baseline, {2022: 12.0}).status == NOT_ENOUGH_DATA
    # The baseline year has no observed value and the target gives none; no earlier year.
    assert progress(target(20), {2022: 12.0}).status == NOT_ENOUGH_DATA


def test_target_achieved():
    assert progress(REACH_20, {2020: 10.0, 2022: 20.0}).status == ACHIEVED
    assert progress(REACH_20, {2022: 25.0}).status == ACHIEVED


def test_on_track():
    # 2022: 11.5 -> observed (11.5/10)^(1/2) - 1 = 7.24% a year; 7.24 / 7.18 = 1.01 >= 0.95.
    result = progress(REACH_20, {2020: 10.0, 2021: 10.7, 2022: 11.5})
    assert result.status == ON_TRACK
    assert result.observed_growth == pytest.approx(0.0724, abs=1e-4)
    assert result.required_growth == pytest.approx(0.0718, abs=1e-4)


def test_fair_progress():
    # 2022: 11.0 -> (1.1)^(1/2) - 1 = 4.88%; 4.88 / 7.18 = 0.68 (between 0.5 and 0.95).
    assert progress(REACH_20, {2020: 10.0, 2022: 11.0}).status == FAIR


def test_limited_progress():
    # 2022: 10.4 -> (1.04)^(1/2) - 1 = 1.98%; 1.98 / 7.18 = 0.28 (between 0 and 0.5).
    assert progress(REACH_20, {2020: 10.0, 2022: 10.4}).status == LIMITED


def test_deterioration():
    # 2022: 9.0 -> (0.9)^(1/2) - 1 = -5.1%: negative.
    assert progress(REACH_20, {2020: 10.0, 2022: 9.0}).status == DETERIORATION


def test_status_in_an_earlier_year_of_the_series():
    series = {2020: 10.0, 2022: 11.5, 2024: 9.0}
    assert progress(REACH_20, series, 2022).status == ON_TRACK
    assert progress(REACH_20, series, 2024).status == DETERIORATION


def test_baseline_from_the_observed_series():
    # No baseline value in the target: the observed 2020 value (10) is used.
    assert progress(target(20), {2020: 10.0, 2022: 11.5}).status == ON_TRACK
    # No baseline year either: the first observed year before the latest.
    assert progress(target(20, baseline_year=None), {2020: 10.0, 2022: 9.0}).status == (
        DETERIORATION
    )


def test_floor_to_maintain():
    floor = target(23, kind="maintain", baseline_year=2019, baseline_value=23)
    # Held (23 and 24 >= 23): achieved, whatever the trend.
    assert progress(floor, {2019: 23.0, 2020: 24.0}).status == ACHIEVED
    assert progress(floor, {2019: 30.0, 2020: 23.0}).status == ACHIEVED
    # Below the floor, even by a little: deterioration.
    assert progress(floor, {2019: 23.0, 2020: 24.0, 2021: 22.9}).status == DETERIORATION


def test_ceiling_to_maintain():
    ceiling = target(10, comparator="<=", kind="maintain")
    assert progress(ceiling, {2020: 8.0, 2021: 10.0}).status == ACHIEVED
    assert progress(ceiling, {2020: 8.0, 2021: 10.5}).status == DETERIORATION


def test_at_most_target_to_reach():
    # Bring 50 (2020) down to at most 30 by 2030: required (30/50)^(1/10) - 1 = -4.98% a year.
    at_most = target(30, comparator="<=", baseline_value=50)
    # 2022: 45 -> (45/50)^(1/2) - 1 = -5.13%; -5.13 / -4.98 = 1.03: on track.
    assert progress(at_most, {2022: 45.0}).status == ON_TRACK
    # 2022: 48 -> (0.96)^(1/2) - 1 = -2.02%; ratio 0.41: limited progress.
    assert progress(at_most, {2022: 48.0}).status == LIMITED
    # 2022: 55 -> rising, away from the target: ratio < 0.
    assert progress(at_most, {2022: 55.0}).status == DETERIORATION
    # 2022: 29 -> met.
    assert progress(at_most, {2022: 29.0}).status == ACHIEVED


def test_baseline_of_zero_uses_linear_growth():
    # From 0 (2020) to at least 10 by 2030: compound growth from zero is undefined, so linear
    # growth is compared: required (10 - 0) / 10 = 1.0 a year.
    from_zero = target(10, baseline_value=0)
    # 2022: 2 -> (2 - 0) / 2 = 1.0 a year; ratio 1.0: on track.
    result = progress(from_zero, {2020: 0.0, 2022: 2.0})
    assert result.status == ON_TRACK
    assert result.observed_growth == pytest.approx(1.0)
    assert result.required_growth == pytest.approx(1.0)
    # 2022: 1.4 -> 0.7 a year; ratio 0.7: fair progress.
    assert progress(from_zero, {2022: 1.4}).status == FAIR
    # 2022: 0.8 -> 0.4 a year; ratio 0.4: limited progress.
    assert progress(from_zero, {2022: 0.8}).status == LIMITED
    # 2022: still 0 -> no growth: ratio 0, limited progress (not yet moving away).
    assert progress(from_zero, {2022: 0.0}).status == LIMITED


def test_target_of_zero_uses_linear_growth():
    # Bring 10 (2020) down to 0 by 2030: required linear (0 - 10) / 10 = -1.0 a year.
    to_zero = target(0, comparator="<=", baseline_value=10)
    # 2022: 5 -> observed (5 - 10) / 2 = -2.5 a year; ratio 2.5: on track. (Mixing compound
    # observed growth, (5/10)^(1/2) - 1 = -29%, with the linear requirement would give 0.29.)
    result = progress(to_zero, {2022: 5.0})
    assert result.status == ON_TRACK
    assert result.observed_growth == pytest.approx(-2.5)
    # 2022: 9 -> -0.5 a year; ratio 0.5: fair progress.
    assert progress(to_zero, {2022: 9.0}).status == FAIR


def test_falling_below_a_target_the_baseline_met_is_deterioration():
    # Baseline 25 (2019) already met ">= 20 by 2030"; 2021: 18 no longer does. The required
    # "growth" is negative ((20/25)^(1/11) - 1 = -2.0%) and so is the observed one
    # ((18/25)^(1/2) - 1 = -15%): the ratio (7.5) must not read as "on track".
    fallen = target(20, baseline_year=2019, baseline_value=25)
    assert progress(fallen, {2021: 18.0}).status == DETERIORATION
    # Baseline exactly on the target (required growth 0): falling below is deterioration,
    # not "target achieved".
    on_target = target(20, baseline_year=2019, baseline_value=20)
    assert progress(on_target, {2021: 18.0}).status == DETERIORATION


def test_target_year_already_past():
    # Issue 11, point 6 changed this (it was "fair progress" from growth over 8 years): past
    # the target year, the target is judged at its deadline. Target 20 by 2020 from 10 in
    # 2015; scored in 2022 with no value observed by 2020: the baseline value (10) is the
    # latest known by the deadline -> missed by 2020-21.
    late = target(20, target_year=2020, baseline_year=2015, baseline_value=10)
    result = progress(late, {2022: 15.0})
    assert result.status == MISSED_BY
    assert result.label == "missed by 2020-21"
