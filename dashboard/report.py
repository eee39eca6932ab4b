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

from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import pandas as pd

from dashboard import board
from dashboard.filters_state import FilterState, academic_year_label
from dashboard.i18n import (
    _,
    format_number,
    format_timestamp,
    html_language,
    localise_number_text,
)
from dashboard.kpis import query
from dashboard.kpis.registry import KPIS, THEMES, UNIT_SPECS, Kpi, get_kpi, theme_label
from dashboard.kpis.suppression import PRESETS
from dashboard.kpis.table import kpi_table
from dashboard.kpis.targets import Target
from dashboard.queries.status import published_meta
from dashboard.report_charts import Level, Point, line_chart_svg

TEMPLATES = Path(__file__).parent / "templates"
FONTS = Path(__file__).parent / "assets"
PDF_TYPE = "application/pdf"
REPORT_NAME = "board-report.pdf"
# Languages the report is written in; Dutch waits for the gettext catalogues (issue 13 part 1).
LANGUAGES = ("en",)

# A symbol beside the status words (the words carry the meaning: never colour alone).
STATUS_SYMBOLS = {
    board.ACHIEVED: "✔",
    board.ON_TRACK: "↗",
    board.AT_RISK: "!",
    board.NOT_SCORED: "?",
}
_COMPARATORS = {">=": "≥", "<=": "≤"}


@dataclass(frozen=True)
class TargetLine:
    """One target of a KPI as its card writes it, scored at the card's year."""

    text: str  # "≥ 23 by 2030-31 (EU 2030)"
    source: str
    status_label: str
    group: str  # a board summary group ("" for a reference target: not scored)

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS.get(self.group, "")


@dataclass(frozen=True)
class KpiEntry:
    """One KPI of the report: what its card in the PDF shows."""

    kpi: Kpi
    year: int | None
    value_text: str
    counts_text: str
    provisional: bool
    change_text: str
    # The cover table's shorter form under a "change since the previous year" heading.
    change_short: str
    targets: tuple[TargetLine, ...]
    references: tuple[TargetLine, ...]
    chart_svg: str
    commentary: tuple[board.Commentary, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def year_text(self) -> str:
        return academic_year_label(self.year) if self.year is not None else _("no value")


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
    summary: board.BoardSummary
    user: str = ""
    # Themes none of whose KPIs has a target (networks, with today's targets file).
    untargeted_themes: tuple[str, ...] = ()

    @property
    def entries(self) -> list[KpiEntry]:
        return [entry for section in self.themes for entry in section.entries]

    def summary_line(self) -> str:
        """``'Of 13 targets: 5 achieved, 2 on track, 6 at risk.'`` (``dashboard.board``)."""
        if not self.summary.total:
            return _(
                "No target is set for this selection: the university's targets are shown "
                "for reference, not scored."
            )
        return self.summary.text


def _level_text(target: Target) -> str:
    return f"{_COMPARATORS[target.comparator]} {localise_number_text(f'{target.value:g}')}"


def _count_text(value: float) -> str:
    return format_number(value, 0)


def kpi_entry(
    item: board.BoardKpi, state: FilterState, commentary: list[board.Commentary]
) -> KpiEntry:
    """A KPI's card from the board's reading of its KPI table rows (the total)."""
    kpi = get_kpi(item.kpi_id)
    rows = item.rows
    unit = UNIT_SPECS[kpi.unit]
    levels = [
        Level(status.target.value, f"{_('target')} {_level_text(status.target)}")
        for status in item.statuses
    ]
    levels += [
        Level(t.value, f"{_('university')} {localise_number_text(f'{t.value:g}')}")
        for t in item.references
    ]
    points = [
        Point(
            academic_year_label(int(row[query.ACADEMIC_YEAR])),
            None if pd.isna(row[query.VALUE]) else float(row[query.VALUE]),
            bool(row[query.PROVISIONAL]),
        )
        for _index, row in rows.iterrows()
    ]
    chart = line_chart_svg(
        points, levels[:3], title=kpi.text("name"), decimals=unit.decimals, suffix=unit.suffix
    )
    counts_text, notes = "", ()
    if item.year is not None:
        latest = rows[rows[query.ACADEMIC_YEAR] == item.year].iloc[-1]
        numerator, denominator = latest[query.NUMERATOR], latest[query.DENOMINATOR]
        # Counts as the query layer returns them: already rounded or withheld by the preset.
        if unit.is_rate and pd.notna(numerator) and pd.notna(denominator):
            counts_text = _("{numerator} of {denominator}").format(
                numerator=_count_text(numerator), denominator=_count_text(denominator)
            )
        notes = tuple(
            _(str(text))
            for text in (latest[query.NOTE], latest[query.METHOD])
            if isinstance(text, str) and text and text != query.METHOD_GRADUATES
        )
    targets = tuple(
        TargetLine(
            s.target.describe(),
            s.target.text("source"),
            s.progress.label,
            s.group or board.NOT_SCORED,
        )
        for s in item.statuses
    )
    references = tuple(
        TargetLine(
            _("university target {target}").format(target=t.describe()), t.text("source"), "", ""
        )
        for t in item.references
    )
    return KpiEntry(
        kpi=kpi,
        year=item.year,
        value_text=unit.text(item.value) if item.value is not None else "–",
        counts_text=counts_text,
        provisional=item.provisional,
        change_text=item.change.text if item.year is not None else "",
        change_short=(
            f"{item.change.arrow} {item.change.value_text}".strip()
            if item.change.difference is not None
            else _("n/a")
        ),
        targets=targets,
        references=references,
        chart_svg=chart,
        commentary=tuple(board.commentary_for(commentary, kpi.id, item.year, item.scope)),
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
    commentary: list[board.Commentary] | None = None,
) -> BoardReport:
    """The report's content for a selection: the overview's KPIs (those with a target),
    grouped by theme, from one ``kpi_table`` under ``context`` read by ``dashboard.board``
    exactly as the overview reads it (same cards, same summary)."""
    targeted = {t.kpi_id for t in targets}
    kpi_ids = [kpi.id for kpi in KPIS if kpi.id in targeted]
    narrowed = bool(state.faculties or state.programmes or state.cycles)
    table = (
        kpi_table(cursor, state, context, targets, kpi_ids=kpi_ids)
        if kpi_ids
        else pd.DataFrame(columns=[query.KPI_ID, query.ACADEMIC_YEAR])
    )
    items = {item.kpi_id: item for item in board.board_kpis(table, targets, state, kpi_ids)}
    shown = [item for item in items.values() if not (narrowed and item.value is None)]
    sections = []
    for theme in THEMES:
        title = theme_label(theme)
        in_theme = [items[kpi.id] for kpi in KPIS if kpi.theme == theme and kpi.id in items]
        entries = tuple(
            kpi_entry(item, state, commentary or [])
            for item in in_theme
            if not (narrowed and item.value is None)
        )
        without_value = tuple(
            get_kpi(item.kpi_id).text("name")
            for item in in_theme
            if narrowed and item.value is None
        )
        if entries or without_value:
            sections.append(ThemeSection(theme, title, entries, without_value))
    meta = published_meta(cursor)
    preset = PRESETS.get(context.suppression)
    return BoardReport(
        scope=_scope_text(state),
        years_text=_years_text(table),
        suppression=context.suppression,
        suppression_text=_(preset.description) if preset is not None else "",
        data_version=str(meta.get("data_version", "")),
        published_at=format_timestamp(str(meta.get("published_at", "")))
        if meta.get("published_at")
        else "",
        generated_at=format_timestamp(generated_at),
        themes=tuple(sections),
        summary=board.summarise(shown),
        user=user,
        untargeted_themes=tuple(
            theme_label(theme)
            for theme in THEMES
            if not any(kpi.theme == theme and kpi.id in items for kpi in KPIS)
        ),
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
            summary_labels={group: board.group_label(group) for group in board.GROUP_LABELS},
            summary_symbols=STATUS_SYMBOLS,
            at_risk_definition=_(board.AT_RISK_DEFINITION),
            _=_,
            lang=html_language(),
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
    commentary: list[board.Commentary] | None = None,
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
