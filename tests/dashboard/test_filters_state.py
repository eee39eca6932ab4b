"""The filter selection's round trip through the URL, and its fallbacks for bad links."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from dashboard.filters_state import (
    MAX_CHOICES,
    MAX_NOTICES,
    MAX_TEXT_LENGTH,
    FilterOptions,
    FilterState,
    InvalidInput,
    Programme,
    academic_year_label,
    describe,
    merge_search,
    parse_academic_year,
    parse_query,
    parse_search,
    to_query,
    with_defaults,
)

OPTIONS = FilterOptions(
    years=tuple(range(2015, 2025)),
    faculties=("Humanities", "Law", "Science"),
    programmes=(
        Programme("50001", "History", "Humanities", "bachelor"),
        Programme("60001", "International Law", "Law", "master"),
        Programme("60002", "Astronomy", "Science", "master"),
    ),
    cycles=("bachelor", "master", "phd"),
)

STATES = [
    FilterState(),
    FilterState(2015, 2024),
    FilterState(2019, 2019, basis="both"),
    FilterState(2016, 2020, ("Law",), ("60001",), ("master",), "prior_education"),
    FilterState(2015, 2024, ("Humanities", "Science"), (), ("bachelor", "phd"), "nationality"),
]


@pytest.mark.parametrize("state", STATES)
def test_a_state_survives_the_url(state):
    assert parse_query(parse_qs(to_query(state))) == (state, [])
    assert parse_search("?" + to_query(state)) == (state, [])


@pytest.mark.parametrize("state", STATES[1:])
def test_a_state_survives_the_url_with_options(state):
    assert parse_query(parse_qs(to_query(state)), OPTIONS) == (state, [])


@pytest.mark.parametrize("state", STATES)
def test_a_state_survives_the_store(state):
    assert FilterState.from_dict(state.to_dict()) == state


def test_the_query_string_reads_like_the_readme():
    state = FilterState(2015, 2024, ("Law",), ("60001",), ("master",), "nationality")
    assert to_query(state) == (
        "from=2015&to=2024&faculty=Law&programme=60001&cycle=master&basis=nationality"
    )
    assert to_query(FilterState(faculties=("Science & Engineering",))) == (
        "faculty=Science+%26+Engineering&basis=nationality"
    )


def test_dash_layout_arguments_are_understood():
    # Dash hands layout(**query) a str for a single value and a list for repeated keys.
    state, notices = parse_query(
        {"from": "2016", "to": "2018", "faculty": ["Law", "Science"], "cycle": "master"}
    )
    assert state == FilterState(2016, 2018, ("Law", "Science"), (), ("master",))
    assert notices == []


def test_no_query_means_everything_and_with_options_all_years():
    assert parse_query({}) == (FilterState(), [])
    assert parse_query({}, OPTIONS) == (FilterState(2015, 2024), [])
    assert parse_query({}, OPTIONS, default_basis="both")[0].basis == "both"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2019", 2019),
        ("2019-20", 2019),
        ("2019-2020", 2019),
        ("2019/20", 2019),
        (" 2019 ", 2019),
        ("2099-00", 2099),
        ("2019-21", None),
        ("19", None),
        ("abc", None),
        ("", None),
        ("1800", None),
    ],
)
def test_academic_years_in_links(text, year):
    assert parse_academic_year(text) == year


def test_academic_year_labels():
    assert academic_year_label(2019) == "2019-20"
    assert academic_year_label(2099) == "2099-00"


def test_malformed_values_fall_back_with_a_notice_each():
    state, notices = parse_query(
        {
            "from": "abc",
            "to": "20x",
            "cycle": ["master", "xyz"],
            "basis": "zzz",
            "unknown": "kept for the page",
        },
        default_basis="prior_education",
    )
    assert state == FilterState(cycles=("master",), basis="prior_education")
    assert len(notices) == 4
    assert "'abc' is not an academic year" in notices[0]
    assert "'20x' is not an academic year" in notices[1]
    assert "'xyz' is not a cycle" in notices[2]
    assert "'zzz' is not an international basis" in notices[3]
    assert "prior_education is used" in notices[3]


def test_values_are_checked_against_the_published_data():
    state, notices = parse_query(
        {
            "from": "2010",
            "to": "2040",
            "faculty": ["law", "Nope"],
            "programme": ["60001", "60002", "99999"],
        },
        OPTIONS,
    )
    assert state == FilterState(2015, 2024, ("Law",), ("60001",))
    assert [n.split(";")[0] for n in notices] == [
        "There is no data for 2010-11",
        "There is no data for 2040-41",
        "There is no faculty 'Nope' in the data",
        "There is no programme with code '99999' in the data",
        "Programme '60002' is not part of the selected faculties",
    ]


def test_a_reversed_range_is_swapped():
    state, notices = parse_query({"from": "2020", "to": "2017"})
    assert (state.year_from, state.year_to) == (2017, 2020)
    assert "swapped" in notices[0]


def test_a_repeated_single_value_keeps_the_first():
    state, notices = parse_query({"from": ["2016", "2018"], "basis": ["both", "nationality"]})
    assert (state.year_from, state.basis) == (2016, "both")
    assert len(notices) == 2


def test_duplicates_are_dropped_and_cycles_ordered():
    state, notices = parse_query({"faculty": ["Law", "Law"], "cycle": ["phd", "bachelor", "phd"]})
    assert state.faculties == ("Law",)
    assert state.cycles == ("bachelor", "phd")
    assert notices == []


def test_merge_search_keeps_the_page_own_keys():
    state = FilterState(2016, 2018, basis="both")
    assert merge_search("?from=2015&breakdown=faculty&faculty=Law", state) == (
        "?from=2016&to=2018&basis=both&breakdown=faculty"
    )
    assert merge_search(None, FilterState()) == "?basis=nationality"


def test_describe_names_the_selection():
    state = FilterState(2018, 2020, ("Law",), ("60001",), ("master",), "both")
    assert describe(state, OPTIONS) == (
        "2018-19 to 2020-21 · faculty Law · International Law · master · "
        "international by nationality and prior education"
    )
    assert describe(FilterState()) == (
        "all years · all faculties · all programmes · all cycles · international by nationality"
    )


def test_programmes_follow_the_faculties():
    assert [p.code for p in OPTIONS.programmes_in(["Law"])] == ["60001"]
    assert len(OPTIONS.programmes_in([])) == 3


# --- the store as the server receives it back (issue 9: forged callback inputs) ------------


@pytest.mark.parametrize(
    "data",
    [
        ["Law"],
        "faculty=Law",
        42,
        {"year_from": -150000, "year_to": 150000},
        {"year_from": "2019"},
        {"year_from": 2019.0},
        {"year_to": True},
        {"faculties": "Law"},
        {"faculties": [None]},
        {"programmes": [{"code": "60001"}]},
        {"faculties": ["F"] * (MAX_CHOICES + 1)},
        {"faculties": ["x" * (MAX_TEXT_LENGTH + 1)]},
        {"cycles": ["postdoc"]},
        {"basis": "everything"},
        {"basis": ""},
        {"year_from": 2019, "sql": "1=1"},
    ],
)
def test_a_forged_store_is_refused(data):
    with pytest.raises(InvalidInput):
        FilterState.from_dict(data)


def test_an_empty_store_is_the_default_state():
    assert FilterState.from_dict(None) == FilterState.from_dict({}) == FilterState()


def test_a_store_with_its_years_reversed_is_put_in_order():
    assert FilterState.from_dict({"year_from": 2020, "year_to": 2016}).years == tuple(
        range(2016, 2021)
    )


def test_with_defaults_clamps_years_and_drops_what_the_data_does_not_have():
    state = FilterState(1990, 2100, ("Law", "Alchemy"), ("60001", "60002", "X"), ("master",))
    checked = with_defaults(state, OPTIONS)
    assert (checked.year_from, checked.year_to) == (2015, 2024)
    # 60002 is a Science programme: not part of the selected faculties, as in a link.
    assert (checked.faculties, checked.programmes) == (("Law",), ("60001",))
    assert with_defaults(FilterState(2030, 2040), OPTIONS).years == (2024,)
    assert with_defaults(FilterState(cycles=("short_cycle",)), OPTIONS).cycles == ()


def test_a_link_with_thousands_of_values_is_cut_short_quickly():
    import time

    query = {"faculty": ["Law"] * 5000 + ["x" * 10_000], "cycle": ["no"] * 5000}
    started = time.perf_counter()
    state, notices = parse_query(query, OPTIONS)
    assert time.perf_counter() - started < 0.5
    assert state.faculties == () and state.cycles == ()
    assert 1 <= len(notices) <= MAX_NOTICES
