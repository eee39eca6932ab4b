"""The filter bar every page shows: academic-year range, faculty, programme, cycle and
international basis, kept in the URL query string.

``filter_bar`` only lays the controls out, already set to the selection the page was opened
with. ``dashboard/callbacks/filters.py`` keeps controls and URL in step; pages read the
selection from the ``dcc.Store`` ``ids.FILTER_STATE`` (see ``FilterState.from_dict``).
The URL is held by the bar's own ``dcc.Location`` with ``refresh=False``: it pushes a history
entry on every change without asking Dash's page router to re-render the page, so the
controls keep keyboard focus.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.filters_state import (
    BASES,
    CYCLES,
    FilterOptions,
    FilterState,
    Programme,
    academic_year_label,
    basis_label,
    cycle_label,
)
from dashboard.i18n import _


def year_options(years: Sequence[int]) -> list[dict[str, str]]:
    """Options of the year selects: value ``'2019'``, label ``'2019-20'``."""
    return [{"label": academic_year_label(year), "value": str(year)} for year in years]


def central_units(options: FilterOptions) -> tuple[str, ...]:
    """Units that are not faculties: those with staff but no programme of their own
    ("University Services", "Executive Board Office", "University Library")."""
    teaching = {p.faculty for p in options.programmes}
    return tuple(f for f in options.faculties if f not in teaching)


def faculty_options(faculties: Sequence[str], units: Sequence[str] = ()) -> list[dict[str, str]]:
    """Options of the faculty dropdown: faculties first, then the central units, labelled
    as such (a unit has staff figures but no students)."""
    apart = set(units)
    return [{"label": f, "value": f} for f in faculties if f not in apart] + [
        {"label": _("{unit} (central unit)").format(unit=f), "value": f}
        for f in faculties
        if f in apart
    ]


# The value of a group's "all programmes" option; the filter callback replaces it with the
# group's programme codes (dashboard/callbacks/filters.py), so it never reaches the URL.
GROUP_PREFIX = "programmes-of:"
# Pixels of an open dropdown's list: about ten options, not Dash's default three.
MENU_HEIGHT = 420
# A group gets its own "all ..." option from this many programmes on.
MIN_GROUP_SIZE = 2


def group_value(faculty: str, cycle: str) -> str:
    return f"{GROUP_PREFIX}{faculty}|{cycle}"


def expand_groups(values: Sequence[str], programmes: Sequence[Programme]) -> list[str]:
    """``values`` with each group option replaced by its programmes' codes, without
    duplicates, in order."""
    expanded: list[str] = []
    for value in values:
        if value.startswith(GROUP_PREFIX):
            faculty, _sep, cycle = value.removeprefix(GROUP_PREFIX).rpartition("|")
            expanded += [p.code for p in programmes if p.faculty == faculty and p.cycle == cycle]
        else:
            expanded.append(value)
    return list(dict.fromkeys(expanded))


def _cycle_order(cycle: str) -> int:
    return CYCLES.index(cycle) if cycle in CYCLES else len(CYCLES)


def programme_options(programmes: Sequence[Programme]) -> list[dict[str, str]]:
    """Options of the programme dropdown, grouped by faculty and cycle: each group of two
    or more programmes starts with an option that selects the whole group; a programme is
    labelled with its name, cycle and code (19 names are shared by several programmes)."""
    ordered = sorted(programmes, key=lambda p: (p.faculty, _cycle_order(p.cycle), p.name, p.code))
    sizes: dict[tuple[str, str], int] = {}
    for p in ordered:
        sizes[(p.faculty, p.cycle)] = sizes.get((p.faculty, p.cycle), 0) + 1
    options: list[dict[str, str]] = []
    current: tuple[str, str] | None = None
    for p in ordered:
        group = (p.faculty, p.cycle)
        if group != current:
            current = group
            if sizes[group] >= MIN_GROUP_SIZE:
                text = _("All {cycle} programmes of {faculty} ({count})").format(
                    cycle=cycle_label(p.cycle), faculty=p.faculty, count=sizes[group]
                )
                # In bold: the group's heading, and the option that selects the group.
                options.append(
                    {
                        "label": html.Strong(text, className="programme-group-option"),
                        "value": group_value(*group),
                        "search": text,
                    }
                )
        label = f"{p.name} ({cycle_label(p.cycle)}, {p.code})"
        # With one label a component, Dash searches the "search" texts only: the faculty is
        # in it, so typing "Law" finds Law's programmes too.
        options.append({"label": label, "value": p.code, "search": f"{label} {p.faculty}"})
    return options


def option_text(option: dict) -> str:
    """An option's label as text (a group's label is a bold component)."""
    label = option["label"]
    return label if isinstance(label, str) else str(label.children)


def cycle_options(cycles: Sequence[str]) -> list[dict[str, str]]:
    return [{"label": cycle_label(cycle), "value": cycle} for cycle in cycles]


def basis_options() -> list[dict[str, str]]:
    return [{"label": basis_label(basis), "value": basis} for basis in BASES]


def notice_children(notices: Sequence[str]) -> list:
    """The notice's content: what in the link was ignored."""
    if not notices:
        return []
    return [
        html.Strong(_("Part of the link could not be used; defaults are shown instead.")),
        html.Ul([html.Li(text) for text in notices], className="mb-0"),
    ]


def _labelled(label: str, control_id: str, control, width: dict[str, int]) -> dbc.Col:
    label_id = f"{control_id}-label"
    return dbc.Col(
        # The group carries the label's name too: Dash 4's dropdown names its button after
        # the selected values, so "Faculty" would otherwise not be announced.
        html.Div(
            [dbc.Label(label, html_for=control_id, id=label_id), control],
            role="group",
            **{"aria-labelledby": label_id},
        ),
        className="mb-2",
        **width,
    )


def filter_bar(state: FilterState, options: FilterOptions, notices: Sequence[str] = ()) -> html.Div:
    """The filter bar, set to ``state`` (which ``parse_query`` checked against ``options``)."""
    years = year_options(options.years)
    return html.Div(
        [
            dcc.Location(id=ids.FILTER_LOCATION, refresh=False),
            dcc.Store(id=ids.FILTER_STATE, data=state.to_dict()),
            dbc.Alert(
                notice_children(notices),
                id=ids.FILTER_NOTICE,
                is_open=bool(notices),
                color="warning",
                dismissable=True,
                className="mb-2",
            ),
            html.Section(
                dbc.Row(
                    [
                        _labelled(
                            _("From academic year"),
                            ids.FILTER_YEAR_FROM,
                            dbc.Select(
                                id=ids.FILTER_YEAR_FROM,
                                options=years,
                                value=None if state.year_from is None else str(state.year_from),
                            ),
                            {"xs": 6, "md": 2},
                        ),
                        _labelled(
                            _("To academic year"),
                            ids.FILTER_YEAR_TO,
                            dbc.Select(
                                id=ids.FILTER_YEAR_TO,
                                options=years,
                                value=None if state.year_to is None else str(state.year_to),
                            ),
                            {"xs": 6, "md": 2},
                        ),
                        _labelled(
                            _("Faculty"),
                            ids.FILTER_FACULTY,
                            dcc.Dropdown(
                                id=ids.FILTER_FACULTY,
                                options=faculty_options(options.faculties, central_units(options)),
                                value=list(state.faculties),
                                multi=True,
                                placeholder=_("All faculties"),
                                maxHeight=MENU_HEIGHT,
                            ),
                            {"xs": 12, "md": 4},
                        ),
                        _labelled(
                            _("Programme"),
                            ids.FILTER_PROGRAMME,
                            dcc.Dropdown(
                                id=ids.FILTER_PROGRAMME,
                                options=programme_options(options.programmes_in(state.faculties)),
                                value=list(state.programmes),
                                multi=True,
                                placeholder=_("All programmes"),
                                maxHeight=MENU_HEIGHT,
                            ),
                            {"xs": 12, "md": 4},
                        ),
                        dbc.Col(
                            html.Fieldset(
                                [
                                    html.Legend(_("Cycle")),
                                    dbc.Checklist(
                                        id=ids.FILTER_CYCLE,
                                        options=cycle_options(options.cycles),
                                        value=list(state.cycles),
                                        inline=True,
                                    ),
                                ],
                                className="mb-2",
                            ),
                            xs=12,
                            md=4,
                        ),
                        dbc.Col(
                            html.Fieldset(
                                [
                                    html.Legend(_("International by")),
                                    dbc.RadioItems(
                                        id=ids.FILTER_BASIS,
                                        options=basis_options(),
                                        value=state.basis,
                                        inline=True,
                                        name="basis",  # one radio group: one Tab stop
                                    ),
                                ],
                                className="mb-2",
                            ),
                            xs=12,
                            md=8,
                        ),
                    ],
                    className="g-3",
                ),
                # A labelled region, not a <form>: Enter in a search box must not submit.
                **{"aria-label": _("Filters")},
                className="filter-bar",
            ),
        ]
    )
