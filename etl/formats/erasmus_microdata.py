"""The European Commission's Erasmus student mobility microdata, 2008-09 to 2012-13.

One row per student mobility, one file per academic year, for every institution in Europe.
Rows sent by our institution (``LoadOptions.home_erasmus_code``) become outgoing
``mobility`` rows with the host as partner; rows hosted by it become incoming rows with
the home institution as partner; every other row is skipped and counted.

The EC changed its column names over the years; all four layouts are read:

- 2008-09: ``HOMEINSTITUTION``, ``COUNTRYOFHOMEINSTITUTION``, ``SEX``, ``WORKPLACEMENT``,
  ``LENGTHWORKPLACEMENT``, ``ECTSCREDITSWORK``, dates ``09-2008``;
- 2009-10: ``GENDER`` instead of ``SEX``;
- 2010-11: ``COUNTRYCODEOF...`` instead of ``COUNTRYOF...``, ``LENGTHPLACEMENT``;
- 2011-12: ``PLACEMENTENTERPRISE``, ``COUNTRYOFPLACEMENT``, ``ECTSCREDITSPLACEMENT``,
  dates ``Aug-11``;
- 2012-13: ``*_CDE``/``*_VALUE`` names (``HOME_INSTITUTION_CDE``, ...), a mobility id
  (``ID_MOBILITY_CDE``), dates ``Sep-12`` and ``00/0000`` for "none", unknowns written
  ``? Unknown ?``, ``???`` or ``?``.

How values map:

- LEVELSTUDY 1/2/3/S -> cycle bachelor/master/phd/short_cycle; MOBILITYTYPE S/P/C ->
  activity study/traineeship/combined.
- Start date: the first day of the earliest start month given (study or placement): the EC
  publishes months only. Duration: the study and placement lengths in months added up,
  times 30 days (rounded half up); the end date is start + duration - 1 day.
- Academic year: the file's year, read from the file name (``..._2008_09...``) or, when the
  name has none, the year most start months fall in (September-May starts vote; June-August
  starts are ambiguous in Erasmus years and do not).
- Placements are at an enterprise: an outgoing placement (or combined stay) without a host
  institution has the enterprise as partner (name and country, no Erasmus code).
- ECTS: ``TOTALECTSCREDITS`` -> ects_earned.
- Rows without the EC's mobility id (before 2012-13) that are identical in every mapped
  column are combined into one row with a headcount: without an id they cannot be told
  apart, and the validator would reject them as duplicates.

The mobility entity has no age, gender or nationality column, so those EC fields are
not carried over.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.codes import is_placeholder_erasmus_code, normalise_erasmus_code
from etl.countries import normalise_countries
from etl.formats.base import (
    ROW,
    Conversion,
    LoadOptions,
    RawTable,
    academic_year_label,
    add_skipped,
    blank_unknowns,
    field_columns,
    missing_any,
    parse_months,
    rejects_for,
)
from etl.report import Reject

ENTITY = "mobility"
DAYS_PER_MONTH = 30
FUNDING = "Erasmus (Lifelong Learning Programme)"

# Logical field -> the spellings of its column across the EC's layouts.
FIELDS: dict[str, tuple[str, ...]] = {
    "home": ("HOMEINSTITUTION", "HOME_INSTITUTION_CDE"),
    "home_country": (
        "COUNTRYOFHOMEINSTITUTION",
        "COUNTRYCODEOFHOMEINSTITUTION",
        "HOME_INSTITUTION_CTRY_CDE",
    ),
    "host": ("HOSTINSTITUTION", "HOST_INSTITUTION_CDE"),
    "host_country": (
        "COUNTRYOFHOSTINSTITUTION",
        "COUNTRYCODEOFHOSTINSTITUTION",
        "HOST_INSTITUTION_COUNTRY_CDE",
    ),
    "level": ("LEVELSTUDY", "STUDENT_STUDY_LEVEL_CDE"),
    "mobility_type": ("MOBILITYTYPE", "MOBILITY_TYPE_CDE"),
    "enterprise": ("WORKPLACEMENT", "PLACEMENTENTERPRISE", "PLACEMENT_ENTERPRISE_VALUE"),
    "enterprise_country": (
        "COUNTRYOFWORKPLACEMENT",
        "COUNTRYOFPLACEMENT",
        "PLACEMENT_ENTERPRISE_CTRY_CDE",
    ),
    "study_length": ("LENGTHSTUDYPERIOD", "LENGTH_STUDY_PERIOD_VALUE"),
    "placement_length": ("LENGTHWORKPLACEMENT", "LENGTHPLACEMENT", "LENGTH_PLACEMENT_VALUE"),
    "study_start": ("STUDYSTARTDATE", "STUDY_START_DATE"),
    "placement_start": ("PLACEMENTSTARTDATE", "PLACEMENT_START_DATE"),
    "ects": ("TOTALECTSCREDITS", "TOTAL_ECTS_CREDITS_AMT"),
    "mobility_id": ("ID_MOBILITY_CDE",),
}
REQUIRED = (
    "home",
    "home_country",
    "host",
    "host_country",
    "level",
    "mobility_type",
    "study_length",
    "study_start",
)
CYCLES = {"1": "bachelor", "2": "master", "3": "phd", "S": "short_cycle"}
ACTIVITIES = {"S": "study", "P": "traineeship", "C": "combined"}
# Country cells the EC fills with a non-ISO "unknown" code.
_UNKNOWN_COUNTRIES = {"XX", "ZZ"}
# '2008_09', '2008-09', '2008-2009' in a file name.
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_ ]?(\d{4}|\d{2})(?!\d)")
OUTPUT_COLUMNS = [
    "mobility_id",
    "participant",
    "direction",
    "headcount",
    "academic_year",
    "cycle",
    "activity",
    "funding",
    "partner_erasmus_code",
    "partner_name",
    "partner_country",
    "start_date",
    "end_date",
    "duration_days",
    "ects_earned",
    ROW,
]


def year_from_file_name(name: str) -> int | None:
    """First year of the academic year named in a file name ('..._2011_12_...' -> 2011)."""
    for match in _FILE_YEAR.finditer(name):
        first, second = int(match.group(1)), match.group(2)
        if int(second) in (first + 1, (first + 1) % 100):
            return first
    return None


def year_from_start_months(starts: pd.Series) -> int | None:
    """The academic year most start months fall in (September-May only, see module doc)."""
    votes: Counter[int] = Counter()
    for start in starts.dropna():
        if start.month >= 9:
            votes[start.year] += 1
        elif start.month <= 5:
            votes[start.year - 1] += 1
    return votes.most_common(1)[0][0] if votes else None


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(value, invalid mask) for numeric text; empty -> NaN, not invalid."""
    value = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    return value, text.ne("") & (value.isna() | value.lt(0))


@dataclass(frozen=True)
class ErasmusMicrodataFormat:
    """EC Erasmus student mobility microdata, any of the 2008-09 .. 2012-13 layouts."""

    name: str = "erasmus_microdata_2008_2013"
    title: str = "EC Erasmus student mobility microdata 2008-09 to 2012-13"

    def missing_headers(self, table: RawTable) -> list[str]:
        return missing_any(tuple(FIELDS[field] for field in REQUIRED), table)

    def convert(self, table: RawTable, options: LoadOptions) -> Conversion:
        conversion = Conversion()
        frame = table.frame
        columns, text = field_columns(table, FIELDS)

        our_code = normalise_erasmus_code(options.home_erasmus_code)
        if our_code is None:
            conversion.notes.append(
                f"home Erasmus code {options.home_erasmus_code!r} is not an Erasmus code: "
                "no row can be ours"
            )
        home = frame[columns["home"]].map(normalise_erasmus_code)
        host = frame[columns["host"]].map(normalise_erasmus_code)
        outgoing = home.eq(our_code) if our_code else pd.Series(False, index=frame.index)
        incoming = ~outgoing & (host.eq(our_code) if our_code else False)
        ours = outgoing | incoming
        add_skipped(conversion, "not our institution", (~ours).sum())

        rejects: list[Reject] = []

        def reject(mask: pd.Series, field: str, expected: str, values: pd.Series | None = None):
            rejects.extend(
                rejects_for(table, mask & ours, columns[field], expected, ENTITY, values)
            )

        level = text("level").str.upper()
        cycle = level.map(CYCLES)
        reject(level.ne("") & cycle.isna(), "level", "1, 2, 3 or S (cycle of study)")
        mobility_type = text("mobility_type").str.upper()
        activity = mobility_type.map(ACTIVITIES)
        reject(activity.isna(), "mobility_type", "S (study), P (placement) or C (combined)")

        lengths = []
        for field in ("study_length", "placement_length"):
            months, invalid = _numbers(text(field))
            if columns[field] is not None:
                reject(invalid, field, "a length in months (e.g. 4.5)")
            lengths.append(months.fillna(0))
        total_months = lengths[0] + lengths[1]
        days = np.floor(total_months * DAYS_PER_MONTH + 0.5)

        starts = []
        for field in ("study_start", "placement_start"):
            if columns[field] is None:
                continue
            first_days, invalid = parse_months(text(field))
            reject(invalid, field, "a month like 09-2008, Aug-11 or 00/0000 (none)")
            starts.append(first_days)
        start = pd.concat(starts, axis=1).min(axis=1)

        ects, bad_ects = _numbers(text("ects"))
        if columns["ects"] is not None:
            reject(bad_ects, "ects", "a number of ECTS credits")

        # Partner: the other institution; for an outgoing placement, the enterprise.
        in_enterprise = mobility_type.isin(["P", "C"])
        partner_raw = frame[columns["host"]].where(outgoing, frame[columns["home"]])
        partner_code = host.where(outgoing, home).fillna("")
        placeholder = partner_raw.map(is_placeholder_erasmus_code) | blank_unknowns(partner_raw).eq(
            ""
        )
        bad_code = partner_code.eq("") & ~placeholder
        partner_field = pd.Series(np.where(outgoing, "host", "home"), index=frame.index)
        for field in ("host", "home"):
            reject(
                bad_code & partner_field.eq(field),
                field,
                "an Erasmus code like 'D  KONSTAN01'",
            )
        partner_country_raw = text("host_country").where(outgoing, text("home_country"))
        partner_country_field = partner_field + "_country"
        partner_name = pd.Series("", index=frame.index)
        at_enterprise = outgoing & in_enterprise & partner_code.eq("")
        partner_name = partner_name.where(~at_enterprise, text("enterprise"))
        partner_country_raw = partner_country_raw.where(~at_enterprise, text("enterprise_country"))
        partner_country_field = partner_country_field.where(~at_enterprise, "enterprise_country")
        partner_country_raw = partner_country_raw.where(
            ~partner_country_raw.str.upper().isin(_UNKNOWN_COUNTRIES), ""
        )
        partner_country = normalise_countries(partner_country_raw.where(partner_country_raw.ne("")))
        bad_country = partner_country_raw.ne("") & partner_country.isna()
        for field in ("host_country", "home_country", "enterprise_country"):
            if columns[field] is not None:
                reject(
                    bad_country & partner_country_field.eq(field),
                    field,
                    "a country code (ISO 3166, or the EC's UK/EL)",
                )

        file_year = year_from_file_name(table.name)
        if file_year is None:
            file_year = year_from_start_months(start[ours])
            if file_year is not None:
                conversion.notes.append(
                    f"academic year {academic_year_label(file_year)} taken from the start "
                    "months (the file name names no year)"
                )
            else:
                conversion.notes.append(
                    "no academic year: neither the file name nor the start months give one"
                )

        rejected_rows = {item.row for item in rejects}
        keep = ours & ~frame[ROW].isin(rejected_rows)
        has_days = total_months.gt(0)
        end = start + pd.to_timedelta(days.where(has_days) - 1, unit="D")
        mobility = pd.DataFrame(
            {
                "mobility_id": text("mobility_id"),
                "participant": "student",
                "direction": np.where(outgoing, "outgoing", "incoming"),
                "headcount": 1,
                "academic_year": academic_year_label(file_year) if file_year else "",
                "cycle": cycle.fillna(""),
                "activity": activity.fillna(""),
                "funding": FUNDING,
                "partner_erasmus_code": partner_code,
                "partner_name": partner_name,
                "partner_country": partner_country.fillna(""),
                "start_date": start.dt.strftime("%Y-%m-%d").fillna(""),
                "end_date": end.dt.strftime("%Y-%m-%d").fillna(""),
                "duration_days": days.where(has_days).map(
                    lambda value: "" if pd.isna(value) else str(int(value))
                ),
                "ects_earned": text("ects"),
                ROW: frame[ROW],
            },
            index=frame.index,
        )[keep]
        conversion.frames[ENTITY] = _combine_identical(mobility, conversion)
        conversion.rejects = sorted(rejects, key=lambda item: (item.row, item.column))
        conversion.notes.append(
            f"duration = length in months x {DAYS_PER_MONTH} days; start = first day of the "
            "start month"
        )
        return conversion


def _combine_identical(mobility: pd.DataFrame, conversion: Conversion) -> pd.DataFrame:
    """Rows without a mobility id that agree in every column become one headcount row."""
    with_id = mobility[mobility["mobility_id"].ne("")]
    without_id = mobility[mobility["mobility_id"].eq("")]
    dimensions = [column for column in OUTPUT_COLUMNS if column not in ("headcount", ROW)]
    combined = (
        without_id.groupby(dimensions, sort=False, dropna=False)
        .agg(headcount=("headcount", "sum"), _row=(ROW, "min"))
        .reset_index()
    )
    merged = len(without_id) - len(combined)
    if merged:
        conversion.notes.append(
            f"{len(without_id)} rows without a mobility id combined into {len(combined)} "
            "rows with a headcount (identical rows cannot be told apart)"
        )
    result = pd.concat([with_id, combined], ignore_index=True)[OUTPUT_COLUMNS]
    result["headcount"] = result["headcount"].astype("int64").astype(str)
    return result.sort_values(ROW, kind="stable").reset_index(drop=True)


ERASMUS_MICRODATA = ErasmusMicrodataFormat()
