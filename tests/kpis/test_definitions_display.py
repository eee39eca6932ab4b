"""Issue 11 as a person sees it: statuses in words with their deadline, the university's
target as an unscored reference line on a narrower view, and overview cards that neither
score a programme against the university's count nor fill a row with "no value".

Dataset: master's programme M1 (Law) with 4 students in 2019-20 (1 GB, 3 NL) and 5 in
2020-21 (2 DE, 3 NL); bachelor B1 (Humanities) with 10 NL students each year. Targets: the
university's 122 nationalities and 23% international master's students (both floors) and
the EHEA 20% graduate mobility by 2020.
"""

from __future__ import annotations

import plotly.graph_objects as go

import app  # noqa: F401 (the Dash app: the cards' asset URLs need it)
from dashboard.components.overview import card_data, overview_sections, status_badge
from dashboard.figures import kpi as figures
from dashboard.filters_state import FilterState
from dashboard.kpis import query
from dashboard.kpis.registry import get_kpi
from dashboard.kpis.status import MISSED_BY, Progress
from dashboard.kpis.targets import Target
from tests.kpis.conftest import NO_SUPPRESSION, module_dataset


def _target(kpi_id: str, value: float, kind: str = "maintain", year: int = 2027) -> Target:
    return Target(kpi_id, "university", "", ">=", value, kind, year, 2019, None, "EPS",
                  "the source")  # fmt: skip


TARGETS = [
    _target("nationalities_count", 122),
    _target("intl_share_master", 23),
]
FILES = {
    "enrolments": [
        ["academic_year", "headcount", "programme_code", "nationality"],
        ["2019-20", 1, "M1", "GB"],
        ["2019-20", 3, "M1", "NL"],
        ["2020-21", 2, "M1", "DE"],
        ["2020-21", 3, "M1", "NL"],
        ["2019-20", 10, "B1", "NL"],
        ["2020-21", 10, "B1", "NL"],
    ],
}
display = module_dataset(FILES)


def _card(cursor, kpi_id: str, state: FilterState):
    years = query.data_years(cursor)
    return card_data(cursor, get_kpi(kpi_id), state, NO_SUPPRESSION, TARGETS, years)


def test_a_programme_card_is_not_scored_against_the_university(display):
    m1 = FilterState(programmes=("M1",))
    count = _card(display, "nationalities_count", m1)
    # 3 nationalities in M1 against the university's 122: no status, no reference line.
    assert count.targets == [] and count.references == ()
    share = _card(display, "intl_share_master", m1)
    # 2 of 5 = 40% in M1: the university's 23% is a reference, unscored.
    assert share.targets == []
    assert [t.value for t in share.references] == [23]
    university = _card(display, "intl_share_master", FilterState())
    assert [p.status for _t, p in university.targets] == ["target_achieved"]
    assert university.references == ()


def test_the_reference_line_is_drawn_and_labelled_unscored():
    frame = figures.pd.DataFrame(
        {
            figures.SERIES: ["M1", "M1"],
            figures.YEAR_LABEL: ["2019-20", "2020-21"],
            "value": [25.0, 40.0],
            "provisional": [False, False],
        }
    )
    figure = go.Figure(figures.trend_figure(frame, "percent", [], [TARGETS[1]]))
    names = [trace.name for trace in figure.data]
    assert names[1].startswith("University reference, not scored")
    assert list(figure.data[1].y) == [23, 23]


def test_a_missed_deadline_is_shown_with_its_year():
    badge = status_badge(Progress(MISSED_BY, deadline=2020))
    assert "missed by 2020-21" in str(badge)


def test_overview_of_a_programme_lists_kpis_without_a_value(display):
    # B1 is a bachelor's programme: no master's share -> named once, no "no value" card.
    text = str(overview_sections(display, FilterState(programmes=("B1",)), NO_SUPPRESSION,
                                 TARGETS))  # fmt: skip
    assert "No value for this selection: International master's students" in text
    assert "overview-card-intl_share_master" not in text
    assert "overview-card-nationalities_count" in text


def test_a_reference_shared_by_several_series_is_drawn_once():
    # The three cycles' graduate rates share the university's targets: one line each, not
    # one per cycle (six legend entries squeezed the chart on a faculty's Mobility page).
    frame = figures.pd.DataFrame(
        {
            figures.SERIES: ["bachelor", "bachelor", "master", "master"],
            figures.YEAR_LABEL: ["2019-20", "2020-21", "2019-20", "2020-21"],
            "value": [25.0, 40.0, 10.0, 12.0],
            "provisional": [False, False, False, False],
        }
    )
    references = [TARGETS[1], TARGETS[1]]
    figure = go.Figure(figures.trend_figure(frame, "percent", [], references))
    names = [trace.name for trace in figure.data if "not scored" in (trace.name or "")]
    assert len(names) == 1
