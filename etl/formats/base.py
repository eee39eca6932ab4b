"""The interface every input format implements, and the header matching they share.

A *format* recognises a file from its headers and converts its rows into canonical entity
rows (see ``etl/entities.py``): text values in the canonical columns, plus ``_row``, the
source row number, so the validator can name the exact row of every rejected value. Every
format's output then goes through the same validation and publishing path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pandas as pd

from etl.report import Reject

ROW = "_row"


def normalise_header(header: object) -> str:
    """Case- and spacing-insensitive header key: ' Academic  Year' -> 'academic_year'."""
    text = str(header).replace("\ufeff", "").strip().casefold()
    return re.sub(r"[\s_\-./]+", "_", text).strip("_")


@dataclass
class RawTable:
    """A file as read: every cell as stripped text ('' when empty)."""

    path: Path
    # Column names as they appear in the file, in order.
    headers: list[str]
    # Columns named by ``normalise_header``; all values are str; plus ``_row``.
    frame: pd.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def normalised_headers(self) -> set[str]:
        return {column for column in self.frame.columns if column != ROW}


@dataclass(frozen=True)
class LoadOptions:
    """What an importer needs to know beyond the file itself."""

    home_country: str = "NL"
    home_erasmus_code: str = "NL LEIDEN01"
    # Restrict institution-wide public files (DUO) to one institution (BRIN code).
    institution: str | None = None
    # Force one entity for canonical files (``intl-kpi load --entity``).
    entity: str | None = None


@dataclass
class Conversion:
    """What a format made of a file."""

    # entity name -> canonical text columns (subset of the entity's columns) + ``_row``.
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Rows skipped on purpose, by reason ("other institution", "not higher education", ...).
    skipped: dict[str, int] = field(default_factory=dict)
    # Rows the format could not map (the validator adds its own rejects later).
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Format(Protocol):
    """A file format: recognised by its headers, converted to canonical entity rows."""

    name: str
    title: str

    def missing_headers(self, table: RawTable) -> list[str]:
        """Headers this format needs that the file lacks (empty list = it matches)."""
        ...

    def convert(self, table: RawTable, options: LoadOptions) -> Conversion:
        """Map the file's rows to canonical entity rows."""
        ...


def missing(required: tuple[str, ...] | list[str], table: RawTable) -> list[str]:
    """Required normalised headers absent from ``table``."""
    present = table.normalised_headers
    return [header for header in required if normalise_header(header) not in present]


# --- Helpers shared by the public-format importers (DUO, EC Erasmus data, charter list) ---

# How publishers write "not known": the EC's Erasmus files use all of these.
UNKNOWN_MARKERS = frozenset({"?", "??", "???", "? unknown ?", "? unknown", "unknown ?", "unknown"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "januari"),
            ("feb", "february", "februari"),
            ("mar", "march", "mrt", "maart"),
            ("apr", "april"),
            ("may", "mei"),
            ("jun", "june", "juni"),
            ("jul", "july", "juli"),
            ("aug", "august", "augustus"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "oktober"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NUMERIC = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")  # 09-2008, 9/2008
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*\d{1,2})?$")  # 2015-02
_MONTH_NAMED = re.compile(r"^([A-Za-z]+)\.?\s*[-/ ]\s*(\d{2}|\d{4})$")  # Aug-11, Sep 2012


def header_key(header: object) -> str:
    """Looser header key than :func:`normalise_header`: letters and digits only, so
    'Activity (mob)', 'activity_mob' and 'ActivityMob' all match."""
    return re.sub(r"[^0-9a-z]", "", normalise_header(header))


def find_column(table: RawTable, spellings: tuple[str, ...] | list[str]) -> str | None:
    """The frame column of ``table`` matching the first of ``spellings`` found, or ``None``."""
    by_key = {header_key(column): column for column in table.frame.columns if column != ROW}
    for spelling in spellings:
        column = by_key.get(header_key(spelling))
        if column is not None:
            return column
    return None


def missing_any(required: tuple[tuple[str, ...], ...], table: RawTable) -> list[str]:
    """For each group of alternative spellings, the group (as 'A or B') when none is present."""
    return [
        " or ".join(spellings) for spellings in required if find_column(table, spellings) is None
    ]


def original_header(table: RawTable, column: str) -> str:
    """The header as written in the file for a normalised frame column (for reject reports)."""
    columns = [name for name in table.frame.columns if name != ROW]
    if column in columns and columns.index(column) < len(table.headers):
        return table.headers[columns.index(column)]
    return column


def is_unknown(text: object) -> bool:
    """True for empty cells and the publishers' unknown markers ('? Unknown ?', '???', ...)."""
    folded = str(text).strip().casefold()
    return folded == "" or folded in UNKNOWN_MARKERS


def blank_unknowns(values: pd.Series) -> pd.Series:
    """Text with unknown markers replaced by ''."""
    text = values.fillna("").astype(str).str.strip()
    return text.where(~text.str.casefold().isin(UNKNOWN_MARKERS), "")


def parse_month(text: str) -> tuple[int, int] | None:
    """(year, month) of a month as publishers write it, ``None`` when empty or unknown.

    Accepts '09-2008', '9/2008', '2015-02', 'Aug-11', 'Sep 2012'; '00/0000' (the EC's
    placeholder) and unknown markers mean "no date". Raises ``ValueError`` otherwise.
    Two-digit years are 20xx: the files this reads start in 2008.
    """
    text = str(text).strip()
    if is_unknown(text) or re.fullmatch(r"0+\s*[-/.]\s*0+", text):
        return None
    year = month = None
    if match := _MONTH_NUMERIC.match(text):
        month, year = int(match.group(1)), int(match.group(2))
    elif match := _YEAR_MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := _MONTH_NAMED.match(text):
        month = _MONTHS.get(match.group(1).casefold())
        year = int(match.group(2))
        year = year + 2000 if year < 100 else year
    if year is None or month is None or not 1 <= month <= 12:
        raise ValueError(f"not a month: {text!r}")
    return year, month


def academic_year_label(first_year: int) -> str:
    """Canonical academic-year text: 2011 -> '2011-12'."""
    return f"{first_year}-{(first_year + 1) % 100:02d}"


def add_skipped(conversion: Conversion, reason: str, count: int) -> None:
    """Count ``count`` rows skipped on purpose under ``reason`` (zero counts are not listed)."""
    if count:
        conversion.skipped[reason] = conversion.skipped.get(reason, 0) + int(count)


def rejects_for(
    table: RawTable,
    mask: pd.Series,
    column: str,
    expected: str,
    entity: str,
    values: pd.Series | None = None,
) -> list[Reject]:
    """One :class:`Reject` per row of ``table`` in ``mask``, naming the file's own header.

    ``values`` overrides the cell text shown (default: the cell of ``column``)."""
    mask = mask.fillna(False).astype(bool)
    shown = table.frame[column] if values is None else values
    header = original_header(table, column)
    return [
        Reject(table.name, int(row), header, str(value), expected, entity)
        for row, value in zip(table.frame.loc[mask, ROW], shown[mask], strict=True)
    ]


def parse_months(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_month`: (first day of the month as Timestamp or NaT, invalid
    mask). Each distinct text is parsed once."""
    parsed: dict[str, pd.Timestamp] = {}
    invalid: set[str] = set()
    for text in pd.unique(values):
        try:
            month = parse_month(text)
        except ValueError:
            invalid.add(text)
            continue
        if month is not None:
            parsed[text] = pd.Timestamp(year=month[0], month=month[1], day=1)
    first_days = pd.to_datetime(values.map(parsed))
    return first_days, values.isin(invalid)


def field_columns(
    table: RawTable, fields: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, str | None], Callable[[str], pd.Series]]:
    """Each field's column in the file (``None`` when absent), and a function giving a
    field's text with unknown markers blanked (all empty when the file lacks the field)."""
    columns = {field: find_column(table, spellings) for field, spellings in fields.items()}

    def text(field: str) -> pd.Series:
        column = columns[field]
        if column is None:
            return pd.Series("", index=table.frame.index)
        return blank_unknowns(table.frame[column])

    return columns, text
