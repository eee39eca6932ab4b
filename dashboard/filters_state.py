"""The filter selection as a value, and its round trip through the URL query string.

The selection (academic-year range, faculties, programmes, cycles, international basis) lives
in the URL, so a copied link reopens the same view, a reload keeps it and the back button
works. This module is pure: ``parse_query`` turns a query (as Dash's ``layout(**query)`` or
``urllib.parse.parse_qs`` hands it over) into a :class:`FilterState` plus notices for anything
it had to ignore; ``to_query`` writes the state back. Checks that need the published data
(does this faculty exist?) use a :class:`FilterOptions` read by ``dashboard.queries.filters``.

Query keys: ``from``, ``to`` (first and last academic year, ``2019`` or ``2019-20``),
``faculty``, ``programme`` (programme code), ``cycle`` (repeatable) and ``basis``.

Everything here is also the server's check of what a browser sends back (the store, the URL,
the controls): a forged value must cost milliseconds, never a huge year list or a 500. Hence
the bounds below, checked before any data is read; :class:`InvalidInput` is answered with
400 by ``dashboard.security``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dashboard.i18n import N_, _

CYCLES = ("bachelor", "master", "phd", "short_cycle")
# Cycles offered even when the loaded data has none of them (the KPI catalogue's three).
DEFAULT_CYCLES = ("bachelor", "master", "phd")
BASES = ("nationality", "prior_education", "both")
DEFAULT_BASIS = "nationality"

QUERY_FROM = "from"
QUERY_TO = "to"
QUERY_FACULTY = "faculty"
QUERY_PROGRAMME = "programme"
QUERY_CYCLE = "cycle"
QUERY_BASIS = "basis"
QUERY_KEYS = (QUERY_FROM, QUERY_TO, QUERY_FACULTY, QUERY_PROGRAMME, QUERY_CYCLE, QUERY_BASIS)

# Bounds on anything the browser sends, checked before any data is read.
YEAR_BOUNDS = (1900, 2200)  # academic years a link or the store may name at all
MAX_CHOICES = 1000  # values in one list (a large university has a few hundred programmes)
MAX_TEXT_LENGTH = 200  # characters of one faculty name, programme code, cycle or basis
MAX_SEARCH_LENGTH = 4096  # characters of a URL query string (browsers allow ~2000-8000)
MAX_NOTICES = 10  # notices about ignored link values shown at once
STATE_KEYS = ("year_from", "year_to", "faculties", "programmes", "cycles", "basis")


class InvalidInput(ValueError):
    """A value no control of this dashboard sends: a forged or corrupted callback input."""


_YEAR = re.compile(r"^\s*(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*$")


def academic_year_label(year: int) -> str:
    """``2019`` -> ``'2019-20'`` (the academic year starting 1 September 2019)."""
    return f"{year}-{(year + 1) % 100:02d}"


def parse_academic_year(text: str) -> int | None:
    """``'2019'``, ``'2019-20'``, ``'2019-2020'`` or ``'2019/20'`` -> 2019; else ``None``."""
    match = _YEAR.match(str(text))
    if not match:
        return None
    start = int(match.group(1))
    end = match.group(2)
    if end is not None and int(end) % 100 != (start + 1) % 100:
        return None
    if not YEAR_BOUNDS[0] <= start <= YEAR_BOUNDS[1]:
        return None
    return start


def basis_label(basis: str) -> str:
    """How a basis is named to a person."""
    return {
        "nationality": _("nationality"),
        "prior_education": _("country of prior education"),
        "both": _("nationality and prior education"),
    }.get(basis, basis)


def cycle_label(cycle: str) -> str:
    """How a cycle is named to a person."""
    return {
        "bachelor": _("bachelor"),
        "master": _("master"),
        "phd": _("PhD"),
        "short_cycle": _("short cycle"),
    }.get(cycle, cycle)


@dataclass(frozen=True)
class Programme:
    """A programme as the filter bar offers it."""

    code: str
    name: str
    faculty: str
    cycle: str


@dataclass(frozen=True)
class FilterOptions:
    """What the published data allows to be selected."""

    years: tuple[int, ...] = ()
    faculties: tuple[str, ...] = ()
    programmes: tuple[Programme, ...] = ()
    cycles: tuple[str, ...] = DEFAULT_CYCLES

    def programmes_in(self, faculties: Iterable[str]) -> tuple[Programme, ...]:
        """Programmes of the given faculties (every programme when none is given)."""
        chosen = set(faculties)
        if not chosen:
            return self.programmes
        return tuple(p for p in self.programmes if p.faculty in chosen)

    def programme_names(self) -> dict[str, str]:
        return {p.code: p.name for p in self.programmes}


@dataclass(frozen=True)
class FilterState:
    """One filter selection. Empty tuples mean "all"; years are inclusive academic years."""

    year_from: int | None = None
    year_to: int | None = None
    faculties: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    cycles: tuple[str, ...] = ()
    basis: str = DEFAULT_BASIS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for a ``dcc.Store``."""
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "faculties": list(self.faculties),
            "programmes": list(self.programmes),
            "cycles": list(self.cycles),
            "basis": self.basis,
        }

    @classmethod
    def from_dict(cls, data: Any) -> FilterState:
        """Inverse of :meth:`to_dict` (``None`` -> the default state), and the server's check
        of the store the browser sends back.

        Raises :class:`InvalidInput` for anything :meth:`to_dict` cannot have written: not an
        object, unknown keys, a year that is not an integer, a list that is not a list of
        short texts or is longer than :data:`MAX_CHOICES`, an unknown cycle or basis, a year
        outside :data:`YEAR_BOUNDS` (so a range never builds a huge list). Years are put in
        order; ``with_defaults`` clamps them to the published years.
        """
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise InvalidInput("the filter state is not an object")
        unknown = [key for key in data if key not in STATE_KEYS]
        if unknown:
            raise InvalidInput(f"unknown filter state keys: {_shown(unknown)}")
        year_from = _state_year(data.get("year_from"), "year_from")
        year_to = _state_year(data.get("year_to"), "year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
        cycles = check_texts(data.get("cycles"), "cycles")
        for cycle in cycles:
            if cycle not in CYCLES:
                raise InvalidInput(f"unknown cycle {cycle!r}")
        basis = data.get("basis")
        if basis is None:
            basis = DEFAULT_BASIS
        elif basis not in BASES:  # never computed as "both" by accident
            raise InvalidInput(f"unknown international basis {_shown(basis)}")
        return cls(
            year_from=year_from,
            year_to=year_to,
            faculties=check_texts(data.get("faculties"), "faculties"),
            programmes=check_texts(data.get("programmes"), "programmes"),
            cycles=cycles,
            basis=basis,
        )

    @property
    def years(self) -> tuple[int, ...] | None:
        """Every academic year of the range, or ``None`` when the range is open."""
        if self.year_from is None or self.year_to is None:
            return None
        return tuple(range(self.year_from, self.year_to + 1))


def _shown(value: Any) -> str:
    """A forged value, shortened for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _state_year(value: Any, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{key} is not an integer year: {_shown(value)}")
    if not YEAR_BOUNDS[0] <= value <= YEAR_BOUNDS[1]:
        raise InvalidInput(f"{key} {value} is not an academic year {YEAR_BOUNDS}")
    return value


def check_texts(value: Any, key: str) -> tuple[str, ...]:
    """A list of short texts as a browser control sends it (``None`` -> empty), without
    duplicates; :class:`InvalidInput` for anything else."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"{key} is not a list: {_shown(value)}")
    if len(value) > MAX_CHOICES:
        raise InvalidInput(f"{key} has {len(value)} values (at most {MAX_CHOICES})")
    for item in value:
        if not isinstance(item, str) or len(item) > MAX_TEXT_LENGTH:
            raise InvalidInput(f"{key} holds {_shown(item)}, not a short text")
    return tuple(dict.fromkeys(value))


@dataclass
class _Parse:
    notices: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notices and len(self.notices) < MAX_NOTICES:
            self.notices.append(text)


def _values(query: Mapping[str, Any], key: str) -> list[str]:
    """Every value of ``key`` (Dash gives a str for one value, a list for repeated keys);
    at most :data:`MAX_CHOICES`, each cut to :data:`MAX_TEXT_LENGTH` characters."""
    raw = query.get(key)
    if raw is None:
        return []
    if isinstance(raw, str) or not isinstance(raw, Iterable):
        raw = [raw]
    values = []
    for value in raw:
        text = str(value).strip()[: MAX_TEXT_LENGTH + 1]
        if text:
            values.append(text)
        if len(values) > MAX_CHOICES:
            break
    return values


def _single(query: Mapping[str, Any], key: str, parse: _Parse) -> str | None:
    values = _values(query, key)
    if len(values) > 1:
        parse.note(
            _("The link gives '{key}' more than once; the first value ({value}) is used.").format(
                key=key, value=values[0]
            )
        )
    return values[0] if values else None


def _year(query: Mapping[str, Any], key: str, parse: _Parse) -> int | None:
    text = _single(query, key, parse)
    if text is None:
        return None
    year = parse_academic_year(text)
    if year is None:
        parse.note(
            _(
                "'{value}' is not an academic year (use e.g. 2019 or 2019-20); it is ignored."
            ).format(value=text)
        )
    return year


def _match(value: str, allowed: Sequence[str] | Mapping[str, str]) -> str | None:
    """``value`` as spelled in ``allowed`` (case-insensitive), or ``None``. ``allowed`` may
    already be a ``{casefolded: spelling}`` mapping."""
    lowered = allowed if isinstance(allowed, Mapping) else _casefolded(allowed)
    return lowered.get(value.casefold())


def _casefolded(allowed: Sequence[str]) -> dict[str, str]:
    return {item.casefold(): item for item in allowed}


def _choices(
    query: Mapping[str, Any],
    key: str,
    allowed: Sequence[str] | None,
    message: str,
    parse: _Parse,
) -> tuple[str, ...]:
    chosen: list[str] = []
    lowered = None if allowed is None else _casefolded(allowed)
    values = _values(query, key)
    if len(values) > MAX_CHOICES:
        parse.note(
            _("The link gives more than {count} values for '{key}'; none is used.").format(
                count=MAX_CHOICES, key=key
            )
        )
        return ()
    for value in values:
        if len(value) > MAX_TEXT_LENGTH:
            parse.note(message.format(value=value[:40] + "..."))
            continue
        matched = value if lowered is None else _match(value, lowered)
        if matched is None:
            parse.note(message.format(value=value))
        elif matched not in chosen:
            chosen.append(matched)
    return tuple(chosen)


def parse_query(
    query: Mapping[str, Any],
    options: FilterOptions | None = None,
    default_basis: str = DEFAULT_BASIS,
) -> tuple[FilterState, list[str]]:
    """The selection a query string asks for, and a notice for every value that was ignored.

    Never raises: unknown or malformed values fall back to the default ("all", or the
    ``default_basis`` setting). Keys other than :data:`QUERY_KEYS` are left to the page.
    With ``options`` the values are also checked against the published data, and an open
    year range is closed to the first and last available year.
    """
    parse = _Parse()
    year_from = _year(query, QUERY_FROM, parse)
    year_to = _year(query, QUERY_TO, parse)

    if options is not None and options.years:
        first, last = min(options.years), max(options.years)
        for label, year in ((N_("from"), year_from), (N_("to"), year_to)):
            if year is not None and not first <= year <= last:
                parse.note(
                    _(
                        "There is no data for {year}; the {label} year is set to the "
                        "nearest year with data."
                    ).format(year=academic_year_label(year), label=_(label))
                )
        year_from = first if year_from is None else min(max(year_from, first), last)
        year_to = last if year_to is None else min(max(year_to, first), last)
    if year_from is not None and year_to is not None and year_from > year_to:
        parse.note(
            _("The first year ({first}) came after the last ({last}); they are swapped.").format(
                first=academic_year_label(year_from), last=academic_year_label(year_to)
            )
        )
        year_from, year_to = year_to, year_from

    faculties = _choices(
        query,
        QUERY_FACULTY,
        None if options is None else options.faculties,
        _("There is no faculty '{value}' in the data; it is ignored."),
        parse,
    )

    programmes: tuple[str, ...]
    if options is None:
        programmes = _choices(query, QUERY_PROGRAMME, None, "", parse)
    else:
        known = [p.code for p in options.programmes]
        programmes = _choices(
            query,
            QUERY_PROGRAMME,
            known,
            _("There is no programme with code '{value}' in the data; it is ignored."),
            parse,
        )
        in_faculties = {p.code for p in options.programmes_in(faculties)}
        outside = [code for code in programmes if code not in in_faculties]
        for code in outside:
            parse.note(
                _(
                    "Programme '{value}' is not part of the selected faculties; it is ignored."
                ).format(value=code)
            )
        programmes = tuple(code for code in programmes if code in in_faculties)

    allowed_cycles = CYCLES if options is None else tuple(options.cycles)
    cycles = _choices(
        query,
        QUERY_CYCLE,
        allowed_cycles,
        _("'{value}' is not a cycle (bachelor, master or phd); it is ignored."),
        parse,
    )
    cycles = tuple(c for c in allowed_cycles if c in cycles)  # canonical order

    basis = default_basis
    basis_text = _single(query, QUERY_BASIS, parse)
    if basis_text is not None:
        matched = _match(basis_text, BASES)
        if matched is None:
            parse.note(
                _(
                    "'{value}' is not an international basis (nationality, prior_education or "
                    "both); {default} is used."
                ).format(value=basis_text, default=default_basis)
            )
        else:
            basis = matched

    state = FilterState(
        year_from=year_from,
        year_to=year_to,
        faculties=faculties,
        programmes=programmes,
        cycles=cycles,
        basis=basis,
    )
    return state, parse.notices


def query_pairs(state: FilterState) -> list[tuple[str, str]]:
    """The state as ``(key, value)`` pairs, in a fixed order, "all" left out."""
    pairs: list[tuple[str, str]] = []
    if state.year_from is not None:
        pairs.append((QUERY_FROM, str(state.year_from)))
    if state.year_to is not None:
        pairs.append((QUERY_TO, str(state.year_to)))
    pairs += [(QUERY_FACULTY, faculty) for faculty in state.faculties]
    pairs += [(QUERY_PROGRAMME, code) for code in state.programmes]
    pairs += [(QUERY_CYCLE, cycle) for cycle in state.cycles]
    pairs.append((QUERY_BASIS, state.basis))
    return pairs


def to_query(state: FilterState) -> str:
    """The state as a query string without the leading ``?``.

    The basis and a closed year range are always written, so a copied link shows the same
    view after new years are loaded or the default basis setting changes.
    """
    return urlencode(query_pairs(state))


def search_to_query(search: str | None) -> dict[str, list[str]]:
    """A ``location.search`` string (``'?a=1&a=2'``) as ``{'a': ['1', '2']}``."""
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True):
        query.setdefault(key, []).append(value)
    return query


def parse_search(
    search: str | None,
    options: FilterOptions | None = None,
    default_basis: str = DEFAULT_BASIS,
) -> tuple[FilterState, list[str]]:
    """:func:`parse_query` on a ``location.search`` string."""
    return parse_query(search_to_query(search), options, default_basis)


def merge_search(search: str | None, state: FilterState) -> str:
    """``search`` with the filter keys replaced by ``state`` (other keys kept, in order)."""
    others = [
        (key, value)
        for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
        if key not in QUERY_KEYS
    ]
    return "?" + urlencode(query_pairs(state) + others)


def years_label(state: FilterState) -> str:
    """The year range in words: ``'2018-19 to 2020-21'``, ``'2019-20'`` or ``'all years'``."""
    if state.year_from is None or state.year_to is None:
        return _("all years")
    if state.year_from == state.year_to:
        return academic_year_label(state.year_from)
    return _("{first} to {last}").format(
        first=academic_year_label(state.year_from), last=academic_year_label(state.year_to)
    )


# A title names at most this many faculties or programmes; a longer selection is counted
# ("7 programmes"): "Select all" once made a 1,968-character chart title.
MAX_NAMED = 3


def programme_label(code: str, options: FilterOptions | None) -> str:
    """A programme as a title names it: its name, with cycle and code when another programme
    shares the name (a bachelor and a master both called "Archaeology")."""
    if options is None:
        return code
    chosen = next((p for p in options.programmes if p.code == code), None)
    if chosen is None:
        return code
    twins = sum(1 for p in options.programmes if p.name == chosen.name)
    if twins > 1:
        return f"{chosen.name} ({cycle_label(chosen.cycle)}, {chosen.code})"
    return chosen.name


def describe(state: FilterState, options: FilterOptions | None = None) -> str:
    """The selection in words, for chart titles and data sheets. More than
    :data:`MAX_NAMED` faculties or programmes are counted, not named.

    >>> describe(FilterState(2018, 2020, ("Law",), (), ("master",), "nationality"))
    '2018-19 to 2020-21 · faculty Law · all programmes · master · international by nationality'
    >>> describe(FilterState(programmes=("1", "2", "3", "4", "5", "6", "7")))
    'all years · all faculties · 7 programmes · all cycles · international by nationality'
    """
    parts: list[str] = [years_label(state)]
    if len(state.faculties) > MAX_NAMED:
        parts.append(_("{count} faculties").format(count=len(state.faculties)))
    elif state.faculties:
        label = _("faculty") if len(state.faculties) == 1 else _("faculties")
        parts.append(f"{label} {', '.join(state.faculties)}")
    else:
        parts.append(_("all faculties"))
    if len(state.programmes) > MAX_NAMED:
        parts.append(_("{count} programmes").format(count=len(state.programmes)))
    elif state.programmes:
        parts.append(", ".join(programme_label(code, options) for code in state.programmes))
    else:
        parts.append(_("all programmes"))
    if state.cycles:
        parts.append(", ".join(cycle_label(cycle) for cycle in state.cycles))
    else:
        parts.append(_("all cycles"))
    parts.append(_("international by {basis}").format(basis=basis_label(state.basis)))
    return " · ".join(parts)


def with_defaults(state: FilterState, options: FilterOptions) -> FilterState:
    """``state`` checked against the published data: an open year range closed to the
    available years, years clamped to them, and faculties, programmes and cycles the data
    does not have left out (the rules :func:`parse_query` applies to a link)."""
    known_faculties = set(options.faculties)
    faculties = tuple(f for f in state.faculties if f in known_faculties)
    in_faculties = {p.code for p in options.programmes_in(faculties)}
    checked = replace(
        state,
        faculties=faculties,
        programmes=tuple(code for code in state.programmes if code in in_faculties),
        cycles=tuple(c for c in state.cycles if c in options.cycles),
    )
    if not options.years:
        return checked
    first, last = min(options.years), max(options.years)
    year_from = first if state.year_from is None else min(max(state.year_from, first), last)
    year_to = last if state.year_to is None else min(max(state.year_to, first), last)
    return replace(checked, year_from=min(year_from, year_to), year_to=max(year_from, year_to))
