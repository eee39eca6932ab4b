"""The KPI table as files for analysts: CSV and JSON text (``intl-kpi kpis`` and the HTTP API
write the same bytes) and the "everything" Excel workbook (the CLI's ``--format xlsx`` and
the dashboard's "Download everything" button build the same sheets).

Academic years: ``academic_year`` stays the first calendar year of the academic year
(``2015`` for 2015-16), a number a machine sorts and joins on, as it always was; next to it
every file carries ``academic_year_label`` (``2015-16``), the way a person reads it. CSV and
JSON add the label after the existing columns (a script that reads columns by position keeps
working); the workbook, written for people, puts it right after ``academic_year``.

Workbook sheets, in order: one per theme (``Diversity``, ``Mobility``, ``Networks``: the
rows of that theme's KPIs), ``Definitions`` (from the KPI registry), ``Targets`` (the
targets file, for the KPIs in the workbook) and ``Data sheet`` (selection, scope, basis,
suppression preset, data version, publication and generation time). Every text cell is
neutralised (``etl.cells.neutralise_frame``): a programme called ``=HYPERLINK(...)`` stays
text in Excel.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from dashboard.filters_state import (
    MAX_NAMED,
    FilterOptions,
    FilterState,
    academic_year_label,
    basis_label,
    describe,
)
from dashboard.i18n import N_, _
from dashboard.kpis import query
from dashboard.kpis.registry import KPIS, breakdown_label, get_kpi, theme_label
from dashboard.kpis.suppression import PRESETS
from dashboard.kpis.table import kpi_table, scope_label
from dashboard.kpis.targets import Target
from etl.cells import neutralise_frame

YEAR_LABEL = "academic_year_label"
# Sheet names, in English; written in the reader's language (``_`` where used).
THEME_SHEETS = {
    "diversity": N_("Diversity"),
    "mobility": N_("Mobility"),
    "networks": N_("Networks"),
}
DEFINITIONS_SHEET = N_("Definitions")
TARGETS_SHEET = N_("Targets")
DATA_SHEET = N_("Data sheet")
EXCEL_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK_NAME = "intl-kpi-all-kpis.xlsx"
_MAX_COLUMN_WIDTH = 60


def with_year_labels(table: pd.DataFrame, *, after_year: bool = False) -> pd.DataFrame:
    """``table`` with ``academic_year_label`` (``2015-16``): after the last column, or right
    after ``academic_year`` with ``after_year`` (the workbook)."""
    table = table.copy()
    years = table[query.ACADEMIC_YEAR] if query.ACADEMIC_YEAR in table else pd.Series()
    labels = [academic_year_label(int(year)) for year in years]
    if YEAR_LABEL in table:
        table = table.drop(columns=YEAR_LABEL)
    position = (
        list(table.columns).index(query.ACADEMIC_YEAR) + 1
        if after_year and query.ACADEMIC_YEAR in table
        else len(table.columns)
    )
    table.insert(position, YEAR_LABEL, pd.Series(labels, index=table.index, dtype=object))
    return table


def csv_text(table: pd.DataFrame) -> str:
    """The table as CSV (what ``intl-kpi kpis --format csv`` prints and the API serves)."""
    # No live formulas from names in a spreadsheet (etl.cells).
    return neutralise_frame(with_year_labels(table)).to_csv(index=False)


def json_value(value: object) -> object:
    """A cell as JSON: NaN and pandas' NA as ``null``, numpy scalars as Python numbers."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def json_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """The table as a list of JSON objects, one per row."""
    return [
        {str(key): json_value(value) for key, value in row.items()}
        for row in with_year_labels(table).to_dict(orient="records")
    ]


def json_text(table: pd.DataFrame) -> str:
    """The table as JSON (what ``intl-kpi kpis --format json`` prints and the API serves)."""
    return json.dumps(json_records(table), indent=2, ensure_ascii=False) + "\n"


# --- the workbook -----------------------------------------------------------------------


@dataclass(frozen=True)
class About:
    """What the workbook's data sheet says about its numbers."""

    state: FilterState
    suppression: str
    data_version: str
    published_at: str
    generated_at: str
    source: str  # "intl-kpi kpis" or "dashboard"
    by: str | None = None
    options: FilterOptions | None = None
    user: str = ""

    def rows(self, table: pd.DataFrame) -> list[tuple[str, str]]:
        preset = PRESETS.get(self.suppression)
        years = sorted({int(y) for y in table[query.ACADEMIC_YEAR]}) if not table.empty else []
        provisional = (
            sorted(
                {int(y) for y in table.loc[table[query.PROVISIONAL].astype(bool), "academic_year"]}
            )
            if not table.empty
            else []
        )
        rows = [
            (_("Contents"), _("Every KPI of the selection, one sheet per theme")),
            (_("Selection"), describe(self.state, self.options)),
            (_("Scope"), scope_label(self.state)),
            *self._listed(),
            (_("Academic years in the workbook"), _year_span(years)),
            (_("International basis"), basis_label(self.state.basis)),
            (
                _("Breakdown"),
                breakdown_label(self.by) if self.by else _("none (one row per KPI and year)"),
            ),
            (
                _("Suppression preset"),
                _(preset.description) if preset is not None else self.suppression,
            ),
            (_("Data version"), self.data_version),
            (_("Published at"), self.published_at),
            (
                _("Provisional years"),
                ", ".join(academic_year_label(y) for y in provisional) or _("none"),
            ),
            (_("Generated at"), self.generated_at),
            (_("Generated by"), self.source + (f" ({self.user})" if self.user else "")),
            (
                _("Academic years"),
                _(
                    "academic_year is the first calendar year of the academic year (2015 for "
                    "2015-16), for sorting and joining; academic_year_label is how it is "
                    "written for people"
                ),
            ),
        ]
        return rows

    def _listed(self) -> list[tuple[str, str]]:
        """Every faculty and programme of a selection that the title only counts."""
        rows = []
        if len(self.state.faculties) > MAX_NAMED:
            rows.append((_("Faculties"), ", ".join(self.state.faculties)))
        if len(self.state.programmes) > MAX_NAMED:
            rows.append((_("Programmes (codes)"), ", ".join(self.state.programmes)))
        return rows


def generated_now() -> str:
    """Now, as every data sheet writes it (``dashboard.components.chart.generated_at``),
    imported when needed: the CLI does not load Dash's components to print a table."""
    from dashboard.components.chart import generated_at

    return generated_at()


def _year_span(years: Sequence[int]) -> str:
    if not years:
        return _("none")
    if len(years) == 1:
        return academic_year_label(years[0])
    return _("{first} to {last}").format(
        first=academic_year_label(years[0]), last=academic_year_label(years[-1])
    )


def definitions_frame(kpi_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per KPI as the registry defines it (the Data page's definitions table)."""
    chosen = [get_kpi(kpi_id) for kpi_id in kpi_ids] if kpi_ids else list(KPIS)
    return pd.DataFrame(
        [
            {
                "theme": theme_label(kpi.theme),
                "kpi_id": kpi.id,
                "kpi_name": kpi.text("name"),
                "definition": kpi.text("definition"),
                "numerator": kpi.text("numerator"),
                "denominator": kpi.text("denominator"),
                "unit": kpi.unit_label(),
                "direction": {"up": _("higher is better"), "down": _("lower is better")}.get(
                    kpi.direction, _("neither (context figure)")
                ),
                "breakdowns": ", ".join(kpi.breakdowns),
                "filters": ", ".join(kpi.filters),
                "policy_reference": kpi.text("policy_reference"),
            }
            for kpi in chosen
        ],
        columns=[
            "theme",
            "kpi_id",
            "kpi_name",
            "definition",
            "numerator",
            "denominator",
            "unit",
            "direction",
            "breakdowns",
            "filters",
            "policy_reference",
        ],
    )


TARGET_COLUMNS = (
    "kpi_id",
    "scope",
    "scope_value",
    "target",
    "comparator",
    "value",
    "kind",
    "target_year",
    "target_year_label",
    "baseline_year",
    "baseline_year_label",
    "baseline_value",
    "label",
    "source",
)


def targets_frame(targets: Sequence[Target], kpi_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per target of the given KPIs (all when none given), with its source."""
    chosen = set(kpi_ids) if kpi_ids else None
    rows = [
        {
            "kpi_id": target.kpi_id,
            "scope": target.scope,
            "scope_value": target.scope_value,
            "target": target.describe(),
            "comparator": target.comparator,
            "value": target.value,
            "kind": target.kind,
            "target_year": target.target_year,
            "target_year_label": academic_year_label(target.target_year),
            "baseline_year": target.baseline_year,
            "baseline_year_label": (
                "" if target.baseline_year is None else academic_year_label(target.baseline_year)
            ),
            "baseline_value": target.baseline_value,
            "label": target.text("label"),
            "source": target.text("source"),
        }
        for target in targets
        if chosen is None or target.kpi_id in chosen
    ]
    return pd.DataFrame(rows, columns=list(TARGET_COLUMNS))


def workbook_sheets(
    table: pd.DataFrame,
    about: About,
    targets: Sequence[Target],
    kpi_ids: Sequence[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Sheet name -> frame, in order, every text cell neutralised. ``kpi_ids``: the KPIs
    asked for (default: every KPI of the registry)."""
    labelled = with_year_labels(table, after_year=True)
    themes = (
        labelled[query.KPI_ID].map(lambda kpi_id: get_kpi(kpi_id).theme)
        if not labelled.empty
        else pd.Series(dtype=object)
    )
    sheets: dict[str, pd.DataFrame] = {}
    for theme, sheet in THEME_SHEETS.items():
        sheets[_(sheet)] = labelled[themes == theme].reset_index(drop=True)
    sheets[_(DEFINITIONS_SHEET)] = definitions_frame(kpi_ids)
    sheets[_(TARGETS_SHEET)] = targets_frame(targets, kpi_ids)
    sheets[_(DATA_SHEET)] = pd.DataFrame(about.rows(table), columns=["item", "value"])
    return {name: neutralise_frame(frame) for name, frame in sheets.items()}


def write_workbook(sheets: Mapping[str, pd.DataFrame], target: Path | IO[bytes]) -> None:
    """Write ``sheets`` as one .xlsx file: header row frozen, columns sized to their text."""
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
            worksheet = writer.sheets[name]
            for index, column in enumerate(frame.columns, start=1):
                texts = [str(column), *(str(v) for v in frame[column].head(200))]
                width = min(max(len(text) for text in texts) + 2, _MAX_COLUMN_WIDTH)
                letter = worksheet.cell(row=1, column=index).column_letter
                worksheet.column_dimensions[letter].width = width


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """The workbook as bytes (the dashboard's download)."""
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()


def kpi_workbook(
    cursor: Any,
    state: FilterState,
    context: query.QueryContext,
    targets: Sequence[Target],
    *,
    options: FilterOptions | None = None,
    source: str = "dashboard",
    user: str = "",
) -> bytes:
    """Every KPI of a selection as the workbook's bytes: what "Download everything" sends.
    ``context`` carries the preset and the faculty scope (``runtime.query_context``)."""
    from dashboard.queries.status import published_meta

    table = kpi_table(cursor, state, context, list(targets))
    meta = published_meta(cursor)
    about = About(
        state=state,
        suppression=context.suppression,
        data_version=meta.get("data_version", ""),
        published_at=meta.get("published_at", ""),
        generated_at=generated_now(),
        source=source,
        options=options,
        user=user,
    )
    return workbook_bytes(workbook_sheets(table, about, targets))


def read_workbook(source: Path | bytes) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook written here (for tests and checks)."""
    handle: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    return pd.read_excel(handle, sheet_name=None, engine="openpyxl")
