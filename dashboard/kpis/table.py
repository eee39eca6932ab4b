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
from dashboard.kpis.targets import Target, targets_for

NAME = "kpi_name"
SCOPE = "scope"
TARGETS = "targets"
STATUS = "status"
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


def group_targets(
    targets: list[Target], kpi_id: str, state: FilterState, by: str | None, group: str
) -> list[Target]:
    """Targets for one row: the selection's, or the group's own when broken down by faculty
    or programme; none for other breakdowns (a target is not set per gender)."""
    if by not in _TARGETED_BREAKDOWNS:
        return []
    faculties = (group,) if by == "faculty" else state.faculties
    programmes = (group,) if by == "programme" else state.programmes
    return targets_for(targets, kpi_id, faculties, programmes)


def with_status(
    frame: pd.DataFrame, targets: list[Target], state: FilterState, by: str | None
) -> pd.DataFrame:
    """``frame`` (one KPI, from the query layer) with targets text and status per row."""
    frame = frame.copy()
    frame[TARGETS] = ""
    frame[STATUS] = NO_TARGET
    for group, rows in frame.groupby(query.GROUP, sort=False):
        kpi_id = rows[query.KPI_ID].iloc[0]
        applicable = group_targets(targets, kpi_id, state, by, str(group))
        if not applicable:
            continue
        series = dict(zip(rows[query.ACADEMIC_YEAR], rows[query.VALUE], strict=True))
        frame.loc[rows.index, TARGETS] = "; ".join(t.describe() for t in applicable)
        for index, year in zip(rows.index, rows[query.ACADEMIC_YEAR], strict=True):
            upto = {y: v for y, v in series.items() if y <= year}
            frame.loc[index, STATUS] = progress(applicable[0], upto, int(year)).status
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
        frame[NAME] = kpi.name
        frame[SCOPE] = scope_label(state)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    table = pd.concat(frames, ignore_index=True)
    extras = [c for c in table.columns if c not in TABLE_COLUMNS]
    return table[list(TABLE_COLUMNS) + extras]
