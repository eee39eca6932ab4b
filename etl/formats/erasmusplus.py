"""The European Commission's Erasmus+ mobility open data (2014 onwards).

The EC publishes one row per group of participants of a project: ``Project Reference``,
``Academic Year``, ``Mobility Start Month``, ``Mobility End Month``, ``Mobility Duration``
(days), ``Activity (mob)``, ``Education Level``, ``Participant Profile``, ``Fewer
Opportunities``, the sending and receiving organisations (country code, city, name and,
in the higher-education files, Erasmus code) and ``Participants`` (the group's size). The
TidyTuesday republication spells the same headers in snake_case (``activity_mob``,
``group_leader``, ``sending_organization``); both are read, as are the British and American
spellings of "organisation".

Rows become ``mobility`` rows with a headcount:

- Only higher education is ours. The action code in the project reference decides
  (KA103, KA107, KA131, KA171, or a ``-HED-`` reference are higher education; KA101/KA104
  school and adult, KA102/KA116/KA121/KA122 VET, KA105/KA151-154/KA347 youth are not),
  else the activity text ("youth", "VET", "school", "adult" ... vs "student/staff
  mobility"). Other rows are skipped and counted ("not higher education").
- Direction comes from the Erasmus codes: sent by ``LoadOptions.home_erasmus_code`` ->
  outgoing, partner = the receiving organisation; received by it -> incoming, partner = the
  sending organisation. Rows with no Erasmus code on either side cannot be attributed and
  are skipped and counted, as are rows of other institutions and accompanying persons.
- Activities: studies -> study, traineeships -> traineeship, staff teaching/training ->
  staff_teaching/staff_training, blended intensive programmes -> blended_intensive,
  short-term doctoral -> short_doctoral; anything else -> other, with the EC's activity text
  kept in ``funding`` ("Erasmus+ KA131: <activity>") so it stays distinguishable.
- Dates: start = first day of the start month; duration = ``Mobility Duration`` in days;
  end = start + duration - 1 day (the EC publishes months, not days), or the last day of
  the end month when the duration is missing.
- Education Level (ISCED 5/6/7/8) -> cycle short_cycle/bachelor/master/phd.
- Rows identical in every mapped column are combined and their headcounts added (the
  validator would otherwise reject the second as a duplicate group).

The mobility entity has no nationality, gender or age column, so those fields are not
carried over.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.codes import normalise_erasmus_code
from etl.countries import normalise_countries
from etl.formats.base import (
    ROW,
    Conversion,
    LoadOptions,
    RawTable,
    add_skipped,
    field_columns,
    missing_any,
    parse_months,
    rejects_for,
)
from etl.report import Reject

ENTITY = "mobility"

FIELDS: dict[str, tuple[str, ...]] = {
    "project_reference": ("Project Reference",),
    "academic_year": ("Academic Year",),
    "start_month": ("Mobility Start Month",),
    "end_month": ("Mobility End Month",),
    "duration": ("Mobility Duration", "Mobility Duration (days)"),
    "activity": ("Activity (mob)", "Activity"),
    "education_level": ("Education Level",),
    "profile": ("Participant Profile",),
    "fewer_opportunities": ("Fewer Opportunities",),
    "sending_country": ("Sending Country Code",),
    "sending_organisation": ("Sending Organisation", "Sending Organization"),
    "sending_code": (
        "Sending Organisation Erasmus Code",
        "Sending Organization Erasmus Code",
        "Sending Erasmus Code",
    ),
    "receiving_country": ("Receiving Country Code",),
    "receiving_organisation": ("Receiving Organisation", "Receiving Organization"),
    "receiving_code": (
        "Receiving Organisation Erasmus Code",
        "Receiving Organization Erasmus Code",
        "Receiving Erasmus Code",
    ),
    "participants": ("Participants", "Number of Participants"),
}
REQUIRED = (
    "project_reference",
    "start_month",
    "activity",
    "sending_country",
    "receiving_country",
)

# Key Action 1 codes (Erasmus+ programme guides 2014-2020 and 2021-2027).
HIGHER_EDUCATION_ACTIONS = frozenset({"KA103", "KA107", "KA131", "KA171"})
OTHER_SECTOR_ACTIONS = frozenset(
    {
        "KA101",  # school staff
        "KA102",  # VET learners and staff
        "KA104",  # adult education staff
        "KA105",  # youth exchanges, youth workers, voluntary service
        "KA116",  # VET with a mobility charter
        "KA121",  # accredited school/VET/adult projects
        "KA122",  # short-term school/VET/adult projects
        "KA151",  # accredited youth projects
        "KA152",  # youth exchanges
        "KA153",  # youth workers
        "KA154",  # youth participation
        "KA347",  # dialogue between young people and policy makers (youth meetings)
    }
)
# 2021+ references name the sector: 2021-1-NL01-KA131-HED-000012345.
_REFERENCE = re.compile(r"\b(KA\d{3})(?:-([A-Z]{3}))?\b", re.IGNORECASE)
_OTHER_SECTOR_WORDS = re.compile(
    r"\b(youth|young|vet|vocational|school|pupils?|adult|volunt\w*|european solidarity)\b"
)
_HIGHER_EDUCATION_WORDS = re.compile(
    r"\b(student mobility|staff mobility|higher education|blended intensive|doctoral)\b"
)
_ISCED = re.compile(r"isced\W*([5-8])")
_CYCLE_BY_ISCED = {"5": "short_cycle", "6": "bachelor", "7": "master", "8": "phd"}
_CYCLE_WORDS = (
    ("short-cycle", "short_cycle"),
    ("short cycle", "short_cycle"),
    ("first cycle", "bachelor"),
    ("bachelor", "bachelor"),
    ("second cycle", "master"),
    ("master", "master"),
    ("third cycle", "phd"),
    ("doctoral", "phd"),
)
_ACADEMIC_YEAR = re.compile(r"^((?:19|20)\d{2})\s*[-/]\s*((?:19|20)?\d{2})$")
_YES_NO = {"yes": "yes", "no": "no", "y": "yes", "n": "no", "true": "yes", "false": "no"}
OUTPUT_COLUMNS = [
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
    "fewer_opportunities",
    ROW,
]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text.casefold()).strip()


def action_code(reference: str) -> tuple[str, str]:
    """(action, sector) from a project reference: '2014-1-DE04-KA347-000858' ->
    ('KA347', ''); '2021-1-NL01-KA131-HED-000012345' -> ('KA131', 'HED')."""
    match = _REFERENCE.search(str(reference))
    if match is None:
        return "", ""
    return match.group(1).upper(), (match.group(2) or "").upper()


def is_higher_education(action: str, sector: str, activity: str) -> bool | None:
    """Whether a row is higher-education mobility; ``None`` when nothing says."""
    if sector:
        return sector == "HED"
    if action in HIGHER_EDUCATION_ACTIONS:
        return True
    if action in OTHER_SECTOR_ACTIONS:
        return False
    folded = _fold(activity)
    if _OTHER_SECTOR_WORDS.search(folded):
        return False
    if _HIGHER_EDUCATION_WORDS.search(folded):
        return True
    return None


def activity_of(text: str) -> str:
    """Our activity for the EC's activity text ('other' when none fits)."""
    folded = _fold(text)
    if "blended" in folded:
        return "blended_intensive"
    if "doctoral" in folded:
        return "short_doctoral"
    if "virtual" in folded:
        return "virtual_exchange"
    teaching, training = "teaching" in folded, "training" in folded
    if "staff" in folded and teaching != training:
        return "staff_teaching" if teaching else "staff_training"
    if "student" in folded or "learner" in folded:
        if "traineeship" in folded or "placement" in folded:
            return "traineeship"
        if "studies" in folded or "study" in folded:
            return "study"
    return "other"


def cycle_of(education_level: str) -> str:
    """Cycle for the EC's education level ('ISCED-7 - Second cycle ...' -> 'master')."""
    folded = _fold(education_level)
    match = _ISCED.search(folded)
    if match:
        return _CYCLE_BY_ISCED[match.group(1)]
    for words, cycle in _CYCLE_WORDS:
        if words in folded:
            return cycle
    return ""


def _academic_year(text: str) -> str | None:
    """'2015-2016' -> '2015-16'; '' -> ''; ``None`` when not an academic year."""
    if not text:
        return ""
    match = _ACADEMIC_YEAR.match(text)
    if match is None:
        return None
    first = int(match.group(1))
    second = int(match.group(2)[-2:])
    if second != (first + 1) % 100:
        return None
    return f"{first}-{second:02d}"


@dataclass(frozen=True)
class ErasmusPlusFormat:
    """EC Erasmus+ mobility open data (word or snake_case headers)."""

    name: str = "erasmusplus_mobility"
    title: str = "EC Erasmus+ mobility open data (2014 onwards)"

    def missing_headers(self, table: RawTable) -> list[str]:
        return missing_any(tuple(FIELDS[field] for field in REQUIRED), table)

    def convert(self, table: RawTable, options: LoadOptions) -> Conversion:
        conversion = Conversion()
        frame = table.frame
        columns, text = field_columns(table, FIELDS)

        rejects: list[Reject] = []

        def reject(mask: pd.Series, field: str, expected: str) -> None:
            rejects.extend(rejects_for(table, mask & pending, columns[field], expected, ENTITY))

        # 1. Higher education only.
        actions = text("project_reference").map(action_code)
        action = actions.str[0]
        activity_text = text("activity")
        higher_education = pd.Series(
            [
                is_higher_education(a, s, t)
                for (a, s), t in zip(actions, activity_text, strict=True)
            ],
            index=frame.index,
            dtype=object,
        )
        not_higher_education = higher_education.eq(False)
        add_skipped(conversion, "not higher education", not_higher_education.sum())
        if not_higher_education.any():
            found = Counter(action[not_higher_education].replace("", "no action code"))
            conversion.notes.append(
                "not higher education, skipped: "
                + ", ".join(f"{name} ({count})" for name, count in sorted(found.items()))
            )
        pending = ~not_higher_education
        reject(
            higher_education.isna(),
            "project_reference",
            "a project reference with an Erasmus+ action code (e.g. 2021-1-NL01-KA131-HED-"
            "000012345), or an activity that names the sector",
        )
        pending &= higher_education.eq(True)

        accompanying = pending & text("profile").str.casefold().str.contains("accompan")
        add_skipped(conversion, "accompanying person", accompanying.sum())
        pending &= ~accompanying

        # 2. Our rows: sent or received by the home institution.
        our_code = normalise_erasmus_code(options.home_erasmus_code)
        sending = text("sending_code").map(normalise_erasmus_code)
        receiving = text("receiving_code").map(normalise_erasmus_code)
        no_codes = pending & sending.isna() & receiving.isna()
        add_skipped(
            conversion, "no Erasmus code (cannot attribute to an institution)", no_codes.sum()
        )
        pending &= ~no_codes
        outgoing = sending.eq(our_code) & pending
        incoming = receiving.eq(our_code) & pending & ~outgoing
        other = pending & ~outgoing & ~incoming
        add_skipped(conversion, "not our institution", other.sum())
        pending &= outgoing | incoming

        # 3. Values.
        participants = text("participants")
        bad_participants = participants.ne("") & ~participants.str.fullmatch(r"\d+")
        if columns["participants"] is not None:
            reject(bad_participants, "participants", "a number of participants (whole number)")
        headcount = participants.where(participants.ne(""), "1")

        first_days, bad_start = parse_months(text("start_month"))
        reject(bad_start, "start_month", "a month like 2015-02")
        end_months, bad_end = parse_months(text("end_month"))
        if columns["end_month"] is not None:
            reject(bad_end, "end_month", "a month like 2015-02")
        duration_text = text("duration")
        duration = pd.to_numeric(duration_text.str.replace(",", "."), errors="coerce")
        if columns["duration"] is not None:
            reject(
                duration_text.ne("") & (duration.isna() | duration.lt(0)),
                "duration",
                "a duration in days",
            )
        end = first_days + pd.to_timedelta(duration - 1, unit="D")
        end = end.fillna(end_months + pd.offsets.MonthEnd(0))

        years = text("academic_year").map(_academic_year)
        if columns["academic_year"] is not None:
            reject(years.isna(), "academic_year", "an academic year like 2015-2016")

        fewer = text("fewer_opportunities").str.casefold().map(_YES_NO)
        if columns["fewer_opportunities"] is not None:
            reject(
                text("fewer_opportunities").ne("") & fewer.isna(),
                "fewer_opportunities",
                "Yes or No",
            )

        side = pd.Series(np.where(outgoing, "receiving", "sending"), index=frame.index)
        partner_country_raw = text("receiving_country").where(outgoing, text("sending_country"))
        partner_country = normalise_countries(partner_country_raw.where(partner_country_raw.ne("")))
        for name in ("receiving", "sending"):
            reject(
                partner_country_raw.ne("") & partner_country.isna() & side.eq(name),
                f"{name}_country",
                "a country code (ISO 3166, or the EC's UK/EL)",
            )

        activity = activity_text.map(activity_of)
        staff = activity.isin(["staff_teaching", "staff_training"]) | text(
            "profile"
        ).str.casefold().str.contains("staff")
        funding = ("Erasmus+ " + action).str.strip()
        funding = funding.where(activity.ne("other"), funding + ": " + activity_text)

        rejected_rows = {item.row for item in rejects}
        keep = pending & ~frame[ROW].isin(rejected_rows)
        mobility = pd.DataFrame(
            {
                "participant": np.where(staff, "staff", "student"),
                "direction": np.where(outgoing, "outgoing", "incoming"),
                "headcount": pd.to_numeric(headcount, errors="coerce"),
                "academic_year": years.fillna(""),
                "cycle": text("education_level").map(cycle_of),
                "activity": activity,
                "funding": funding,
                "partner_erasmus_code": receiving.where(outgoing, sending).fillna(""),
                "partner_name": text("receiving_organisation").where(
                    outgoing, text("sending_organisation")
                ),
                "partner_country": partner_country.fillna(""),
                "start_date": first_days.dt.strftime("%Y-%m-%d").fillna(""),
                "end_date": end.dt.strftime("%Y-%m-%d").fillna(""),
                "duration_days": duration.map(
                    lambda value: "" if pd.isna(value) else str(int(value))
                ),
                "fewer_opportunities": fewer.fillna(""),
                ROW: frame[ROW],
            },
            index=frame.index,
        )[keep]
        conversion.frames[ENTITY] = _combine_identical(mobility, conversion)
        conversion.rejects = sorted(rejects, key=lambda item: (item.row, item.column))
        if keep.any():
            conversion.notes.append(
                "start = first day of the start month, end = start + duration - 1 day"
            )
        return conversion


def _combine_identical(mobility: pd.DataFrame, conversion: Conversion) -> pd.DataFrame:
    """Groups identical in every column become one row; their headcounts are added."""
    dimensions = [column for column in OUTPUT_COLUMNS if column not in ("headcount", ROW)]
    combined = (
        mobility.groupby(dimensions, sort=False, dropna=False)
        .agg(headcount=("headcount", "sum"), _row=(ROW, "min"))
        .reset_index()
    )
    if len(combined) < len(mobility):
        conversion.notes.append(
            f"{len(mobility)} rows identical in every mapped column combined into "
            f"{len(combined)} rows (headcounts added)"
        )
    combined["headcount"] = combined["headcount"].astype("int64").astype(str)
    return combined[OUTPUT_COLUMNS].sort_values(ROW, kind="stable").reset_index(drop=True)


ERASMUS_PLUS = ErasmusPlusFormat()
