"""The interface every input format implements, and the header matching they share.

A *format* recognises a file from its headers and converts its rows into canonical entity
rows (see ``etl/entities.py``): text values in the canonical columns, plus ``_row``, the
source row number, so the validator can name the exact row of every rejected value. Every
format's output then goes through the same validation and publishing path.
"""

from __future__ import annotations

import re
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
