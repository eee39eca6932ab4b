"""Normalisation of institution codes shared by every importer."""

from __future__ import annotations

import re

import pandas as pd

# Erasmus codes: a country prefix of 1-3 letters padded to three characters, then the
# city/institution part: "D  KONSTAN01", "NL LEIDEN01", "UK BATH01", "F  PARIS007". The
# EC's own charter list also has city parts with a dot, a hyphen, an inner space or a
# one-digit number ("CH ST.GALL08", "UK MILTO-KO1", "D  KOELN 03", "D  EBERSWA1").
# The prefix ends at the first space, or is three letters written without one
# ("IRLDUBLIN27").
_ERASMUS_CODE = re.compile(r"^(?:([A-Z]{1,3}) |([A-Z]{3}))([A-Z][A-Z0-9.\-]*(?: [A-Z0-9.\-]+)*)$")
# What the EC writes when the institution is not known: a country prefix and XX or ???
# ("F  XX" in the 2012-13 student mobility file).
_PLACEHOLDER_CODE = re.compile(r"^[A-Z]{1,3}\s+(X+|\?+)$")


def normalise_erasmus_code(text: str | None) -> str | None:
    """Canonical padded Erasmus code, or ``None`` when the text is not one.

    >>> normalise_erasmus_code("d konstan01")
    'D  KONSTAN01'
    >>> normalise_erasmus_code("NL  LEIDEN01")
    'NL LEIDEN01'
    >>> normalise_erasmus_code("D  KOELN 03")
    'D  KOELN 03'
    """
    if text is None:
        return None
    match = _ERASMUS_CODE.match(re.sub(r"\s+", " ", str(text).strip().upper()))
    # The institution number closes the code.
    if match is None or not match.group(3)[-1].isdigit():
        return None
    prefix = match.group(1) or match.group(2)
    return f"{prefix:<3}{match.group(3)}"


def normalise_erasmus_codes(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_erasmus_code` (each distinct value once)."""
    distinct = pd.unique(values.dropna())
    return values.map({value: normalise_erasmus_code(value) for value in distinct})


def is_placeholder_erasmus_code(text: str | None) -> bool:
    """True for the EC's "institution not known" codes ('F  XX', 'D  ???'): a country
    prefix without an institution, to be read as an empty code rather than rejected."""
    if text is None:
        return False
    return _PLACEHOLDER_CODE.match(re.sub(r"\s+", " ", str(text).strip().upper())) is not None
