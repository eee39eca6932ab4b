"""Validation of canonical entity rows: text in, typed rows and rejected values out.

Every check is vectorised over whole columns (a national-scale file has millions of rows).
A rejected value is reported with the file, the row, the column, the value and what was
expected; a row with any rejected value is rejected whole, and nothing is dropped without
being reported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from etl.codes import normalise_erasmus_codes
from etl.countries import lookup_nationality, normalise_countries, normalise_nationalities
from etl.entities import (
    NATIONALITY_NOT_AVAILABLE,
    STATELESS,
    UNKNOWN_NATIONALITY,
    Column,
    Entity,
)
from etl.formats.base import ROW
from etl.report import REJECT_COLUMNS

FIRST_YEAR = 1950
_TRUE = {"yes", "y", "true", "t", "1", "ja", "j", "waar", "x"}
_FALSE = {"no", "n", "false", "f", "0", "nee", "onwaar"}
_UNKNOWN_NATIONALITY = {"unknown", "onbekend", "?", "??", "???", "? unknown ?", "xx", "zz"}
_STATELESS = {"stateless", "staatloos", "xxa", "xxx"}
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?$")
_INT = re.compile(r"^\+?\d+$")
# Whole-number columns are DuckDB ``integer`` (32-bit).
MAX_INT = 2**31 - 1
_MAX_INT_TEXT = str(MAX_INT)
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d")


def last_valid_year() -> int:
    """Latest academic year accepted: next year's (files are prepared ahead of time)."""
    return dt.date.today().year + 1


@dataclass
class ValidationContext:
    """What validation knows beyond the file: references to already known rows."""

    # programme_code -> (cycle, faculty), published plus loaded in this run
    programmes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    networks: frozenset[str] = frozenset()


@dataclass
class Validated:
    """Typed rows of one entity from one file, and what was rejected."""

    entity: Entity
    file: str
    frame: pd.DataFrame  # accepted rows, typed, every entity column, plus _row
    rejects: pd.DataFrame  # columns REJECT_COLUMNS
    rows_read: int
    ignored_columns: list[str] = field(default_factory=list)
    # What validation did that the user should know (groups added up, ...).
    notes: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - len(self.frame)

    @property
    def rows_accepted(self) -> int:
        return len(self.frame)


class _Collector:
    """Collects rejected values as column arrays (cheap even for millions)."""

    def __init__(self, file: str, entity: str, rows: pd.Series) -> None:
        self.file = file
        self.entity = entity
        self.rows = rows
        self.parts: list[pd.DataFrame] = []

    def add(
        self, mask: pd.Series, column: str, values: pd.Series, expected: str | pd.Series
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        if isinstance(expected, pd.Series):
            expected = expected[mask].to_numpy()
        self.parts.append(
            pd.DataFrame(
                {
                    "file": self.file,
                    "row": self.rows[mask].to_numpy(),
                    "column": column,
                    "value": values[mask].astype(str).to_numpy(),
                    "expected": expected,
                    "entity": self.entity,
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in REJECT_COLUMNS})
        return pd.concat(self.parts, ignore_index=True).sort_values(["row", "column"])


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in REJECT_COLUMNS})


def _parse_year(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(year, invalid mask) for academic-year text; empty -> NA, not invalid."""
    parts = text.str.extract(_YEAR)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = parts[1]
    expected_next = (first + 1).astype("Int64").astype(str)
    second_ok = (
        second.isna()
        | (second.str.len().eq(2) & second.eq(expected_next.str[-2:]))
        | (second.str.len().eq(4) & second.eq(expected_next))
    )
    in_range = first.between(FIRST_YEAR, last_valid_year())
    invalid = text.ne("") & ~(first.notna() & second_ok & in_range)
    return first.where(~invalid).astype("Int64"), invalid


def _parse_date(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    remaining = text.ne("")
    # Excel/Parquet timestamps arrive as 'YYYY-MM-DD HH:MM:SS' or ISO with a 'T'.
    candidate = text.str.replace(r"[T ]00:00:00(\.0+)?$", "", regex=True)
    for date_format in _DATE_FORMATS:
        if not remaining.any():
            break
        attempt = pd.to_datetime(candidate[remaining], format=date_format, errors="coerce")
        ok = attempt.notna()
        parsed.loc[attempt.index[ok]] = attempt[ok].astype("datetime64[s]")
        remaining.loc[attempt.index[ok]] = False
    invalid = remaining & text.ne("")
    in_range = parsed.dt.year.between(FIRST_YEAR, last_valid_year() + 10)
    invalid |= parsed.notna() & ~in_range
    return parsed.where(~invalid), invalid


def _parse_decimal(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(value, not-a-number mask, negative mask)."""
    value = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    # "inf", "1e999" and "nan" parse as floats but are no amount of anything.
    finite = np.isfinite(pd.Series(value, dtype="Float64").to_numpy("float64", na_value=0.0))
    value = value.where(finite)
    not_number = text.ne("") & value.isna()
    negative = value.lt(0)
    return value.where(~(not_number | negative)), not_number, negative


NATIONALITY_EXPECTED = (
    "a country: ISO 3166 code (NL, NLD) or English/Dutch name, a Dutch nationality "
    "(Nederlandse, Duitse) or its code in the BRP nationality table (0001), "
    "or empty/unknown/stateless"
)


def _nationality_expected(text: pd.Series, invalid: pd.Series) -> pd.Series:
    """Why each rejected nationality is rejected: a former state of the BRP table is named."""
    reasons = {}
    for value in pd.unique(text[invalid]):
        row = lookup_nationality(value)
        reasons[value] = (
            f"a current nationality: {row.code} {row.description} is a former state "
            "(BRP nationality table); give the current one"
            if row is not None and not row.country
            else NATIONALITY_EXPECTED
        )
    return text.map(reasons).where(invalid, "")


def _choice_expected(column: Column) -> str:
    return "one of " + ", ".join(column.choices)


# Kinds whose typed value is text: kept categorical when the column is, so millions of rows
# cost a small integer each rather than a string each.
_TEXT_KINDS = ("text", "code", "choice", "country", "nationality", "erasmus_code")


def _parse_column(
    column: Column, text: pd.Series, collector: _Collector
) -> tuple[pd.Series, pd.Series]:
    """Typed values and the invalid mask for one column (rejects are recorded).

    Columns repeat few distinct values (years, codes, countries), so each distinct value
    is parsed once and the result spread back over the rows by position (a categorical
    column, as the CSV reader makes them, already is distinct values plus positions).
    """
    categorical = isinstance(text.dtype, pd.CategoricalDtype)
    if column.kind in ("text", "code") and not categorical:
        return _parse_distinct(column, text, collector)  # nothing to parse: no distinct pass
    if categorical:
        positions = text.cat.codes.to_numpy()
        distinct = pd.Series(np.asarray(text.cat.categories, dtype=object), dtype=object)
    else:
        positions, uniques = pd.factorize(text)
        if len(uniques) >= len(text) // 2:
            return _parse_distinct(column, text, collector)
        distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    distinct = distinct.astype(str)
    silent = _Collector(collector.file, collector.entity, pd.Series(range(len(distinct))))
    value, invalid = _parse_distinct(column, distinct, silent)
    spread_invalid = pd.Series(invalid.to_numpy()[positions], index=text.index)
    if column.kind in _TEXT_KINDS:
        codes, categories = pd.factorize(value.astype(object))
        spread_value = pd.Series(
            pd.Categorical.from_codes(codes[positions], categories=categories), index=text.index
        )
    else:
        spread_value = pd.Series(value.to_numpy()[positions], index=text.index)
        if value.dtype != object:
            spread_value = spread_value.astype(value.dtype)
    for part in silent.parts:
        bad_distinct = part["row"].to_numpy()
        expected = np.empty(len(distinct), dtype=object)
        expected[bad_distinct] = part["expected"].to_numpy()
        bad = pd.Series(np.isin(positions, bad_distinct), index=text.index)
        collector.add(bad, column.name, text, pd.Series(expected[positions], index=text.index))
    return spread_value, spread_invalid


def _parse_distinct(
    column: Column, text: pd.Series, collector: _Collector
) -> tuple[pd.Series, pd.Series]:
    """Typed values and invalid mask for ``text`` (rejects are recorded in ``collector``)."""
    kind = column.kind
    empty = text.eq("")
    if kind in ("text", "code"):
        invalid = pd.Series(False, index=text.index)
        value = text.where(~empty, None)
    elif kind == "year":
        value, invalid = _parse_year(text)
        collector.add(
            invalid,
            column.name,
            text,
            f"an academic year like 2019 or 2019-20, between {FIRST_YEAR} and {last_valid_year()}",
        )
    elif kind == "int":
        ok = text.str.match(_INT)
        # Compared as digits, not numbers: 1e29 does not fit any integer type.
        digits = text.where(ok, "").str.lstrip("+").str.lstrip("0")
        too_large = ok & (
            digits.str.len().gt(len(_MAX_INT_TEXT))
            | (digits.str.len().eq(len(_MAX_INT_TEXT)) & digits.gt(_MAX_INT_TEXT))
        )
        ok &= ~too_large
        invalid = ~empty & ~ok
        value = pd.to_numeric(text.where(ok), errors="coerce").astype("Int64")
        negative = ~empty & text.str.strip().str.startswith("-") & text.str[1:].str.isdigit()
        collector.add(negative, column.name, text, "a whole number >= 0 (not negative)")
        collector.add(too_large, column.name, text, f"a whole number from 0 to {MAX_INT:,}")
        collector.add(invalid & ~negative & ~too_large, column.name, text, "a whole number >= 0")
    elif kind == "decimal":
        value, not_number, negative = _parse_decimal(text)
        collector.add(not_number, column.name, text, "a number (e.g. 7.5)")
        collector.add(negative, column.name, text, "a number >= 0 (not negative)")
        invalid = not_number | negative
    elif kind == "bool":
        folded = text.str.casefold()
        value = pd.Series(pd.NA, index=text.index, dtype="boolean")
        value[folded.isin(_TRUE)] = True
        value[folded.isin(_FALSE)] = False
        invalid = ~empty & value.isna()
        collector.add(invalid, column.name, text, "yes or no (also true/false, ja/nee, 1/0)")
    elif kind == "date":
        value, invalid = _parse_date(text)
        collector.add(
            invalid, column.name, text, "a date as YYYY-MM-DD (or DD-MM-YYYY, DD/MM/YYYY)"
        )
    elif kind == "country":
        value = normalise_countries(text.where(~empty))
        invalid = ~empty & value.isna()
        collector.add(
            invalid, column.name, text, "a country: ISO 3166 code (NL, NLD) or English/Dutch name"
        )
    elif kind == "nationality":
        folded = text.str.casefold()
        value = normalise_nationalities(text.where(~empty))
        value = value.where(~folded.isin(_UNKNOWN_NATIONALITY), UNKNOWN_NATIONALITY)
        value = value.where(~folded.isin(_STATELESS), STATELESS)
        value = value.where(folded.ne(NATIONALITY_NOT_AVAILABLE), NATIONALITY_NOT_AVAILABLE)
        invalid = ~empty & value.isna()
        collector.add(invalid, column.name, text, _nationality_expected(text, invalid))
    elif kind == "choice":
        folded = text.str.casefold().str.strip()
        aliases = {
            alias.casefold(): canonical for alias, canonical in column.choice_aliases.items()
        }
        mapped = folded.map({item: aliases.get(item, item) for item in folded.unique()})
        value = mapped.where(mapped.isin(column.choices))
        invalid = ~empty & value.isna()
        collector.add(invalid, column.name, text, _choice_expected(column))
        value = value.where(~empty, None)
    elif kind == "erasmus_code":
        value = normalise_erasmus_codes(text.where(~empty))
        invalid = ~empty & value.isna()
        collector.add(invalid, column.name, text, "an Erasmus code like 'D  KONSTAN01'")
    else:  # pragma: no cover - kinds are checked in Column.__post_init__
        raise ValueError(column.kind)
    return value, invalid


def match_columns(entity: Entity, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map normalised headers to the entity's column names; return (mapping, ignored)."""
    from etl.formats.base import normalise_header

    lookup: dict[str, str] = {}
    for column in entity.columns:
        for spelling in (column.name, *column.aliases):
            lookup.setdefault(normalise_header(spelling), column.name)
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    for header in headers:
        if header == ROW:
            continue
        name = lookup.get(header)
        if name is None or name in mapping.values():
            ignored.append(header)
        else:
            mapping[header] = name
    return mapping, ignored


def _add_years_from_dates(typed: pd.DataFrame) -> None:
    """Academic year of a stay = the year of the September on or before its start date."""
    start = typed["start_date"]
    derived = (start.dt.year - (start.dt.month < 9).astype("Int64")).astype("Int64")
    typed["academic_year"] = typed["academic_year"].fillna(derived)


def _check_references(
    entity: Entity,
    typed: pd.DataFrame,
    text: pd.DataFrame,
    context: ValidationContext,
    collector: _Collector,
) -> None:
    if "programme_code" in typed.columns and entity.name != "programmes":
        codes = typed["programme_code"]
        unknown = codes.notna() & ~codes.isin(list(context.programmes))
        collector.add(
            unknown,
            "programme_code",
            text["programme_code"],
            "a programme code listed in the programmes file (load it first or together)",
        )
    if entity.name == "network_activities":
        unknown = typed["network_code"].notna() & ~typed["network_code"].isin(context.networks)
        collector.add(
            unknown,
            "network_code",
            text["network_code"],
            "a network code listed in the networks file",
        )


def _derive_from_programme(typed: pd.DataFrame, context: ValidationContext) -> None:
    """Fill an empty cycle (and faculty) from the programme the row belongs to."""
    if "programme_code" not in typed.columns:
        return
    cycles = {code: cycle for code, (cycle, _) in context.programmes.items()}
    faculties = {code: faculty for code, (_, faculty) in context.programmes.items()}
    codes = typed["programme_code"]
    for name, mapping in (("cycle", cycles), ("faculty", faculties)):
        if name not in typed.columns:
            continue
        current = typed[name]
        if isinstance(codes.dtype, pd.CategoricalDtype) and isinstance(
            current.dtype, pd.CategoricalDtype
        ):
            typed[name] = _fill_categorical(current, _map_categorical(codes, mapping))
        else:
            # Both sides as one dtype: an all-empty column may come back as another one.
            derived = codes.map(mapping).astype("object")
            typed[name] = current.astype("object").fillna(derived)


def _map_categorical(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """``values.map(mapping)`` for a categorical column, as a categorical: each category
    is mapped once (millions of rows, a hundred programmes)."""
    mapped = pd.Series(np.asarray(values.cat.categories, dtype=object)).map(mapping)
    mapped_codes, categories = pd.factorize(mapped.astype(object))
    codes = values.cat.codes.to_numpy()
    new_codes = np.where(codes >= 0, mapped_codes[np.maximum(codes, 0)], -1)
    return pd.Series(
        pd.Categorical.from_codes(new_codes, categories=categories), index=values.index
    )


def _fill_categorical(current: pd.Series, fill: pd.Series) -> pd.Series:
    """Missing values of ``current`` taken from ``fill``; both categorical, and so is the
    result."""
    categories = current.cat.categories.union(fill.cat.categories)
    current = current.cat.set_categories(categories)
    return current.fillna(fill.cat.set_categories(categories))


def _absent_column(column: Column, index: pd.Index) -> pd.Series:
    """Values of a column the file does not have: its default, typed like a parsed column."""
    if column.kind == "date":
        return pd.Series(pd.NaT, index=index, dtype="datetime64[s]")
    if column.kind in ("year", "int"):
        value = pd.NA if column.default is None else int(column.default)
        return pd.Series(value, index=index, dtype="Int64")
    if column.kind == "decimal":
        return pd.Series(pd.NA, index=index, dtype="Float64")
    if column.kind == "bool":
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return pd.Series(column.default, index=index, dtype=object)


def _check_order(
    typed: pd.DataFrame,
    text: pd.DataFrame,
    first: str,
    last: str,
    expected: str,
    collector: _Collector,
) -> None:
    if first in typed.columns and last in typed.columns:
        both = typed[first].notna() & typed[last].notna()
        before = pd.Series(False, index=typed.index)
        before[both] = (typed.loc[both, last] < typed.loc[both, first]).astype(bool)
        collector.add(before, last, text[last], expected)


def _key_codes(values: pd.Series) -> np.ndarray:
    """One integer per distinct value (missing values share one): what duplicate keys are
    compared on. Categorical columns have them already; Arrow text is hashed by Arrow,
    several times faster than pandas on a million person keys."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy()
    if isinstance(values.array, ArrowStringArray):
        array = pa.array(values.array).dictionary_encode()
        return array.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.factorize(values, use_na_sentinel=True)[0]


def _duplicated(codes: list[np.ndarray], index: pd.Index) -> pd.Series:
    """Rows whose combination of key codes came before (``DataFrame.duplicated``), on one
    int64 per row when the combinations fit in one."""
    sizes = [int(array.max(initial=-1)) + 2 for array in codes]  # -1 (missing) becomes 0
    if float(np.prod(sizes, dtype=float)) < 2**62:
        combined = np.zeros(len(index), dtype=np.int64)
        for array, size in zip(codes, sizes, strict=True):
            combined = combined * size + (array.astype(np.int64) + 1)
        return pd.Series(pd.Series(combined).duplicated(keep="first").to_numpy(), index=index)
    frame = pd.DataFrame({position: array for position, array in enumerate(codes)}, index=index)
    return frame.duplicated(keep="first")


def _check_duplicates(
    entity: Entity, typed: pd.DataFrame, text: pd.DataFrame, collector: _Collector
) -> None:
    """Duplicate keys are errors: every occurrence after the first is reported.

    Record-level rows are keyed by the entity key. Aggregated rows (no person key) of the
    same group are not errors: :func:`_sum_aggregated_groups` adds them up.
    """
    if entity.person_key is not None:
        has_key = typed[entity.person_key].notna()
        checks = [(has_key, list(entity.key), "+".join(entity.key))]
    else:
        present = typed[list(entity.key)].notna().all(axis=1)
        checks = [(present, list(entity.key), "+".join(entity.key))]
    for scope, columns, label in checks:
        if not scope.any():
            continue
        subset = typed.loc[scope, columns]
        duplicated = _duplicated([_key_codes(subset[column]) for column in columns], subset.index)
        if not duplicated.any():
            continue
        first_row = (
            text.loc[scope, ROW]
            .groupby([subset[column] for column in columns], dropna=False, sort=False)
            .transform("first")
        )
        mask = pd.Series(False, index=typed.index)
        mask.loc[duplicated[duplicated].index] = True
        values = (
            subset[duplicated]
            .map(lambda value: "" if pd.isna(value) else str(value))
            .agg(" | ".join, axis=1)
            .reindex(typed.index)
        )
        expected = "a unique " + label + " (the same key is on row " + first_row.astype(str) + ")"
        collector.add(
            mask,
            "+".join(columns) if len(columns) <= 4 else label.split(" ")[0],
            values,
            expected.reindex(typed.index),
        )


def _sum_aggregated_groups(entity: Entity, accepted: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Aggregated rows of one group (every column but the headcount equal) as one row with
    the summed headcount, at the first row's number; and a note saying how many were added
    up (empty when none). Exports often split a group (two locations, two sub-codes)."""
    if entity.person_key is None or accepted.empty:
        return accepted, ""
    aggregated = accepted[entity.person_key].isna()
    dimensions = [c for c in entity.column_names if c not in ("headcount", entity.person_key)]
    groups = accepted.loc[aggregated, dimensions]
    repeated = groups.duplicated(keep=False)
    if not repeated.any():
        return accepted, ""
    part = accepted.loc[repeated[repeated].index]
    keys = [part[column].astype(object).where(part[column].notna(), None) for column in dimensions]
    grouper = part.groupby(keys, dropna=False, sort=False)
    first = grouper.head(1).copy()
    totals = grouper["headcount"].transform("sum")
    first["headcount"] = totals.loc[first.index].astype("int64")
    merged = len(part) - len(first)
    accepted = pd.concat([accepted.drop(index=part.index), first]).sort_values(ROW, kind="stable")
    note = (
        f"{entity.name}: {merged + len(first)} aggregated row(s) repeat a group; added up into "
        f"{len(first)} row(s) (rows {', '.join(map(str, first[ROW].head(5)))}"
        + (", ..." if len(first) > 5 else "")
        + ")"
    )
    return accepted.reset_index(drop=True), note


def validate(
    entity: Entity,
    text: pd.DataFrame,
    file: str,
    context: ValidationContext,
) -> Validated:
    """Validate canonical text rows of ``entity`` (columns already canonical names + _row)."""
    text = text.reset_index(drop=True)
    collector = _Collector(file, entity.name, text[ROW])
    rows_read = len(text)
    # A required column that is missing is one reject on the header row.
    missing = [c.name for c in entity.columns if c.required and c.name not in text.columns]
    if entity.name == "mobility" and not {"academic_year", "start_date"} & set(text.columns):
        missing.append("academic_year or start_date")
    if missing:
        rejects = pd.DataFrame(
            [
                {
                    "file": file,
                    "row": 1,
                    "column": name,
                    "value": "",
                    "expected": f"a column named {name!r} in the header (required)",
                    "entity": entity.name,
                }
                for name in missing
            ]
        )
        empty = pd.DataFrame(columns=[*entity.column_names, ROW])
        return Validated(entity, file, empty, rejects, rows_read)

    typed = pd.DataFrame(index=text.index)
    for column in entity.columns:
        if column.name not in text.columns:
            typed[column.name] = _absent_column(column, text.index)
            continue
        column_text = text[column.name]
        if not isinstance(column_text.dtype, pd.CategoricalDtype):  # those come stripped
            column_text = column_text.astype(str).str.strip()
        value, _invalid = _parse_column(column, column_text, collector)
        empty = column_text.eq("")
        if column.required:
            collector.add(empty, column.name, column_text, "a value (the column is required)")
        if column.default is not None:
            default = int(column.default) if column.kind == "int" else column.default
            if isinstance(value.dtype, pd.CategoricalDtype) and default not in value.cat.categories:
                value = value.cat.add_categories([default])
            value = value.where(~empty, default)
        typed[column.name] = value

    text = text.reindex(columns=[*entity.column_names, ROW], fill_value="")
    if entity.person_key is not None:
        has_key = typed[entity.person_key].notna()
        bad_headcount = has_key & typed["headcount"].notna() & typed["headcount"].ne(1)
        collector.add(
            bad_headcount,
            "headcount",
            text["headcount"],
            f"1 or empty when {entity.person_key} is given (a row is one person)",
        )
        typed["headcount"] = typed["headcount"].fillna(1).astype("int64")
    _derive_from_programme(typed, context)
    _check_references(entity, typed, text, context, collector)
    if entity.name == "mobility":
        _add_years_from_dates(typed)
        collector.add(
            # An unreadable start_date is reported on its own column already.
            typed["academic_year"].isna()
            & text["academic_year"].eq("")
            & text["start_date"].eq(""),
            "academic_year",
            text["academic_year"],
            "an academic year, or a start_date to derive it from",
        )
        days = (typed["end_date"] - typed["start_date"]).dt.days + 1
        typed["duration_days"] = typed["duration_days"].fillna(days.astype("Int64"))
    _check_order(typed, text, "start_date", "end_date", "a date on or after start_date", collector)
    _check_order(
        typed, text, "member_since", "member_until", "a year not before member_since", collector
    )
    _check_order(typed, text, "start_year", "end_year", "a year not before start_year", collector)
    if entity.name in ("enrolments", "graduates"):
        collector.add(
            typed["cycle"].isna(),
            "cycle",
            text["cycle"],
            "a cycle, or a programme_code whose programme has one",
        )
    _check_duplicates(entity, typed, text, collector)

    rejects = collector.frame()
    rejected_rows = set(rejects["row"].tolist())
    keep = ~text[ROW].isin(rejected_rows)
    accepted = typed[keep]
    accepted[ROW] = text.loc[keep, ROW].to_numpy()
    accepted, note = _sum_aggregated_groups(entity, accepted.reset_index(drop=True))
    validated = Validated(entity, file, accepted, rejects, rows_read)
    if note:
        validated.notes.append(note)
    return validated


def to_database_frame(validated: Validated) -> pd.DataFrame:
    """Accepted rows in the table's column order, with numpy/pandas types DuckDB reads."""
    # No copy: pandas copies on write, so the typed frame is left as it is.
    frame = validated.frame[list(validated.entity.column_names)]
    for column in validated.entity.columns:
        if column.kind == "date":
            frame[column.name] = pd.to_datetime(frame[column.name])
        elif column.kind == "bool":
            frame[column.name] = frame[column.name].astype("boolean")
        elif column.kind in ("year", "int"):
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("Int64")
        elif column.kind == "decimal":
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("Float64")
        elif frame[column.name].dtype == object:
            frame[column.name] = (
                frame[column.name].astype(object).where(frame[column.name].notna(), None)
            )
        # Categorical and Arrow-backed text go to DuckDB as they are (missing = NULL).
    return frame
