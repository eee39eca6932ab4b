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


def faculty_options(faculties: Sequence[str]) -> list[dict[str, str]]:
    return [{"label": faculty, "value": faculty} for faculty in faculties]


def programme_options(programmes: Sequence[Programme]) -> list[dict[str, str]]:
    """Options of the programme dropdown: the name, with cycle and code to tell twins apart."""
    return [
        {
            "label": f"{p.name} ({cycle_label(p.cycle)}, {p.code})",
            "value": p.code,
        }
        for p in programmes
    ]


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
                                options=faculty_options(options.faculties),
                                value=list(state.faculties),
                                multi=True,
                                placeholder=_("All faculties"),
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
