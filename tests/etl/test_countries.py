"""Country normalisation comes from pycountry / country_converter, not a hand list."""

import pytest

from etl.codes import normalise_erasmus_code
from etl.countries import (
    country_table,
    dutch_country_name,
    nationality_table,
    normalise_country,
    normalise_nationality,
)


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The BRP nationality table's codes (Landelijke tabel 32), with or without zeros.
        ("0001", "NL"),
        ("1", "NL"),
        ("0052", "BE"),
        ("52", "BE"),
        ("0055", "DE"),
        ("0087", "XK"),
        ("0088", "MK"),
        ("0223", "US"),
        ("0000", "unknown"),
        ("0499", "stateless"),
        # Former states are no current nationality.
        ("0075", None),
        ("0065", None),
        ("9999", None),
        # Dutch adjectives: the table's wording, everyday forms, without the final -e.
        ("Nederlandse", "NL"),
        ("nederlands", "NL"),
        ("Belgische", "BE"),
        ("Duitse", "DE"),
        ("Burger van de Bondsrepubliek Duitsland", "DE"),
        ("Oekraïense", "UA"),
        ("Britse", "GB"),
        ("Zuid-Koreaanse", "KR"),
        ("Burger van Noord-Macedonië", "MK"),
        # Countries still work as before.
        ("DE", "DE"),
        ("Duitsland", "DE"),
        ("Germany", "DE"),
        ("Narnian", None),
    ],
)
def test_nationality_spellings(text, expected):
    assert normalise_nationality(text) == expected


def test_every_row_of_the_shipped_nationality_table_has_a_country():
    table = nationality_table()
    assert len(table) == 217
    assert len({row.code for row in table}) == 217
    known = set(country_table()["iso2"])
    for row in table:
        assert row.country in known | {"unknown", "stateless", ""}, row
        # A row without a country is a former state, and says so.
        assert row.country or row.note.startswith("former state"), row
    former = {row.code for row in table if not row.country}
    assert former == {"0065", "0075", "0078", "0082", "0318", "0340", "0453"}


def test_adjectives_of_the_table_agree_with_the_country_names():
    """A check on the hand-made code -> country column: the adjective and pycountry's Dutch
    country name share their first four letters for most rows."""
    table = {row.code: row for row in nationality_table()}
    assert (table["0001"].description, table["0001"].country) == ("Nederlandse", "NL")
    assert (table["0052"].description, table["0052"].country) == ("Belgische", "BE")
    agreeing = 0
    adjectives = [row for row in table.values() if row.country not in ("", "unknown", "stateless")]
    for row in adjectives:
        dutch_name = dutch_country_name(row.country)
        agreeing += dutch_name[:4].casefold() in row.description.casefold()
    assert agreeing / len(adjectives) > 0.75


def test_nationality_codes_and_adjectives_load(settings, write_csv):
    from etl.pipeline import load_files
    from tests.conftest import query

    programmes = write_csv(
        "programmes.csv",
        [["programme_code", "programme_name", "faculty", "cycle"], ["B1", "History", "Hum", "ba"]],
    )
    enrolments = write_csv(
        "enrolments.csv",
        [
            ["academic_year", "student_key", "programme_code", "nationality", "second_nationality"],
            ["2019", "s1", "B1", "0001", "Duitse"],
            ["2019", "s2", "B1", "Belgische", ""],
            ["2019", "s3", "B1", "52", "0499"],
        ],
    )
    load_files([programmes, enrolments], settings)
    assert query(
        settings.database,
        "select student_key, nationality, second_nationality from enrolments order by 1",
    ) == [("s1", "NL", "DE"), ("s2", "BE", None), ("s3", "BE", "stateless")]


def test_former_state_is_rejected_with_its_name(settings, write_csv):
    from etl.pipeline import LoadFailed, load_files

    staff = write_csv(
        "staff.csv",
        [
            ["reference_year", "staff_key", "faculty", "category", "staff_type", "nationality"],
            ["2019", "p1", "Law", "lecturer", "academic", "0075"],
        ],
    )
    with pytest.raises(LoadFailed) as failure:
        load_files([staff], settings)
    reject = failure.value.result.rejects.iloc[0]
    assert (reject["row"], reject["column"], reject["value"]) == (2, "nationality", "0075")
    assert "0075 Burger van de Sovjet-Unie is a former state" in reject["expected"]
