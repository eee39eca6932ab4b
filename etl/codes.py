"""Normalisation of institution codes shared by every importer."""

from __future__ import annotations

import re

import pandas as pd

# Erasmus codes: a country prefix of 1-3 letters padded to three characters, then the
# city/institution part: "D  KONSTAN01", "NL LEIDEN01", "UK BATH01", "F  PARIS007".
_ERASMUS_CODE = re.compile(r"^([A-Z]{1,3})\s*([A-Z][A-Z0-9-]*\d{2,3})$")


def normalise_erasmus_code(text: str | None) -> str | None:
    """Canonical padded Erasmus code, or ``None`` when the text is not one.

    >>> normalise_erasmus_code("d konstan01")
    'D  KONSTAN01'
    >>> normalise_erasmus_code("NL  LEIDEN01")
    'NL LEIDEN01'
    """
    if text is None:
        return None
    match = _ERASMUS_CODE.match(re.sub(r"\s+", " ", str(text).strip().upper()))
    if match is None:
        return None
    prefix, rest = match.groups()
    return f"{prefix:<3}{rest}"


def normalise_erasmus_codes(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_erasmus_code` (each distinct value once)."""
    distinct = pd.unique(values.dropna())
    return values.map({value: normalise_erasmus_code(value) for value in distinct})
