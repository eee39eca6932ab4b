"""The KPI table: every KPI (or a chosen few) for a selection, with targets and status.

One row per KPI, academic year and breakdown group: the query layer's numbers (already
suppressed) plus the KPI's name, the scope of the selection, the targets that apply and the
progress status against the first of them. ``intl-kpi kpis`` prints or writes this table;
the dashboard's overview reads the same rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from dashboard.filters_state import FilterState
from dashboard.kpis import query
from dashboard.kpis.registry import KPIS, get_kpi
from dashboard.kpis.status import NO_TARGET, progress
from dashboard.kpis.targets import ScopedTargets, Target, scoped_targets

NAME = "kpi_name"
SCOPE = "scope"
TARGETS = "targets"
STATUS = "status"
# The status in words, with its deadline where one has passed ("missed by 2020-21").
STATUS_LABEL = "status_label"
TABLE_COLUMNS = (
    query.KPI_ID,
    NAME,
    query.ACADEMIC_YEAR,
    SCOPE,
    query.BREAKDOWN,
    query.GROUP,
    query.VALUE,
    query.NUMERATOR,
    query.DENOMINATOR,
    query.UNIT,
    TARGETS,
    STATUS,
    STATUS_LABEL,
    query.SUPPRESSED,
    query.PROVISIONAL,
    query.METHOD,
    query.NOTE,
)
# Breakdowns whose groups are themselves a scope targets can be set for.
_TARGETED_BREAKDOWNS = (None, "faculty", "programme")


def scope_label(state: FilterState) -> str:
    """The selection's scope: university, a faculty, or programmes."""
    if state.programmes:
        return "programme " + ", ".join(state.programmes)
    if state.faculties:
        return "faculty " + ", ".join(state.faculties)
    return "university"


def group_scoped_targets(
    targets: list[Target], kpi_id: str, state: FilterState, by: str | None, group: str
) -> ScopedTargets:
    """Targets for one row: the selection's, or the group's own when broken down by faculty
    or programme; none for other breakdowns (a target is not set per gender). Only the
    filters the KPI honours make a view narrower (a programme filter does not narrow staff
    KPIs); a view is scored against its own scope's targets only, and sees the
    university's as unscored references (``dashboard.kpis.targets.scoped_targets``)."""
    if by not in _TARGETED_BREAKDOWNS:
        return ScopedTargets([], [])
    honoured = get_kpi(kpi_id).filters
    faculties = state.faculties if "faculty" in honoured else ()
    programmes = state.programmes if "programme" in honoured else ()
    narrowed = bool(state.cycles) and "cycle" in honoured
    if by == "faculty":
        faculties, programmes = (group,), ()
    elif by == "programme":
        programmes = (group,)
    return scoped_targets(targets, kpi_id, faculties, programmes, narrowed=narrowed)


def group_targets(
    targets: list[Target], kpi_id: str, state: FilterState, by: str | None, group: str
) -> list[Target]:
    """The targets one row is scored against (see :func:`group_scoped_targets`)."""
    return group_scoped_targets(targets, kpi_id, state, by, group).scored


def status_series(rows: pd.DataFrame) -> dict[int, float]:
    """Year -> value of the rows measured by the KPI's own method: the graduate mobility
    rate's participation-rate fallback years are left out, so a status never mixes the two
    series (a fallback year is neither scored nor used as a baseline)."""
    own = rows[rows[query.METHOD] != query.METHOD_PARTICIPATION_FALLBACK]
    own = own[own[query.VALUE].notna()]
    return dict(zip(own[query.ACADEMIC_YEAR].astype(int), own[query.VALUE], strict=True))


def with_status(
    frame: pd.DataFrame, targets: list[Target], state: FilterState, by: str | None
) -> pd.DataFrame:
    """``frame`` (one KPI, from the query layer) with targets text and status per row.
    The three columns are filled as lists and set once (a ``.loc`` per row cost ~1 ms)."""
    frame = frame.copy()
    target_texts = [""] * len(frame)
    statuses = [NO_TARGET] * len(frame)
    labels = [""] * len(frame)
    for group, positions in frame.groupby(query.GROUP, sort=False).indices.items():
        rows = frame.iloc[positions]
        kpi_id = rows[query.KPI_ID].iloc[0]
        scoped = group_scoped_targets(targets, kpi_id, state, by, str(group))
        texts = [t.describe() for t in scoped.scored]
        texts += [f"reference, not scored: university {t.describe()}" for t in scoped.reference]
        for position in positions:
            target_texts[position] = "; ".join(texts)
        applicable = scoped.scored
        if not applicable:
            continue
        series = status_series(rows)
        for position, year in zip(positions, rows[query.ACADEMIC_YEAR], strict=True):
            upto = {y: v for y, v in series.items() if y <= year}
            result = progress(applicable[0], upto, int(year))
            statuses[position] = result.status
            labels[position] = result.label
    frame[TARGETS] = pd.array(target_texts, dtype=str)
    frame[STATUS] = pd.array(statuses, dtype=str)
    frame[STATUS_LABEL] = pd.array(labels, dtype=str)
    return frame


def kpi_table(
    cursor: duckdb.DuckDBPyConnection,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
    kpi_ids: Sequence[str] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """The KPI table for a selection. With ``by``, KPIs that cannot be broken down that way
    are left out, unless they were asked for by id (then :class:`query.UnknownBreakdown`)."""
    chosen = [get_kpi(kpi_id) for kpi_id in kpi_ids] if kpi_ids else list(KPIS)
    years = query.data_years(cursor)
    frames = []
    for kpi in chosen:
        if by is not None and by not in kpi.breakdowns and not kpi_ids:
            continue
        frame = query.kpi_frame(cursor, kpi.id, state, by, context, years=years)
        frame = with_status(frame, targets, state, by)
        frame[NAME] = kpi.text("name")
        frame[SCOPE] = scope_label(state)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    extras = [c for c in table.columns if c not in TABLE_COLUMNS]
    return table[list(TABLE_COLUMNS) + extras]
