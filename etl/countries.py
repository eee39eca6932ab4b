"""Country normalisation and regions, from maintained libraries rather than hand-typed lists.

Names and codes come from ``pycountry`` (ISO 3166-1, with its Dutch translations); region
memberships (EU, EEA, UN region, continent) from the data table that ``country_converter``
ships (its EU and EEA columns are today's membership; membership by academic year comes
from ``etl/reference/eu_membership.csv``, see ``etl/membership.py``). The policy groupings
that no library carries (the EU's neighbourhood policy countries, the Central and Eastern
Europe grouping of the Erasmus Policy Statement) are reference data with their sources in
``etl/reference/policy_regions.csv``.

Nationalities as Dutch student and HR systems write them (the adjective "Nederlandse", or
the 4-digit code of the BRP nationality table, "0001") come from the national table itself,
shipped in ``etl/reference/`` (see ``etl/reference/SOURCES.md``).
"""

from __future__ import annotations

import csv
import gettext
import importlib.resources
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pycountry

# EC and older Erasmus files use these codes instead of ISO 3166 ones.
EC_CODE_ALIASES = {"UK": "GB", "EL": "GR"}
# Not in ISO 3166-1 but used by the EC and by Dutch registrations.
EXTRA_COUNTRIES = {"XK": ("Kosovo", "XKX")}

# The policy groupings no library carries (European Neighbourhood Policy countries; Central
# and Eastern Europe beyond the UN's "Eastern Europe" region) are reference data with their
# sources: etl/reference/policy_regions.csv.
POLICY_REGIONS_FILE = "policy_regions.csv"


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for matching names."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


@cache
def _lookup() -> dict[str, str]:
    """Folded spelling -> ISO alpha-2, for codes and English and Dutch names."""
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    lookup: dict[str, str] = {}
    names: list[tuple[str, str]] = []
    for country in pycountry.countries:
        alpha2 = country.alpha_2
        lookup[_fold(country.alpha_3)] = alpha2
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names.append((name, alpha2))
                names.append((dutch.gettext(name), alpha2))
    for alpha2, (name, alpha3) in EXTRA_COUNTRIES.items():
        lookup[_fold(alpha3)] = alpha2
        names.append((name, alpha2))
    for name, alpha2 in names:
        lookup.setdefault(_fold(name), alpha2)
    # Common short forms that ISO spells out ("Korea, Republic of").
    for name, alpha2 in names:
        if "," in name:
            lookup.setdefault(_fold(name.split(",")[0]), alpha2)
    # Two-letter codes last, so a code always wins over a name that folds alike.
    for country in pycountry.countries:
        lookup[_fold(country.alpha_2)] = country.alpha_2
    for alpha2 in EXTRA_COUNTRIES:
        lookup[_fold(alpha2)] = alpha2
    for alias, alpha2 in EC_CODE_ALIASES.items():
        lookup[_fold(alias)] = alpha2
    for name, alpha2 in (("United States", "US"), ("USA", "US"), ("Great Britain", "GB")):
        lookup.setdefault(_fold(name), alpha2)
    return lookup


# Everyday adjectives for the nationalities that table 32 words as "Burger van ..." or
# "... burger" (the table's own wording is accepted too). ISO alpha-2 codes.
ADJECTIVES_NOT_IN_TABLE_32 = {
    "Duitse": "DE",
    "Britse": "GB",
    "Amerikaanse": "US",
    "Bosnische": "BA",
    "Emiraatse": "AE",
    "Noord-Macedonische": "MK",
    "Oost-Timorese": "TL",
    "Trinidadiaanse": "TT",
}
_REFERENCE = importlib.resources.files("etl") / "reference"


@dataclass(frozen=True)
class Nationality:
    """One row of the BRP nationality table (Landelijke tabel 32) and the country it means."""

    code: str  # 4 digits, "0001"
    description: str  # "Nederlandse"
    # ISO alpha-2, "unknown", "stateless", or "" for a former state (Soviet Union, ...).
    country: str
    note: str


@cache
def nationality_table() -> tuple[Nationality, ...]:
    """Table 32 as shipped in ``etl/reference/nationaliteiten.csv`` with its countries."""
    with (_REFERENCE / "nationaliteiten.csv").open(encoding="utf-8", newline="") as handle:
        table = [(row[0], row[1]) for row in list(csv.reader(handle))[1:]]
    with (_REFERENCE / "nationaliteiten_iso.csv").open(encoding="utf-8", newline="") as handle:
        countries = {row["code"]: (row["country"], row["note"]) for row in csv.DictReader(handle)}
    return tuple(Nationality(code, description, *countries[code]) for code, description in table)


@cache
def _nationality_lookup() -> dict[str, Nationality]:
    """Folded description or adjective -> table row (adjectives also without the final -e)."""
    lookup: dict[str, Nationality] = {}
    rows = list(nationality_table())
    extra = [
        Nationality("", name, alpha2, "") for name, alpha2 in ADJECTIVES_NOT_IN_TABLE_32.items()
    ]
    for row in rows + extra:
        for spelling in row.description.split("/"):
            folded = _fold(spelling)
            lookup.setdefault(folded, row)
            if folded.endswith("e") and " " not in folded:
                lookup.setdefault(folded[:-1], row)  # "Nederlands", "Duits"
    return lookup


@cache
def lookup_nationality(text: str | None) -> Nationality | None:
    """The table-32 row (or adjective) ``text`` names: a code of 1 to 4 digits ("0052", or
    "52" after a spreadsheet dropped the zeros), or a description/adjective ("Belgische")."""
    if text is None:
        return None
    text = str(text).strip()
    if text.isdigit() and len(text) <= 4:
        code = text.zfill(4)
        return next((row for row in nationality_table() if row.code == code), None)
    return _nationality_lookup().get(_fold(text)) if text else None


def normalise_nationality(text: str | None) -> str | None:
    """ISO alpha-2 (or "unknown"/"stateless") for a country code or name, a Dutch
    nationality adjective or a table-32 code; ``None`` if not recognised or a former state."""
    country = normalise_country(text)
    if country is not None:
        return country
    row = lookup_nationality(text)
    return row.country or None if row is not None else None


def normalise_nationalities(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_nationality`: maps each distinct value once."""
    distinct = pd.unique(values.dropna())
    mapping = {value: normalise_nationality(value) for value in distinct}
    return values.map(mapping)


@cache
def _converter_data() -> pd.DataFrame:
    """country_converter's table, keyed by ISO alpha-2 (its ISO2 column holds regexes)."""
    source = importlib.resources.files("country_converter") / "country_data.tsv"
    with source.open(encoding="utf-8") as handle:
        # keep_default_na=False: Namibia's code is "NA".
        data = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False)
    alpha2_by_alpha3 = {country.alpha_3: country.alpha_2 for country in pycountry.countries}
    alpha2_by_alpha3.update({alpha3: alpha2 for alpha2, (_, alpha3) in EXTRA_COUNTRIES.items()})
    data["iso2"] = data["ISO3"].map(alpha2_by_alpha3)
    return data.dropna(subset=["iso2"]).drop_duplicates("iso2").reset_index(drop=True)


@cache
def _name_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """country_converter's regular expressions for name variants ("Ivory Coast")."""
    return tuple(
        (re.compile(record.regex, re.IGNORECASE), record.iso2)
        for record in _converter_data().itertuples(index=False)
    )


@cache
def normalise_country(text: str | None) -> str | None:
    """ISO alpha-2 code for a code or English/Dutch name; ``None`` if not recognised."""
    if text is None:
        return None
    folded = _fold(str(text))
    if not folded:
        return None
    found = _lookup().get(folded)
    if found is not None or len(folded) <= 3:
        return found
    matches = {alpha2 for pattern, alpha2 in _name_patterns() if pattern.search(str(text))}
    return matches.pop() if len(matches) == 1 else None


def normalise_countries(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_country`: maps each distinct value once."""
    distinct = pd.unique(values.dropna())
    mapping = {value: normalise_country(value) for value in distinct}
    return values.map(mapping)


def dutch_country_name(alpha2: str) -> str:
    """Dutch name for an alpha-2 code (pycountry's translation; the code itself if unknown)."""
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        return alpha2
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    return dutch.gettext(country.name)


def country_name(alpha2: str) -> str:
    """English short name for an alpha-2 code (the code itself if unknown)."""
    if alpha2 in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[alpha2][0]
    country = pycountry.countries.get(alpha_2=alpha2)
    if country is None:
        return alpha2
    return getattr(country, "common_name", None) or country.name


@cache
def policy_regions() -> dict[str, frozenset[str]]:
    """Region name (``cee``, ``neighbourhood``) -> ISO alpha-2 codes, from the reference file
    (``cee`` lists only the countries outside the UN's Eastern Europe region)."""
    source = importlib.resources.files("etl") / "reference" / POLICY_REGIONS_FILE
    with source.open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return {region: frozenset(rows["iso2"]) for region, rows in table.groupby("region", sort=True)}


@cache
def country_table() -> pd.DataFrame:
    """One row per country: codes, name and the region memberships the KPIs break down by.

    Columns: ``iso2``, ``iso3``, ``name``, ``continent``, ``un_region``, ``eu``, ``eea``,
    ``cee``, ``neighbourhood``.
    """
    rows = []
    regions = policy_regions()
    for record in _converter_data().itertuples(index=False):
        iso2 = record.iso2
        un_region = record.UNregion
        rows.append(
            {
                "iso2": iso2,
                "iso3": record.ISO3,
                "name": country_name(iso2),
                "continent": record.continent,
                "un_region": un_region,
                "eu": record.EU27 not in ("", "0"),
                "eea": record.EEA not in ("", "0"),
                "cee": un_region == "Eastern Europe" or iso2 in regions["cee"],
                "neighbourhood": iso2 in regions["neighbourhood"],
            }
        )
    table = pd.DataFrame(rows).drop_duplicates("iso2").sort_values("iso2")
    return table.reset_index(drop=True)
