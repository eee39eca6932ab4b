"""Country normalisation comes from pycountry / country_converter, not a hand list."""

import pytest

from etl.codes import normalise_erasmus_code
from etl.countries import country_table, normalise_country


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DE", "DE"),
        ("deu", "DE"),
        ("Germany", "DE"),
        ("Duitsland", "DE"),
        ("UK", "GB"),
        ("EL", "GR"),
        ("Griekenland", "GR"),
        ("Verenigde Staten", "US"),
        ("Turkey", "TR"),
        ("Turkije", "TR"),
        ("Korea, Republic of", "KR"),
        ("XK", "XK"),
        ("Narnia", None),
        ("", None),
    ],
)
def test_country_spellings(text, expected):
    assert normalise_country(text) == expected


def test_country_table_regions():
    table = country_table().set_index("iso2")
    assert table.loc["NO", "eea"] and not table.loc["NO", "eu"]
    assert table.loc["NL", "eu"] and not table.loc["NL", "cee"]
    assert table.loc["PL", "cee"] and table.loc["UA", "neighbourhood"]
    assert table.loc["NA", "name"] == "Namibia"  # "NA" is not a missing value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D  KONSTAN01", "D  KONSTAN01"),
        ("d konstan01", "D  KONSTAN01"),
        ("NL  LEIDEN01", "NL LEIDEN01"),
        ("UK BATH01", "UK BATH01"),
        ("not a code", None),
    ],
)
def test_erasmus_codes(text, expected):
    assert normalise_erasmus_code(text) == expected
