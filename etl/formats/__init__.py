"""Every input format the loader recognises: the canonical entity layouts and the public
formats (DUO, EC Erasmus mobility data, the Erasmus charter list), and how a file's format
is detected from its name and headers."""

from __future__ import annotations

import pandas as pd

from etl.entities import ENTITIES
from etl.formats.base import Format, RawTable
from etl.formats.canonical import CanonicalFormat

CANONICAL_FORMATS: tuple[CanonicalFormat, ...] = tuple(CanonicalFormat(e) for e in ENTITIES)


def public_formats() -> tuple[Format, ...]:
    """The public-format importers (imported lazily: they are optional at import time)."""
    try:
        from etl.formats.public import PUBLIC_FORMATS
    except ImportError:  # pragma: no cover - only while the importers are being written
        return ()
    return tuple(PUBLIC_FORMATS)


def all_formats() -> dict[str, Format]:
    formats: dict[str, Format] = {f.name: f for f in public_formats()}
    formats.update({f.name: f for f in CANONICAL_FORMATS})
    return formats


class UnknownFormat(ValueError):
    """No format matches a file: says which formats were tried and what each missed."""


def detect_format(table: RawTable, forced: str | None = None) -> Format:
    """The format of ``table``: ``forced`` by name, else public formats by their headers,
    else the entity named by the file name, else the entity whose signature headers match.

    A file without a single data row is refused here, whatever its headers: loading it
    would publish a new version that says nothing."""
    if table.frame.empty:
        raise UnknownFormat(
            f"{table.name}: the file has a header ({', '.join(table.headers[:8])}"
            + (", ..." if len(table.headers) > 8 else "")
            + ") but no data rows; nothing to load"
        )
    formats = all_formats()
    if forced:
        if forced not in formats:
            raise UnknownFormat(
                f"{table.name}: unknown format {forced!r}; known formats: {', '.join(formats)}"
            )
        chosen = formats[forced]
        missing = chosen.missing_headers(table)
        if missing:
            raise UnknownFormat(
                f"{table.name}: not in format {forced!r}: missing header(s) {', '.join(missing)}"
            )
        return chosen if isinstance(chosen, CanonicalFormat) else _plain_text(table, chosen)
    for candidate in public_formats():
        if not candidate.missing_headers(table):
            return _plain_text(table, candidate)
    by_name = [f for f in CANONICAL_FORMATS if f.matches_file_name(table)]
    # 'network_activities' also starts with 'network': the longest entity name wins.
    by_name.sort(key=lambda f: len(f.name), reverse=True)
    if by_name:
        return by_name[0]
    by_signature = [
        f for f in CANONICAL_FORMATS if f.has_signature(table) and not f.missing_headers(table)
    ]
    if len(by_signature) == 1:
        return by_signature[0]
    tried = [
        f"  - {f.name}: missing {', '.join(f.missing_headers(table)) or 'nothing'}"
        + ("" if isinstance(f, CanonicalFormat) else f" ({f.title})")
        for f in (*public_formats(), *CANONICAL_FORMATS)
    ]
    reason = (
        f"the headers fit several entities ({', '.join(f.name for f in by_signature)}); "
        "name the file after its entity (e.g. enrolments_2019.csv) or pass --format"
        if by_signature
        else "no known format matches its headers"
    )
    raise UnknownFormat(
        f"{table.name}: {reason}.\nHeaders found: {', '.join(table.headers)}\n"
        "Formats tried and the headers each one missed:\n" + "\n".join(tried)
    )


def _plain_text(table: RawTable, chosen: Format) -> Format:
    """Give a public format plain text columns: the CSV reader keeps repetitive columns
    categorical (small in memory, see etl/readers.py), which the canonical path validates
    as they are; the public importers reshape cells with string operations instead, and
    their files are small enough for plain text."""
    for column in table.frame.columns:
        if isinstance(table.frame[column].dtype, pd.CategoricalDtype):
            table.frame[column] = table.frame[column].astype(str)
    return chosen
