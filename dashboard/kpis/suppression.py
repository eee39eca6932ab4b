"""Small-cell suppression, applied inside the query layer so nothing downstream can bypass it.

Presets (KPIS.md):

- ``duo`` (default): a count of 1 to 4 is withheld (shown as "<5"), and so is a rate whose
  numerator or denominator is withheld. For a share, the complement (denominator minus
  numerator) is a cell too: 98 international students out of 100 would give away the 2 home
  students. Complementary suppression: where exactly one cell of a breakdown is withheld in
  a year, the smallest other cell is withheld too, so the first cannot be recovered by
  subtracting the others from the total.
- ``hesa``: every count is rounded to the nearest multiple of 5 (0, 1 and 2 become 0), and a
  rate is withheld when its denominator is below 22.5. Rates are computed on the unrounded
  counts, as HESA does. Rounding protects the cells, so no complementary suppression.
- ``none``: nothing withheld (for analysts with clearance).

Withheld values are removed from the frame (set to missing), not merely flagged; the
``suppressed`` column says that something was withheld, so the interface can show "<5".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.i18n import _


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


PRESETS: dict[str, Preset] = {
    "duo": Preset(
        "duo",
        _("duo: counts of 1 to 4 are shown as '<5'; rates on such counts are withheld"),
        threshold=5,
        min_denominator=5,
        complementary=True,
        placeholder="<5",
    ),
    "hesa": Preset(
        "hesa",
        _("hesa: counts rounded to the nearest 5; rates on denominators below 22.5 withheld"),
        rounding=5,
        min_denominator=22.5,
        placeholder=_("withheld"),
    ),
    "none": Preset("none", _("none: no suppression (for analysts with clearance)")),
}


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
            numbers = pd.to_numeric(frame[column], errors="coerce")
            rounded = (np.floor(numbers / preset.rounding + 0.5) * preset.rounding).astype(
                "Float64"
            )
            changed = numbers.notna() & (rounded != numbers)
            frame[column] = rounded
            frame[suppressed_column] |= changed.fillna(False).to_numpy(dtype=bool)
        if raw_denominator is not None:
            withhold = (raw_denominator < preset.min_denominator).fillna(False)
            frame.loc[withhold, value_column] = np.nan
            frame[suppressed_column] |= withhold.to_numpy(dtype=bool)
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
