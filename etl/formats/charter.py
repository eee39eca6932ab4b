"""The European Commission's list of Erasmus charter holders, as a lookup of institutions.

The EC publishes, per year, every institution holding an Erasmus (University) Charter:
``Institutional code`` (the Erasmus code), ``Application Reference Number``, ``Name of
Organisation``, ``Country``, ``City`` and the charter type (``Code``: EUC, EUCX, EUCP).
Each row becomes an ``institutions`` row: erasmus_code, institution_name, city, country, so
the dashboard can name and place the partners that mobility and agreement files give only
by code.

Codes are normalised (``S   STOCKHO23`` -> ``S  STOCKHO23``, ``Uk PRESTON03`` ->
``UK PRESTON03``) and countries mapped to ISO (the EC's ``UK`` -> ``GB``). A code listed
twice with the same name, city and country is one institution: the repeats are skipped and
counted; a code listed twice with different details is left to the validator, which
reports the duplicate key.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.codes import normalise_erasmus_codes
from etl.countries import normalise_countries
from etl.formats.base import (
    ROW,
    Conversion,
    LoadOptions,
    RawTable,
    add_skipped,
    find_column,
    missing_any,
    rejects_for,
)

ENTITY = "institutions"
FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("Institutional code", "Institution code", "Institutional Erasmus code"),
    "name": ("Name of Organisation", "Name of Organization"),
    "country": ("Country",),
    "city": ("City",),
}
REQUIRED = ("code", "name", "country")


@dataclass(frozen=True)
class ErasmusCharterFormat:
    """EC list of Erasmus charter holders (Erasmus code -> name, city, country)."""

    name: str = "erasmus_charter"
    title: str = "EC list of Erasmus charter holders (Erasmus code, name, city, country)"

    def missing_headers(self, table: RawTable) -> list[str]:
        return missing_any(tuple(FIELDS[field] for field in REQUIRED), table)

    def convert(self, table: RawTable, options: LoadOptions) -> Conversion:
        conversion = Conversion()
        frame = table.frame
        columns = {field: find_column(table, spellings) for field, spellings in FIELDS.items()}
        code_column, country_column = columns["code"], columns["country"]
        assert code_column is not None and country_column is not None

        code = normalise_erasmus_codes(frame[code_column])
        country = normalise_countries(frame[country_column].where(frame[country_column].ne("")))
        rejects = rejects_for(
            table,
            code.isna(),
            code_column,
            "an Erasmus code like 'D  KONSTAN01'",
            ENTITY,
        )
        rejects += rejects_for(
            table,
            country.isna(),
            country_column,
            "a country code (ISO 3166, or the EC's UK/EL) or name",
            ENTITY,
        )
        city = frame[columns["city"]] if columns["city"] else pd.Series("", index=frame.index)
        institutions = pd.DataFrame(
            {
                "erasmus_code": code.fillna(""),
                "institution_name": frame[columns["name"]],
                "city": city,
                "country": country.fillna(""),
                ROW: frame[ROW],
            }
        )
        rejected_rows = {item.row for item in rejects}
        institutions = institutions[~institutions[ROW].isin(rejected_rows)]
        repeated = institutions.drop(columns=ROW).duplicated()
        add_skipped(conversion, "repeated row (same code, name, city and country)", repeated.sum())
        conversion.frames[ENTITY] = institutions[~repeated].reset_index(drop=True)
        conversion.rejects = sorted(rejects, key=lambda item: (item.row, item.column))
        return conversion


ERASMUS_CHARTER = ErasmusCharterFormat()
