"""Disclosure control, applied inside the query layer so nothing downstream can bypass it.

Every number that leaves the server (charts, hover labels, table views, downloads, overview
cards, the Data page, ``intl-kpi kpis``) comes from :func:`dashboard.kpis.query.finalise`,
which calls :func:`suppress` with the preset in force. The README's "Disclosure control"
section says what each preset guarantees; ``tests/kpis/test_disclosure_attacks.py`` plays
the analyst who differences selections and checks that promise.

Presets (KPIS.md):

- ``round5`` (default): every count of people is rounded to the nearest multiple of 5
  (0, 1 and 2 become 0; halves round up), as HESA does for the tables people build
  themselves in Heidi Plus. Every rate, share and ratio is then computed from the *rounded*
  counts, so a value can never be more precise than the counts it shows (HESA's own rule
  computes percentages on unrounded counts, which lets a precise percentage give a count
  away: 23.2558...% can only be 10 of 43). A rate whose rounded denominator is below 22.5
  (i.e. 20 or less) is withheld, and so is a rate of credits resting on fewer people; the
  diversity index is given to one decimal. Because every published count is a multiple of
  5, every sum or difference of published counts, from any selections, is a multiple of 5
  too: subtracting selections never yields a count of 1 to 4.
- ``duo``: a count of 1 to 4 is withheld (shown as "<5"), and so is a rate whose numerator
  or denominator is withheld. For a share, the complement (denominator minus numerator) is a
  cell too: 98 international students out of 100 would give away the 2 home students.
  Complementary suppression: where exactly one cell of a breakdown is withheld in a year,
  the smallest other cell is withheld too. This protects the cells of *one* table only:
  a withheld programme is recovered as its faculty's total minus the other programmes
  selected one by one. Kept for institutions whose rules require "<5".
- ``hesa``: HESA's published rule: counts rounded as in ``round5``, rates computed on the
  unrounded counts and withheld when the unrounded denominator is below 22.5. Counts survive
  differencing; precise rates can narrow a count (see above). For comparability with HESA.
- ``none``: nothing withheld. Unprotected: only ``intl-kpi kpis --suppression none`` on the
  command line (for analysts with clearance); the dashboard refuses to run with it.

Withheld values are removed from the frame (set to missing), not merely flagged; the
``suppressed`` column says that something was withheld, so the interface can show "<5".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import N_


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    # Counts in [1, threshold) are withheld (duo); 0 means no count is withheld.
    threshold: int = 0
    # Counts are rounded to this multiple (hesa); 0 means no rounding.
    rounding: int = 0
    # A rate is withheld when its (unrounded) denominator is below this.
    min_denominator: float = 0.0
    complementary: bool = False
    # What the interface shows for a withheld count.
    placeholder: str = ""
    # Values (rates, shares, ratios) are computed from the published (rounded) counts.
    values_from_published: bool = False
    # Whether the rounding itself is flagged in the ``suppressed`` column (hesa's old
    # behaviour); round5 states the rounding once, in every data sheet, instead.
    flag_rounding: bool = True
    # Decimals the diversity index is given to (None: full precision).
    index_decimals: int | None = None
    # Does every count that leaves the server survive differencing across selections?
    # (The attack suite runs every preset that says so.)
    protects_across_selections: bool = False
    # May the dashboard (a server other people reach) use it?
    web: bool = True


PRESETS: dict[str, Preset] = {
    "round5": Preset(
        "round5",
        N_(
            "round5: counts of people rounded to the nearest 5 (0-2 become 0); rates computed "
            "from the rounded counts and withheld when the rounded denominator is 20 or less"
        ),
        rounding=5,
        min_denominator=22.5,
        placeholder=N_("withheld"),
        values_from_published=True,
        flag_rounding=False,
        index_decimals=1,
        protects_across_selections=True,
    ),
    "duo": Preset(
        "duo",
        N_("duo: counts of 1 to 4 are shown as '<5'; rates on such counts are withheld"),
        threshold=5,
        min_denominator=5,
        complementary=True,
        placeholder="<5",
    ),
    "hesa": Preset(
        "hesa",
        N_("hesa: counts rounded to the nearest 5; rates on denominators below 22.5 withheld"),
        rounding=5,
        min_denominator=22.5,
        placeholder=N_("withheld"),
    ),
    "none": Preset(
        "none",
        N_("none: UNPROTECTED, no suppression (command line only, for analysts with clearance)"),
        web=False,
    ),
}
DEFAULT_PRESET = "round5"
UNPROTECTED_WARNING = N_(
    "UNPROTECTED: suppression preset 'none' shows counts of 1 to 4 people; do not share."
)


class UnknownPreset(ValueError):
    pass


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise UnknownPreset(
            f"unknown suppression preset {name!r}; use one of {', '.join(PRESETS)}"
        ) from None


def _small(values: pd.Series, threshold: int) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return (numbers > 0) & (numbers < threshold)


def suppress(
    frame: pd.DataFrame,
    preset: Preset,
    *,
    people_columns: list[str],
    rate_columns: tuple[str, str] | None,
    share: bool,
    value_column: str = "value",
    suppressed_column: str = "suppressed",
    cell_columns: tuple[str, ...] = ("academic_year",),
) -> pd.DataFrame:
    """The frame with small people-counts withheld according to ``preset``.

    ``people_columns`` are counts of people (subject to suppression); ``rate_columns`` is
    ``(numerator, denominator)`` of ``value_column`` when the value is a rate of them (the
    numerator may be absent, e.g. an index on a denominator only). ``cell_columns`` group the
    cells of one breakdown (the cells whose sum is a shown total).
    """
    frame = frame.copy()
    if suppressed_column not in frame:
        frame[suppressed_column] = False
    if preset.threshold == 0 and preset.rounding == 0:
        return frame
    numerator, denominator = rate_columns if rate_columns else (None, None)

    if preset.rounding:
        raw_denominator = (
            pd.to_numeric(frame[denominator], errors="coerce") if denominator else None
        )
        for column in people_columns:
            numbers = pd.to_numeric(frame[column], errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
            rounded = np.floor(numbers / preset.rounding + 0.5) * preset.rounding
            frame[column] = pd.array(rounded, dtype="Float64")  # a missing count stays NA
            if preset.flag_rounding:
                frame[suppressed_column] |= ~np.isnan(numbers) & (rounded != numbers)
        if raw_denominator is not None:
            # round5 decides on the published denominator; on counts this is the same
            # decision (a rounded 25 or more <=> an unrounded 22.5 or more).
            decided_on = (
                pd.to_numeric(frame[denominator], errors="coerce")
                if preset.values_from_published and denominator in people_columns
                else raw_denominator
            )
            withhold = (decided_on < preset.min_denominator).fillna(False).to_numpy(dtype=bool)
            _withhold_values(frame, value_column, withhold)
            frame[suppressed_column] |= withhold
        return frame

    hidden = {column: _small(frame[column], preset.threshold) for column in people_columns}
    if share and numerator in hidden and denominator in hidden:
        # The complement of a share is a cell of its own.
        complement = pd.to_numeric(frame[denominator], errors="coerce") - pd.to_numeric(
            frame[numerator], errors="coerce"
        )
        hidden[numerator] = hidden[numerator] | _small(complement, preset.threshold)
    if preset.complementary and len(frame) > 1:
        for column in people_columns:
            hidden[column] = _complementary(frame, column, hidden[column], cell_columns)
    for column, mask in hidden.items():
        mask = mask.fillna(False).to_numpy(dtype=bool)
        frame.loc[mask, column] = np.nan
        frame[suppressed_column] |= mask
        if column in (numerator, denominator):
            frame.loc[mask, value_column] = np.nan
    return frame


def _withhold_values(frame: pd.DataFrame, column: str, mask: np.ndarray) -> None:
    """``frame[column]`` missing where ``mask`` is true (a NumPy column without the cost of
    ``.loc``)."""
    if not mask.any():
        return
    if frame[column].dtype == np.float64:
        values = frame[column].to_numpy(copy=True)
        values[mask] = np.nan
        frame[column] = values
    else:
        frame.loc[mask, column] = np.nan


def _complementary(
    frame: pd.DataFrame, column: str, hidden: pd.Series, cell_columns: tuple[str, ...]
) -> pd.Series:
    """``hidden`` plus, in every cell group with exactly one hidden cell, the smallest other
    non-zero cell (a zero cell when no other is left)."""
    hidden = hidden.fillna(False).copy()
    numbers = pd.to_numeric(frame[column], errors="coerce")
    keys = [frame[c] for c in cell_columns if c in frame]
    groups = frame.groupby(keys, dropna=False, sort=False).indices if keys else {(): frame.index}
    for positions in groups.values():
        index = frame.index[positions] if keys else frame.index
        if int(hidden.loc[index].sum()) != 1:
            continue
        visible = numbers.loc[index][~hidden.loc[index] & numbers.loc[index].notna()]
        candidates = visible[visible > 0]
        if candidates.empty:
            # Only zero cells left: a shown zero would give the hidden cell away as the
            # total minus nothing, so the zero is hidden instead.
            candidates = visible
        if candidates.empty:
            continue
        hidden.loc[candidates.idxmin()] = True
    return hidden
