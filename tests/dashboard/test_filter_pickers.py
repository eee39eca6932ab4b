"""Pickers that scale (issue 13 part 6): programmes grouped by faculty and cycle with an
option per group that selects it, twins told apart, central units listed apart from
faculties, and long selections counted in titles instead of named."""

from __future__ import annotations

from dashboard.callbacks.filters import Controls, synchronise
from dashboard.components.filters import (
    central_units,
    expand_groups,
    faculty_options,
    group_value,
    option_text,
    programme_options,
)
from dashboard.filters_state import FilterOptions, FilterState, Programme, describe

PROGRAMMES = (
    Programme("B10", "Archaeology", "Humanities", "bachelor"),
    Programme("M10", "Archaeology", "Humanities", "master"),
    Programme("B11", "History", "Humanities", "bachelor"),
    Programme("M20", "Law and Society", "Law", "master"),
    Programme("M21", "European Law", "Law", "master"),
    Programme("P20", "PhD Law", "Law", "phd"),
)
OPTIONS = FilterOptions(
    years=(2019, 2020),
    faculties=("Executive Board Office", "Humanities", "Law", "University Library"),
    programmes=PROGRAMMES,
)


def test_programmes_are_grouped_by_faculty_and_cycle():
    options = programme_options(PROGRAMMES)
    assert [option_text(o) for o in options] == [
        "All bachelor programmes of Humanities (2)",
        "Archaeology (bachelor, B10)",
        "History (bachelor, B11)",
        "Archaeology (master, M10)",
        "All master programmes of Law (2)",
        "European Law (master, M21)",
        "Law and Society (master, M20)",
        "PhD Law (PhD, P20)",
    ]
    labels = [option_text(o) for o in options]
    assert len(set(labels)) == len(labels), "every label is unique"
    # Searching the faculty's name finds its programmes.
    assert all("Law" in o["search"] for o in options if o["value"] in ("M20", "M21", "P20"))


def test_a_group_option_selects_its_programmes():
    assert expand_groups([group_value("Law", "master"), "B10", "M21"], PROGRAMMES) == [
        "M20",
        "M21",
        "B10",
    ]
    controls = Controls("2019", "2020", ["Law"], [group_value("Law", "master")], [], None)
    values = synchronise(False, "?from=2019&to=2020", controls, None, OPTIONS, "nationality")
    # The URL and the control get the codes, never the group's own value.
    assert "programme=M20&programme=M21" in values[0]
    assert "programmes-of" not in values[0]
    assert values[5] == ["M20", "M21"]


def test_central_units_are_listed_apart():
    assert central_units(OPTIONS) == ("Executive Board Office", "University Library")
    options = faculty_options(OPTIONS.faculties, central_units(OPTIONS))
    assert [o["label"] for o in options] == [
        "Humanities",
        "Law",
        "Executive Board Office (central unit)",
        "University Library (central unit)",
    ]
    # Their values are the names as loaded: the link and the queries are unchanged.
    assert [o["value"] for o in options][-1] == "University Library"


def test_long_selections_are_counted_in_titles():
    codes = tuple(p.code for p in PROGRAMMES)
    text = describe(FilterState(programmes=codes), OPTIONS)
    assert "6 programmes" in text
    assert "Archaeology" not in text
    many = describe(FilterState(faculties=OPTIONS.faculties), OPTIONS)
    assert "4 faculties" in many and "Library" not in many
    assert len(describe(FilterState(faculties=OPTIONS.faculties, programmes=codes))) < 120


def test_short_selections_are_named_and_twins_told_apart():
    text = describe(FilterState(programmes=("B10", "B11")), OPTIONS)
    assert "Archaeology (bachelor, B10), History" in text
    assert "faculties Humanities, Law" in describe(FilterState(faculties=("Humanities", "Law")))
