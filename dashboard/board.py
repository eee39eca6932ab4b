"""The board's reading of the KPI table: which targets are achieved, on track or at risk,
each KPI's change since the previous year, and the commentary written next to each number.

Plain functions over the KPI table (``dashboard.kpis.table.kpi_table`` for a selection,
``by=None``) so the overview page and the PDF board report count the same thing:

    table = kpi_table(cursor, state, context, targets, kpi_ids=[...])
    kpis = board_kpis(table, targets, state)    # one BoardKpi per KPI: what its card shows
    summary = summarise(kpis)                    # the "5 of 13 targets achieved" line
    notes = read_commentary("data/commentary.csv")
    commentary_for(notes, kpi.kpi_id, kpi.year, kpi.scope)

A KPI's "year" is the one its card shows: the latest complete (not provisional) academic
year with a value, else the latest year with a value. Each target that applies to the
selection (``dashboard.kpis.table.group_scoped_targets``) is scored at that year by
``dashboard.kpis.status.progress`` on the KPI's own method (``status_series``), exactly as
the table's ``status`` column scores its first target.

Summary groups (:data:`SUMMARY_GROUPS`): *achieved* = target achieved or achieved by the
deadline; *on track*; *at risk* = fair progress, limited progress, no change,
deterioration, or missed the deadline; *not scored* = not enough data to judge.

Commentary is data, never markup: the file's text is kept as written and shown as text
(Dash renders a string child as text; an HTML renderer must ``html.escape`` it —
:func:`escaped`). A malformed commentary file raises :class:`CommentaryError` naming the
file, the entry (line) and the field, like the targets file.
"""

from __future__ import annotations

import csv
import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard.filters_state import FilterState, academic_year_label, parse_academic_year
from dashboard.i18n import LANGUAGES, N_, _, current_language, format_date
from dashboard.kpis import query
from dashboard.kpis import status as kpi_status
from dashboard.kpis.registry import REGISTRY, UNIT_SPECS
from dashboard.kpis.table import NAME, SCOPE, group_scoped_targets, scope_label, status_series
from dashboard.kpis.targets import Target

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
NOT_SCORED = "not_scored"
# Summary group -> the progress statuses it counts (dashboard.kpis.status).
SUMMARY_GROUPS: dict[str, tuple[str, ...]] = {
    ACHIEVED: (kpi_status.ACHIEVED, kpi_status.ACHIEVED_BY),
    ON_TRACK: (kpi_status.ON_TRACK,),
    AT_RISK: (
        kpi_status.FAIR,
        kpi_status.LIMITED,
        kpi_status.NO_CHANGE,
        kpi_status.DETERIORATION,
        kpi_status.MISSED_BY,
    ),
    NOT_SCORED: (kpi_status.NOT_ENOUGH_DATA,),
}
GROUP_LABELS = {
    ACHIEVED: N_("achieved"),
    ON_TRACK: N_("on track"),
    AT_RISK: N_("at risk"),
    NOT_SCORED: N_("not enough data"),
}


def group_label(group: str) -> str:
    """A summary group's name in the current language."""
    return _(GROUP_LABELS[group])


# What the page says "at risk" means (the statuses of SUMMARY_GROUPS[AT_RISK], in words).
AT_RISK_DEFINITION = N_(
    "At risk: fair progress (acceleration needed), limited progress, no change, "
    "deterioration, or a deadline missed."
)
# A change smaller than this (in the KPI's unit) reads as "no change" (arrow →).
_UNCHANGED = 1e-9
ARROWS = {"up": "↑", "down": "↓", "flat": "→"}


def status_group(status: str) -> str | None:
    """The summary group of a progress status (``None``: no target, not counted)."""
    for group, statuses in SUMMARY_GROUPS.items():
        if status in statuses:
            return group
    return None


@dataclass(frozen=True)
class Change:
    """A KPI's change from the previous academic year to ``year``.

    ``difference`` is in the KPI's unit (percentage points for percent shares); ``None``
    with ``reason`` when the previous year cannot be compared (withheld by disclosure
    control, no value, or measured another way)."""

    year: int | None
    unit: str
    difference: float | None = None
    reason: str = ""

    @property
    def previous_year(self) -> int | None:
        return None if self.year is None else self.year - 1

    @property
    def direction(self) -> str | None:
        """``up``, ``down`` or ``flat``; ``None`` when not comparable."""
        if self.difference is None:
            return None
        if abs(self.difference) < _UNCHANGED:
            return "flat"
        return "up" if self.difference > 0 else "down"

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction or "", "")

    @property
    def value_text(self) -> str:
        """``'+1.3 pp'``, ``'−12'``, ``'0.0 pp'`` or ``'n/a'``."""
        if self.difference is None:
            return _("n/a")
        sign = {"up": "+", "down": "−", "flat": ""}[self.direction or "flat"]
        return sign + UNIT_SPECS[self.unit].change_text(self.difference)

    @property
    def text(self) -> str:
        """The sentence a card shows: ``'↑ +1.3 pp since 2021-22'`` or
        ``'n/a: 2021-22 withheld'``."""
        if self.previous_year is None:
            return _("n/a")
        since = academic_year_label(self.previous_year)
        if self.difference is None:
            return _("n/a: {year} {reason}").format(year=since, reason=self.reason)
        return _("{arrow} {value} since {year}").format(
            arrow=self.arrow, value=self.value_text, year=since
        )


@dataclass(frozen=True)
class TargetStatus:
    """One target that applies to the selection, scored at the card's year."""

    target: Target
    progress: kpi_status.Progress

    @property
    def group(self) -> str | None:
        return status_group(self.progress.status)


@dataclass(frozen=True)
class BoardKpi:
    """What one KPI's overview card (and the report's KPI section) shows."""

    kpi_id: str
    name: str
    unit: str
    scope: str
    # The series (the KPI's table rows, by academic year) for a sparkline.
    rows: pd.DataFrame
    year: int | None
    value: float | None
    provisional: bool
    method: str
    statuses: tuple[TargetStatus, ...]
    # The university's targets on a narrower view: reference lines, never scored.
    references: tuple[Target, ...]
    change: Change


@dataclass(frozen=True)
class BoardSummary:
    """How many targets are in each summary group (each target counted once)."""

    achieved: int = 0
    on_track: int = 0
    at_risk: int = 0
    not_scored: int = 0

    @property
    def total(self) -> int:
        return self.achieved + self.on_track + self.at_risk + self.not_scored

    def counts(self) -> dict[str, int]:
        """Group -> count, in :data:`SUMMARY_GROUPS` order."""
        return {group: getattr(self, group) for group in SUMMARY_GROUPS}

    @property
    def text(self) -> str:
        """``'Of 13 targets: 5 achieved, 2 on track, 6 at risk.'`` (not enough data only
        when some are)."""
        parts = [
            f"{count} {group_label(group)}"
            for group, count in self.counts().items()
            if group != NOT_SCORED or count
        ]
        return _("Of {total} targets: {parts}.").format(total=self.total, parts=", ".join(parts))


def card_year(rows: pd.DataFrame) -> tuple[int | None, float | None, bool, str]:
    """(year, value, provisional, method) a card shows from one KPI's rows: the latest
    complete year with a value, else the latest year with a value."""
    known = rows[rows[query.VALUE].notna()].sort_values(query.ACADEMIC_YEAR)
    complete = known[~known[query.PROVISIONAL].astype(bool)]
    chosen = complete if not complete.empty else known
    if chosen.empty:
        return None, None, False, ""
    last = chosen.iloc[-1]
    return (
        int(last[query.ACADEMIC_YEAR]),
        float(last[query.VALUE]),
        bool(last[query.PROVISIONAL]),
        str(last[query.METHOD]),
    )


def change_since_previous_year(rows: pd.DataFrame, year: int | None, unit: str) -> Change:
    """``year``'s value minus the previous academic year's, from one KPI's rows. Not
    comparable ("n/a") when the previous year is withheld (disclosure control), has no
    value, or was measured by another method (the participation-rate fallback)."""
    if year is None:
        return Change(None, unit, None, _("no value"))
    by_year = {int(row[query.ACADEMIC_YEAR]): row for row in rows.to_dict("records")}
    current, previous = by_year.get(year), by_year.get(year - 1)
    if previous is None:
        return Change(year, unit, None, _("not in the data"))
    if bool(previous.get(query.SUPPRESSED, False)) or _missing(previous[query.VALUE]):
        reason = _("withheld") if bool(previous.get(query.SUPPRESSED, False)) else _("has no value")
        return Change(year, unit, None, reason)
    if current is None or _missing(current[query.VALUE]):
        return Change(year, unit, None, _("no value"))
    if str(previous[query.METHOD]) != str(current[query.METHOD]):
        return Change(year, unit, None, _("measured another way"))
    return Change(year, unit, float(current[query.VALUE]) - float(previous[query.VALUE]))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def board_kpis(
    table: pd.DataFrame,
    targets: list[Target],
    state: FilterState,
    kpi_ids: Iterable[str] | None = None,
) -> list[BoardKpi]:
    """One :class:`BoardKpi` per KPI of ``table`` (the KPI table of ``state``, not broken
    down), each target scored at the card's year. In the table's order, or in the order of
    ``kpi_ids`` where given: a KPI the table has no row for (a master's share for a
    bachelor's programme) is then still there, with no value."""
    groups = {str(kpi_id): rows for kpi_id, rows in table.groupby(query.KPI_ID, sort=False)}
    chosen = list(groups) if kpi_ids is None else list(kpi_ids)
    empty = table.iloc[0:0]
    return [_board_kpi(kpi_id, groups.get(kpi_id, empty), targets, state) for kpi_id in chosen]


def _board_kpi(
    kpi_id: str, rows: pd.DataFrame, targets: list[Target], state: FilterState
) -> BoardKpi:
    rows = rows.sort_values(query.ACADEMIC_YEAR).reset_index(drop=True)
    kpi = REGISTRY[kpi_id]
    year, value, provisional, method = card_year(rows)
    series = status_series(rows[rows[query.VALUE].notna()])
    scoped = group_scoped_targets(targets, kpi.id, state, None, "")
    statuses = tuple(
        TargetStatus(target, kpi_status.progress(target, series, year)) for target in scoped.scored
    )
    return BoardKpi(
        kpi_id=kpi.id,
        name=str(rows[NAME].iloc[0]) if NAME in rows and not rows.empty else kpi.text("name"),
        unit=kpi.unit,
        scope=str(rows[SCOPE].iloc[0]) if SCOPE in rows and not rows.empty else scope_label(state),
        rows=rows,
        year=year,
        value=value,
        provisional=provisional,
        method=method,
        statuses=statuses,
        references=tuple(scoped.reference),
        change=change_since_previous_year(rows, year, kpi.unit),
    )


def summarise(kpis: Iterable[BoardKpi]) -> BoardSummary:
    """Count every scored target of ``kpis`` by summary group (what the cards show)."""
    counts = dict.fromkeys(SUMMARY_GROUPS, 0)
    for kpi in kpis:
        for status in kpi.statuses:
            if status.group is not None:
                counts[status.group] += 1
    return BoardSummary(**counts)


def board_summary(
    table: pd.DataFrame,
    targets: list[Target],
    state: FilterState,
    kpi_ids: Iterable[str] | None = None,
) -> BoardSummary:
    """The summary of a KPI table (``summarise(board_kpis(...))``)."""
    return summarise(board_kpis(table, targets, state, kpi_ids))


# --- Commentary -------------------------------------------------------------------------

MAX_COMMENTARY_LENGTH = 600
MAX_AUTHOR_LENGTH = 120
COMMENTARY_FIELDS = (
    ("kpi_id", "a KPI id from the registry"),
    ("academic_year", "the academic year commented on, e.g. 2023-24 (or 2023)"),
    (
        "scope",
        "university (the default when empty or the column is absent), 'faculty <name>' or "
        "'programme <code>', as intl-kpi kpis writes the scope column",
    ),
    ("text", f"the commentary, plain text (no HTML), at most {MAX_COMMENTARY_LENGTH} characters"),
    ("author", "who wrote it (name, role)"),
    ("written_on", "the date it was written, YYYY-MM-DD"),
    (
        "language",
        "the language the text is written in (en or nl); a reader sees the entries in their "
        "language when there are any, else the others; empty: any language",
    ),
)
COMMENTARY_OPTIONAL_FIELDS = ("scope", "language")
# What a card shows of a longer text before "…" (the whole text is in the report).
CARD_TEXT_LENGTH = 280


class CommentaryError(ValueError):
    """A commentary file that cannot be used, with the entry and field at fault."""


@dataclass(frozen=True)
class Commentary:
    """One comment on one KPI's value in one academic year, for one scope."""

    kpi_id: str
    academic_year: int
    scope: str
    text: str
    author: str
    written_on: date
    # The text's language ("" when the file does not say).
    language: str = ""

    @property
    def byline(self) -> str:
        """``'Dr. A. de Vries, 12 November 2024'`` (the date in the current language)."""
        return f"{self.author}, {format_date(self.written_on)}"


def read_commentary(path: Path | str, *, missing_ok: bool = True) -> list[Commentary]:
    """Every entry of the commentary file, in file order; raises :class:`CommentaryError`
    on the first bad field. A file that does not exist is no commentary (``missing_ok``)."""
    path = Path(path)
    if not path.exists():
        if missing_ok:
            return []
        raise CommentaryError(f"{path}: commentary file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [
            name
            for name, _help in COMMENTARY_FIELDS
            if name not in header and name not in COMMENTARY_OPTIONAL_FIELDS
        ]
        if missing:
            raise CommentaryError(f"{path}: missing column(s) {', '.join(missing)}")
        entries = []
        for line, row in enumerate(reader, start=2):
            if None in row:
                raise CommentaryError(
                    f"{path}, entry on line {line}: more fields than columns (quote a text "
                    'that holds a comma: "like, this")'
                )
            row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
            if not any(row.values()) or row.get("kpi_id", "").startswith("#"):
                continue
            entries.append(_commentary(row, path, line))
    return entries


def _commentary(row: dict[str, str], path: Path, line: int) -> Commentary:
    def fail(field: str, expected: str) -> CommentaryError:
        got = row.get(field, "")
        shown = got if len(got) <= 60 else got[:57] + "..."
        return CommentaryError(
            f"{path}, entry on line {line} ({row.get('kpi_id') or 'no kpi_id'}), field "
            f"{field!r}: expected {expected}, got {shown!r}"
        )

    if row.get("kpi_id", "") not in REGISTRY:
        raise fail("kpi_id", "a KPI id from the registry")
    year = parse_academic_year(row.get("academic_year", ""))
    if year is None:
        raise fail("academic_year", "an academic year such as 2023-24")
    scope = _scope(row.get("scope", ""))
    if scope is None:
        raise fail("scope", "university, 'faculty <name>' or 'programme <code>'")
    text = row.get("text", "")
    if not text:
        raise fail("text", "the commentary")
    if len(text) > MAX_COMMENTARY_LENGTH:
        raise fail("text", f"at most {MAX_COMMENTARY_LENGTH} characters, not {len(text)}")
    author = row.get("author", "")
    if not author or len(author) > MAX_AUTHOR_LENGTH:
        raise fail("author", f"who wrote it (at most {MAX_AUTHOR_LENGTH} characters)")
    try:
        written_on = date.fromisoformat(row.get("written_on", ""))
    except ValueError:
        raise fail("written_on", "a date YYYY-MM-DD") from None
    language = row.get("language", "").lower()
    if language and language not in LANGUAGES:
        raise fail("language", " or ".join(LANGUAGES) + " (or empty)")
    return Commentary(row["kpi_id"], year, scope, text, author, written_on, language)


def _scope(text: str) -> str | None:
    """The scope as the KPI table writes it; ``None`` if not one."""
    words = " ".join(text.split())
    if words in ("", "university"):
        return "university"
    kind, _space, value = words.partition(" ")
    if kind in ("faculty", "programme") and value:
        return f"{kind} {value}"
    return None


def commentary_for(
    entries: Iterable[Commentary], kpi_id: str, year: int | None, scope: str = "university"
) -> list[Commentary]:
    """The comments on ``kpi_id``'s value in ``year`` for ``scope`` (the table's scope
    column), newest first: those in the reader's language (or in no stated language) when
    there are any, else all of them (a comment only written in English is still shown to a
    Dutch reader)."""
    if year is None:
        return []
    found = [
        entry
        for entry in entries
        if entry.kpi_id == kpi_id and entry.academic_year == year and entry.scope == scope
    ]
    language = current_language()
    own = [entry for entry in found if entry.language in ("", language)]
    return sorted(own or found, key=lambda entry: entry.written_on, reverse=True)


def short_text(text: str, limit: int = CARD_TEXT_LENGTH) -> str:
    """``text`` cut at a word before ``limit`` characters, with "…" when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def escaped(text: str) -> str:
    """``text`` safe inside HTML (for an HTML renderer such as the PDF report's)."""
    return html.escape(text, quote=True)
