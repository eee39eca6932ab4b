"""The board report as PDF: a cover with the summary (targets achieved / on track / at risk),
then one section per theme with each targeted KPI's chart, value, targets, status,
commentary and definition, and the data version and suppression preset on every page.

Every number comes from the KPI table (``dashboard.kpis.table.kpi_table``) under the
caller's ``QueryContext``, so the report has the dashboard's and the CLI's protection: the
signed-in user's faculty scope and the disclosure-control preset. The HTML is rendered by
WeasyPrint (no browser, works offline); the charts are SVG drawn by
``dashboard.report_charts`` from the same rows.

``intl-kpi report`` (``dashboard.report_cli``) and the Overview page's "Board report (PDF)"
button (``dashboard.callbacks.report``) both call :func:`board_report_pdf`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import pandas as pd

from dashboard.filters_state import FilterState, academic_year_label
from dashboard.i18n import _
from dashboard.kpis import query
from dashboard.kpis import status as kpi_status
from dashboard.kpis.registry import KPIS, THEMES, UNIT_SPECS, Kpi
from dashboard.kpis.suppression import PRESETS
from dashboard.kpis.table import STATUS, STATUS_LABEL, TARGETS, group_scoped_targets, kpi_table
from dashboard.kpis.targets import Target
from dashboard.queries.status import published_meta
from dashboard.report_charts import Level, Point, line_chart_svg

TEMPLATES = Path(__file__).parent / "templates"
FONTS = Path(__file__).parent / "assets"
PDF_TYPE = "application/pdf"
REPORT_NAME = "board-report.pdf"
# Languages the report is written in; Dutch waits for the gettext catalogues (issue 13 part 1).
LANGUAGES = ("en",)

# The cover's three counts, from each KPI's status at its latest complete year.
SUMMARY_ACHIEVED = "achieved"
SUMMARY_ON_TRACK = "on_track"
SUMMARY_AT_RISK = "at_risk"
SUMMARY_UNSCORED = "not_enough_data"
SUMMARY_GROUPS = {
    kpi_status.ACHIEVED: SUMMARY_ACHIEVED,
    kpi_status.ACHIEVED_BY: SUMMARY_ACHIEVED,
    kpi_status.ON_TRACK: SUMMARY_ON_TRACK,
    kpi_status.FAIR: SUMMARY_AT_RISK,
    kpi_status.LIMITED: SUMMARY_AT_RISK,
    kpi_status.NO_CHANGE: SUMMARY_AT_RISK,
    kpi_status.DETERIORATION: SUMMARY_AT_RISK,
    kpi_status.MISSED_BY: SUMMARY_AT_RISK,
    kpi_status.NOT_ENOUGH_DATA: SUMMARY_UNSCORED,
}
SUMMARY_LABELS = {
    SUMMARY_ACHIEVED: _("targets achieved"),
    SUMMARY_ON_TRACK: _("on track"),
    SUMMARY_AT_RISK: _("at risk"),
    SUMMARY_UNSCORED: _("not enough data"),
}
# A symbol beside the status words (the words carry the meaning: never colour alone).
STATUS_SYMBOLS = {
    SUMMARY_ACHIEVED: "✔",
    SUMMARY_ON_TRACK: "↗",
    SUMMARY_AT_RISK: "!",
    SUMMARY_UNSCORED: "?",
}


@dataclass(frozen=True)
class KpiEntry:
    """One KPI of the report: what its card in the PDF shows."""

    kpi: Kpi
    year: int | None
    value_text: str
    counts_text: str
    provisional: bool
    status: str  # a kpi.status constant
    status_label: str
    summary_group: str  # a SUMMARY_* constant
    targets_text: str
    target_sources: tuple[str, ...]
    chart_svg: str
    commentary: str = ""
    notes: tuple[str, ...] = ()

    @property
    def year_text(self) -> str:
        return academic_year_label(self.year) if self.year is not None else _("no value")

    @property
    def status_symbol(self) -> str:
        return STATUS_SYMBOLS.get(self.summary_group, "")


@dataclass(frozen=True)
class ThemeSection:
    theme: str
    title: str
    entries: tuple[KpiEntry, ...]
    without_value: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoardReport:
    """Everything the report's template writes."""

    scope: str
    years_text: str
    suppression: str
    suppression_text: str
    data_version: str
    published_at: str
    generated_at: str
    themes: tuple[ThemeSection, ...]
    user: str = ""
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def entries(self) -> list[KpiEntry]:
        return [entry for section in self.themes for entry in section.entries]

    @property
    def scored(self) -> int:
        """How many targeted KPIs the cover counts (each once, "not enough data" too)."""
        return sum(self.summary.get(key, 0) for key in SUMMARY_LABELS)

    def summary_line(self) -> str:
        """``'9 of 13 targets achieved or on track; 4 at risk'``."""
        if not self.scored:
            return _(
                "No target is set for this selection: the university's targets are shown "
                "for reference, not scored"
            )
        good = self.summary.get(SUMMARY_ACHIEVED, 0) + self.summary.get(SUMMARY_ON_TRACK, 0)
        return _("{good} of {total} targets achieved or on track; {risk} at risk").format(
            good=good, total=self.scored, risk=self.summary.get(SUMMARY_AT_RISK, 0)
        )


def summary_counts(statuses: list[str]) -> dict[str, int]:
    """How many KPIs are in each of the cover's groups (unscored statuses left out)."""
    counts = dict.fromkeys(SUMMARY_LABELS, 0)
    for value in statuses:
        group = SUMMARY_GROUPS.get(value)
        if group is not None:
            counts[group] += 1
    return counts


def _count_text(value: float) -> str:
    return f"{value:,.0f}"


def _latest_row(rows: pd.DataFrame) -> pd.Series | None:
    """The latest complete (non-provisional) year with a value, else the latest with one:
    the year the overview card shows and scores."""
    known = rows[rows[query.VALUE].notna()]
    complete = known[~known[query.PROVISIONAL].astype(bool)]
    chosen = complete if not complete.empty else known
    return None if chosen.empty else chosen.iloc[-1]


def kpi_entry(
    kpi: Kpi,
    rows: pd.DataFrame,
    state: FilterState,
    targets: list[Target],
    commentary: Mapping[tuple[str, int], str] | None = None,
) -> KpiEntry:
    """A KPI's card from its rows of the KPI table (one breakdown: the total)."""
    rows = rows.sort_values(query.ACADEMIC_YEAR)
    unit = UNIT_SPECS[kpi.unit]
    scoped = group_scoped_targets(targets, kpi.id, state, None, "")
    symbols = {">=": "≥", "<=": "≤"}
    levels = [
        Level(t.value, f"{_('target')} {symbols[t.comparator]} {t.value:g}") for t in scoped.scored
    ]
    levels += [Level(t.value, f"{_('university')} {t.value:g}") for t in scoped.reference]
    points = [
        Point(
            academic_year_label(int(row[query.ACADEMIC_YEAR])),
            None if pd.isna(row[query.VALUE]) else float(row[query.VALUE]),
            bool(row[query.PROVISIONAL]),
        )
        for _index, row in rows.iterrows()
    ]
    chart = line_chart_svg(
        points,
        levels[:3],
        title=kpi.name,
        decimals=unit.decimals,
        suffix=unit.suffix,
    )
    latest = _latest_row(rows)
    if latest is None:
        year, value_text, counts_text, provisional = None, "–", "", False
        status, label, notes = kpi_status.NOT_ENOUGH_DATA, "", ()
    else:
        year = int(latest[query.ACADEMIC_YEAR])
        value_text = unit.text(float(latest[query.VALUE]))
        counts_text = ""
        numerator, denominator = latest[query.NUMERATOR], latest[query.DENOMINATOR]
        # Counts as the query layer returns them: already rounded or withheld by the preset.
        if unit.is_rate and pd.notna(numerator) and pd.notna(denominator):
            counts_text = _("{numerator} of {denominator}").format(
                numerator=_count_text(numerator), denominator=_count_text(denominator)
            )
        provisional = bool(latest[query.PROVISIONAL])
        status = str(latest[STATUS])
        label = str(latest[STATUS_LABEL])
        notes = tuple(
            str(text)
            for text in (latest[query.NOTE], latest[query.METHOD])
            if isinstance(text, str) and text and text != query.METHOD_GRADUATES
        )
    if status == kpi_status.NO_TARGET:
        label = ""
    targets_text = str(rows[TARGETS].iloc[-1]) if not rows.empty else ""
    return KpiEntry(
        kpi=kpi,
        year=year,
        value_text=value_text,
        counts_text=counts_text,
        provisional=provisional,
        status=status,
        status_label=label or kpi_status.STATUSES.get(status, ("", ""))[0],
        summary_group=SUMMARY_GROUPS.get(status, SUMMARY_UNSCORED),
        targets_text=targets_text,
        target_sources=tuple(dict.fromkeys(t.source for t in scoped.scored if t.source)),
        chart_svg=chart,
        commentary=(commentary or {}).get((kpi.id, year), "") if year is not None else "",
        notes=notes,
    )


def _years_text(table: pd.DataFrame) -> str:
    if table.empty:
        return _("none")
    years = sorted({int(y) for y in table[query.ACADEMIC_YEAR]})
    return f"{academic_year_label(years[0])} – {academic_year_label(years[-1])}"


def build_report(
    cursor: duckdb.DuckDBPyConnection,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
    *,
    generated_at: str,
    user: str = "",
    commentary: Mapping[tuple[str, int], str] | None = None,
) -> BoardReport:
    """The report's content for a selection: the KPIs that have a target (the overview's),
    grouped by theme, read through ``kpi_table`` under ``context``."""
    targeted = {t.kpi_id for t in targets}
    kpi_ids = [kpi.id for kpi in KPIS if kpi.id in targeted]
    table = kpi_table(cursor, state, context, targets, kpi_ids) if kpi_ids else pd.DataFrame()
    narrowed = bool(state.faculties or state.programmes or state.cycles)
    sections = []
    for theme, title in THEMES.items():
        entries, without_value = [], []
        for kpi in KPIS:
            if kpi.theme != theme or kpi.id not in targeted:
                continue
            rows = table[table[query.KPI_ID] == kpi.id]
            entry = kpi_entry(kpi, rows, state, targets, commentary)
            if narrowed and entry.year is None:
                without_value.append(kpi.name)
                continue
            entries.append(entry)
        if entries or without_value:
            sections.append(ThemeSection(theme, title, tuple(entries), tuple(without_value)))
    meta = published_meta(cursor)
    preset = PRESETS.get(context.suppression)
    statuses = [entry.status for section in sections for entry in section.entries]
    return BoardReport(
        scope=_scope_text(state),
        years_text=_years_text(table),
        suppression=context.suppression,
        suppression_text=preset.description if preset is not None else "",
        data_version=str(meta.get("data_version", "")),
        published_at=str(meta.get("published_at", "")),
        generated_at=generated_at,
        themes=tuple(sections),
        user=user,
        summary=summary_counts(statuses),
    )


def _scope_text(state: FilterState) -> str:
    parts = []
    if state.faculties:
        parts.append(_("faculty {names}").format(names=", ".join(state.faculties)))
    if state.programmes:
        parts.append(_("programme {names}").format(names=", ".join(state.programmes)))
    if state.cycles:
        parts.append(_("cycle {names}").format(names=", ".join(state.cycles)))
    return "; ".join(parts) if parts else _("the whole university")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: BoardReport) -> str:
    """The report as one HTML document with print CSS (charts inline as SVG)."""
    return (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            summary_labels=SUMMARY_LABELS,
            summary_symbols=STATUS_SYMBOLS,
            _=_,
        )
    )


def render_pdf(report: BoardReport) -> bytes:
    """The report as PDF bytes (WeasyPrint, imported here: only the report needs pango)."""
    import weasyprint

    # base_url: the self-hosted Inter fonts of the dashboard's assets, read from disk.
    return weasyprint.HTML(string=render_html(report), base_url=str(FONTS) + "/").write_pdf()


def board_report_pdf(
    cursor: duckdb.DuckDBPyConnection,
    state: FilterState,
    context: query.QueryContext,
    targets: list[Target],
    *,
    generated_at: str,
    user: str = "",
    commentary: Mapping[tuple[str, int], str] | None = None,
) -> bytes:
    """The board report of a selection as PDF bytes."""
    report = build_report(
        cursor,
        state,
        context,
        targets,
        generated_at=generated_at,
        user=user,
        commentary=commentary,
    )
    return render_pdf(report)
