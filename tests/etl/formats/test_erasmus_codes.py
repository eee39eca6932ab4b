"""Erasmus code normalisation (etl/codes.py), shared by every importer and the validator."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.codes import is_placeholder_erasmus_code, normalise_erasmus_code, normalise_erasmus_codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Codes from the EC's charter list that an earlier pattern rejected.
        ("CH ST.GALL08", "CH ST.GALL08"),
        ("UK MILTO-KO1", "UK MILTO-KO1"),
        ("D  KOELN 03", "D  KOELN 03"),
        ("D  EBERSWA1", "D  EBERSWA1"),
        ("IRLDUBLIN27", "IRLDUBLIN27"),
        ("F  LE PORT01", "F  LE PORT01"),
        # Padding as the samples write it, and as people retype it.
        ("D  KONSTAN01", "D  KONSTAN01"),
        ("NL LEIDEN01", "NL LEIDEN01"),
        ("F  PARIS007", "F  PARIS007"),
        ("UK LONDON062", "UK LONDON062"),
        ("d konstan01", "D  KONSTAN01"),
        ("NL  LEIDEN01", "NL LEIDEN01"),
        ("S   STOCKHO23", "S  STOCKHO23"),
        ("Uk PRESTON03", "UK PRESTON03"),
        ("IRL DUBLIN27", "IRLDUBLIN27"),
        (" B  BRUXEL83 ", "B  BRUXEL83"),
        ("D\tKOELN  03", "D  KOELN 03"),
    ],
)
def test_real_codes_normalise(text, expected):
    assert normalise_erasmus_code(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "F  XX", "D  ???", "???", "? Unknown ?", "LEIDEN", "NL 21PB", "NL LEIDEN"]
)
def test_non_codes_are_none(text):
    assert normalise_erasmus_code(text) is None


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("F  XX", True),
        ("D  ???", True),
        ("NL XXX", True),
        ("e xx", True),
        ("NL LEIDEN01", False),
        ("???", False),
        ("", False),
        (None, False),
    ],
)
def test_placeholder_codes(text, placeholder):
    assert is_placeholder_erasmus_code(text) is placeholder


def test_vectorised_normalisation_keeps_missing_values():
    values = pd.Series(["d  konstan01", None, "F  XX", "IRLDUBLIN27"])
    normalised = normalise_erasmus_codes(values)
    assert normalised[[0, 3]].tolist() == ["D  KONSTAN01", "IRLDUBLIN27"]
    assert normalised[[1, 2]].isna().all()
