"""DUO's open data on students at Dutch research universities, as DUO publishes it.

Two files share one wide layout, one row per institution x programme x mode (x phase) and
two count columns per year (``2011 MAN``, ``2011 VROUW``, ...):

- "01. Ingeschrevenen wo": everyone enrolled on 1 October (``population = enrolled``);
- "Eerstejaars ingeschrevenen wo": first-year entrants only, with an extra
  ``TYPE HOGER ONDERWIJS`` column (``population = first_year``).

Each non-zero count becomes one aggregated ``enrolments`` row (headcount, programme, cycle,
phase, gender, study mode) and each programme one ``programmes`` row. How the source maps:

- A year column counts on 1 October of that year, so ``2011`` is academic year 2011-12.
- DUO has no nationality: rows get ``nationality = not_available`` (they feed the
  denominators; the diversity KPIs report them as "nationality not available").
- DUO has no faculty: a programme's ``faculty`` is its CROHO sector (``CROHO ONDERDEEL``,
  e.g. "gezondheidszorg").
- Phases: ``propedeuse bachelor`` and ``bachelor`` are the bachelor cycle, ``master`` the
  master cycle. The old undivided programmes (medicine, veterinary medicine, theology) have
  the phases ``propedeuse``, ``initiële opleiding`` and ``beroepsfase``; they lead to the
  doctoraal/arts degree, which Dutch law ranks with a master, so they are the master cycle.
  The ``phase`` column keeps the phase, so they stay distinguishable.
- Programme codes: the CROHO code (``OPLEIDINGSCODE ACTUEEL``) when the load is restricted
  to one institution (``LoadOptions.institution``, a BRIN such as ``21PB``), else
  ``<BRIN>-<CROHO>`` so that programmes of different universities do not collide.
- Programme names lose DUO's ``B ``/``M `` prefix: the cycle column says the same.

Rows skipped on purpose are counted: total and subtotal rows wherever they stand (a
``Totaal`` label in any label column, or counts under no label at all), note lines under
the table (no institution, programme or count) and, when restricted to one institution,
other institutions' rows. Zero counts are no students, not skipped rows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from etl.entities import NATIONALITY_NOT_AVAILABLE
from etl.formats.base import (
    ROW,
    Conversion,
    LoadOptions,
    RawTable,
    academic_year_label,
    add_skipped,
    find_column,
    rejects_for,
)
from etl.report import Reject

BRIN = ("BRIN NUMMER ACTUEEL",)
SECTOR = ("CROHO ONDERDEEL",)
PROGRAMME_CODE = ("OPLEIDINGSCODE ACTUEEL",)
PROGRAMME_NAME = ("OPLEIDINGSNAAM ACTUEEL",)
STUDY_MODE = ("OPLEIDINGSVORM",)
PHASE = ("OPLEIDINGSFASE ACTUEEL",)
HIGHER_EDUCATION_TYPE = ("TYPE HOGER ONDERWIJS",)
COUNT_COLUMNS = "<year> MAN and <year> VROUW (e.g. 2011 MAN)"

# '2011 MAN' -> normalised '2011_man'.
_YEAR_GENDER = re.compile(r"^((?:19|20)\d{2})_?(man|vrouw)$")
_GENDERS = {"man": "male", "vrouw": "female"}
_STUDY_MODES = {"voltijd": "full_time", "deeltijd": "part_time", "duaal": "dual"}
# Phase (or TYPE HOGER ONDERWIJS) -> cycle; keys are accent-folded, lower case.
_PHASE_CYCLES = {
    "propedeuse bachelor": "bachelor",
    "bachelor": "bachelor",
    "master": "master",
    # Undivided pre-2002 programmes: their degree ranks with a master (see module doc).
    "propedeuse": "master",
    "initiele opleiding": "master",
    "beroepsfase": "master",
    "ongedeeld": "master",
    "doctoraal": "master",
    "associate degree": "short_cycle",
}
# "Totaal", "Eindtotaal", "Subtotaal", "Totaal generaal", "Landelijk totaal", "Totalen",
# "Totaal Universiteit Leiden", "Total"; not "Totale ..." (a word, not a total).
_TOTAL = re.compile(r"^((eind|sub|grand|landelijk|generaal)\s*)?tota(a)?l(en)?\b", re.IGNORECASE)
_COUNT = re.compile(r"^\d+(\.0+)?$")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"\s+", " ", text.casefold()).strip()


def year_gender_columns(table: RawTable) -> dict[str, tuple[int, str]]:
    """Count columns of ``table``: frame column -> (year, canonical gender)."""
    found = {}
    for column in table.frame.columns:
        match = _YEAR_GENDER.match(column)
        if match:
            found[column] = (int(match.group(1)), _GENDERS[match.group(2)])
    return found


@dataclass(frozen=True)
class DuoFormat:
    """DUO "Ingeschrevenen wo" (``first_year=False``) or its first-year variant."""

    name: str
    title: str
    population: str
    first_year: bool

    def _required(self) -> tuple[tuple[str, ...], ...]:
        common = (BRIN, PROGRAMME_CODE, PROGRAMME_NAME, STUDY_MODE, SECTOR)
        # The first-year file's phase may come from TYPE HOGER ONDERWIJS alone.
        return (*common, HIGHER_EDUCATION_TYPE) if self.first_year else (*common, PHASE)

    def missing_headers(self, table: RawTable) -> list[str]:
        missing = [
            spellings[0] for spellings in self._required() if find_column(table, spellings) is None
        ]
        if not year_gender_columns(table):
            missing.append(COUNT_COLUMNS)
        if not self.first_year and find_column(table, HIGHER_EDUCATION_TYPE) is not None:
            # Both files share every other header; this one keeps them apart.
            missing.append(
                "no TYPE HOGER ONDERWIJS column (this is the first-year file: duo_first_year)"
            )
        return missing

    def convert(self, table: RawTable, options: LoadOptions) -> Conversion:
        conversion = Conversion()
        frame = table.frame
        brin_column = find_column(table, BRIN)
        code_column = find_column(table, PROGRAMME_CODE)
        name_column = find_column(table, PROGRAMME_NAME)
        mode_column = find_column(table, STUDY_MODE)
        sector_column = find_column(table, SECTOR)
        phase_column = find_column(table, PHASE)
        type_column = find_column(table, HIGHER_EDUCATION_TYPE)
        counts = year_gender_columns(table)
        assert brin_column and code_column and name_column and mode_column and sector_column

        rejects: list[Reject] = []

        def reject(mask: pd.Series, column: str, expected: str) -> None:
            rejects.extend(rejects_for(table, mask, column, expected, "enrolments"))

        brin = frame[brin_column].str.upper()
        labels = [c for c in frame.columns if c != ROW and c not in counts]
        # A total or subtotal row, wherever it stands (first line, between the rows of an
        # institution or a programme, last line): a "Totaal" label in any label column
        # (the institution, the programme, the phase, the study mode ...; DUO's first-year
        # file puts its grand total's label in a middle column), or counts under no label
        # at all (a bare sum line under the table). Its counts are sums of other rows.
        is_total = frame[labels].apply(lambda column: column.str.match(_TOTAL)).any(axis=1)
        is_total |= frame[labels].eq("").all(axis=1)
        add_skipped(conversion, "total row", is_total.sum())
        # A line with neither institution, programme nor any count: a note under the table
        # ("Bron: DUO", a date). Counted, never silent.
        no_counts = frame[list(counts)].eq("").all(axis=1) if counts else is_total
        is_note = ~is_total & brin.eq("") & frame[code_column].eq("") & no_counts
        add_skipped(conversion, "note line (no institution, programme or count)", is_note.sum())
        keep = ~is_total & ~is_note

        no_brin = keep & brin.eq("")
        reject(no_brin, brin_column, "a BRIN code (e.g. 21PB)")
        keep &= ~no_brin

        institution = (options.institution or "").strip().upper()
        if institution:
            other = keep & brin.ne(institution)
            add_skipped(conversion, "other institution", other.sum())
            keep &= ~other
            if not keep.any() and not rejects:
                found = ", ".join(sorted(set(brin[brin.ne("") & ~is_total]))[:20])
                conversion.notes.append(
                    f"no rows for institution {institution}; BRIN codes in the file: {found}"
                )

        no_code = keep & frame[code_column].eq("")
        reject(no_code, code_column, "a CROHO programme code")
        keep &= ~no_code

        study_mode = frame[mode_column].map(
            lambda text: _STUDY_MODES.get(_fold(text).split(" ")[0] if text.strip() else "")
        )
        bad_mode = keep & study_mode.isna()
        reject(bad_mode, mode_column, "voltijd, deeltijd or duaal (onderwijs)")
        keep &= ~bad_mode

        phase = frame[phase_column] if phase_column else pd.Series("", index=frame.index)
        if type_column is not None:
            phase = phase.where(phase.ne(""), frame[type_column])
        cycle = phase.map(lambda text: _PHASE_CYCLES.get(_fold(text)))
        bad_phase = keep & cycle.isna()
        reject(
            bad_phase,
            phase_column or type_column or brin_column,
            "a phase: propedeuse bachelor, bachelor, master, propedeuse, initiële opleiding "
            "or beroepsfase",
        )
        keep &= ~bad_phase

        for column in counts:
            bad_count = keep & frame[column].ne("") & ~frame[column].str.match(_COUNT)
            reject(bad_count, column, "a number of students (a whole number, 0 or more)")
        bad_rows = {reject_.row for reject_ in rejects}
        keep &= ~frame[ROW].isin(bad_rows)

        # CROHO codes repeat across institutions (56604 Psychologie is taught at several).
        programme_code = frame[code_column] if institution else brin + "-" + frame[code_column]
        rows = pd.DataFrame(
            {
                ROW: frame[ROW],
                "programme_code": programme_code,
                "programme_name": frame[name_column].str.replace(r"^[BM] ", "", regex=True),
                "faculty": frame[sector_column],
                "cycle": cycle,
                "phase": phase,
                "study_mode": study_mode,
                "institution_code": brin,
            }
        )[keep]

        conversion.frames["programmes"] = _programmes(rows, conversion)
        conversion.frames["enrolments"] = self._enrolments(rows, frame.loc[keep], counts)
        conversion.rejects = sorted(rejects, key=lambda item: item.row)
        conversion.notes.append(
            "DUO has no faculty: programmes get their CROHO sector (CROHO ONDERDEEL) as faculty"
        )
        conversion.notes.append(
            "DUO has no nationality: enrolments get nationality 'not_available' (denominators only)"
        )
        return conversion

    def _enrolments(
        self, rows: pd.DataFrame, source: pd.DataFrame, counts: dict[str, tuple[int, str]]
    ) -> pd.DataFrame:
        """One aggregated row per non-zero count cell (and identical groups summed)."""
        dimensions = ["programme_code", "cycle", "phase", "study_mode"]
        parts = []
        for column, (year, gender) in counts.items():
            headcount = pd.to_numeric(source[column].where(source[column].ne(""), "0"))
            present = headcount.gt(0)
            part = rows.loc[present, [ROW, *dimensions]].copy()
            part["academic_year"] = academic_year_label(year)
            part["gender"] = gender
            part["headcount"] = headcount[present].astype("int64")
            parts.append(part)
        columns = [ROW, "academic_year", *dimensions, "gender", "headcount"]
        long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
        # The same programme, mode and phase at two locations (GEMEENTE) is one group for us.
        group = ["academic_year", *dimensions, "gender"]
        long = (
            long.groupby(group, sort=False, dropna=False)
            .agg(headcount=("headcount", "sum"), _row=(ROW, "min"))
            .reset_index()
            .sort_values([ROW, "academic_year", "gender"], kind="stable")
        )
        long["headcount"] = long["headcount"].astype("int64").astype(str)
        long["nationality"] = NATIONALITY_NOT_AVAILABLE
        long["enrolment_type"] = "degree"
        long["population"] = self.population
        ordered = [
            "academic_year",
            "headcount",
            "programme_code",
            "cycle",
            "phase",
            "gender",
            "study_mode",
            "nationality",
            "enrolment_type",
            "population",
            ROW,
        ]
        return long[ordered].reset_index(drop=True)


def _programmes(rows: pd.DataFrame, conversion: Conversion) -> pd.DataFrame:
    """One programme per code: the first row's name, sector and cycle."""
    columns = ["programme_code", "programme_name", "faculty", "cycle", "institution_code", ROW]
    cycles = rows.groupby("programme_code", sort=False)["cycle"].nunique()
    mixed = cycles[cycles.gt(1)]
    if not mixed.empty:
        conversion.notes.append(
            "programme(s) with phases of more than one cycle, given the first row's cycle: "
            + ", ".join(mixed.index[:20])
        )
    return rows.drop_duplicates("programme_code")[columns].reset_index(drop=True)


DUO_ENROLMENTS = DuoFormat(
    name="duo_enrolments",
    title="DUO Ingeschrevenen wo (enrolled students per programme, phase and gender)",
    population="enrolled",
    first_year=False,
)
DUO_FIRST_YEAR = DuoFormat(
    name="duo_first_year",
    title="DUO Eerstejaars ingeschrevenen wo (first-year students per programme and gender)",
    population="first_year",
    first_year=True,
)
