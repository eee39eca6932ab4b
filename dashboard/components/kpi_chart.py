"""Chart cards of KPIs: a :class:`KpiChart` names the KPIs, the breakdown and the kind of
chart; :func:`kpi_chart_content` asks the query layer and builds what the chart card shows
(figure, the plotted numbers, the summary sentence and the download's data sheet).

No KPI is computed here: values, numerators, denominators, suppression and provisional flags
all come from ``dashboard.kpis.query.kpi_frame``. This module only selects (the latest year,
the largest groups) and arranges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
import duckdb
import pandas as pd

from dashboard import runtime
from dashboard.components.chart import (
    ChartColumn,
    ChartContent,
    DataSheet,
    chart_card,
    format_value,
    generated_at,
    trend_sentence,
)
from dashboard.figures import kpi as figures
from dashboard.filters_state import (
    FilterOptions,
    FilterState,
    academic_year_label,
    basis_label,
    cycle_label,
    describe,
)
from dashboard.i18n import N_, _, localised_country_name
from dashboard.kpis import query
from dashboard.kpis.registry import BENCHMARK_ACTIVITIES, UNIT_SPECS, breakdown_label, get_kpi
from dashboard.kpis.table import group_scoped_targets
from dashboard.kpis.targets import Target
from dashboard.vocabulary import code_label
from etl.settings import Settings

KINDS = ("trend", "bars", "stacked", "map", "timeline")
SERIES = figures.SERIES
YEAR_LABEL = figures.YEAR_LABEL
LABEL = "label"


@dataclass(frozen=True)
class KpiChart:
    """One chart card of KPIs.

    ``kind``: ``trend`` (a line per KPI, or per group with ``by``, with target lines),
    ``bars`` (groups of the latest year in the selection, largest first), ``stacked`` (groups
    stacked per year), ``map`` (partner or nationality countries of the latest year) or
    ``timeline`` (network memberships per year).
    """

    prefix: str
    title: str
    kpis: tuple[str, ...]
    by: str | None = None
    kind: str = "trend"
    top: int | None = None
    # Series names per KPI in a multi-KPI trend (default: the KPI's cycle or name).
    series_names: dict[str, str] = field(default_factory=dict)
    # For bars/maps: show this extra measure instead of the value (e.g. participants).
    measure: str | None = None
    # Order bars by "value" or by "volume" (numerator + denominator: the largest flows first,
    # so a ratio on a handful of students does not top the chart).
    order_by: str = "value"
    # Leave out the home country's own group (a nationality chart of international students).
    exclude_home: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.prefix}: unknown chart kind {self.kind!r}")
        for kpi_id in self.kpis:
            kpi = get_kpi(kpi_id)
            if self.by is not None and self.by not in kpi.breakdowns:
                raise ValueError(f"{self.prefix}: {kpi_id} has no breakdown {self.by!r}")


@dataclass(frozen=True)
class ChartInputs:
    """What every KPI chart of a request shares."""

    cursor: duckdb.DuckDBPyConnection
    state: FilterState
    options: FilterOptions
    settings: Settings
    targets: list[Target]
    meta: dict[str, str]

    @property
    def context(self) -> query.QueryContext:
        # With the signed-in user's faculty scope (dashboard.auth), from the one place.
        return runtime.query_context(self.settings)


def _series_name(spec: KpiChart, kpi_id: str) -> str:
    if kpi_id in spec.series_names:
        return _(spec.series_names[kpi_id])
    kpi = get_kpi(kpi_id)
    return cycle_label(kpi.cycle) if kpi.cycle else kpi.text("name")


# Group values the query layer writes in SQL, as a person reads them.
GROUP_LABELS = {
    "home": N_("home"),
    "EEA": N_("EEA"),
    "rest of world": N_("rest of world"),
    "Central and Eastern Europe": N_("Central and Eastern Europe"),
    "EU neighbourhood": N_("EU neighbourhood"),
    "other EEA": N_("other EEA"),
    "counts toward the benchmark": N_("counts toward the benchmark"),
    "shown, not counted": N_("shown, not counted"),
    "students": N_("students"),
    "staff": N_("staff"),
    "incoming": N_("incoming"),
    "outgoing": N_("outgoing"),
    "student": N_("students"),
    "university-wide": N_("university-wide"),
    "unknown": N_("unknown"),
    "not_available": N_("nationality not available"),
    "none": N_("none"),
}


def _group_label(by: str | None, group: str) -> str:
    if group in GROUP_LABELS:
        return _(GROUP_LABELS[group])
    if by in ("nationality", "partner_country") and len(group) == 2:
        return localised_country_name(group)
    if by == "cycle":
        return cycle_label(group)
    if by == "activity":
        # Say on the chart itself which activities the EU benchmark counts.
        counted = group in BENCHMARK_ACTIVITIES
        return _("{activity} ({rule})").format(
            activity=code_label(group),
            rule=_("counts if ≥ 3 months or ≥ 15 ECTS") if counted else _("not counted"),
        )
    if by in ("activity_type", "action_type", "agreement_type", "staff_category", "role"):
        return code_label(group)
    return group


def _group_labels(by: str | None, groups: pd.Series) -> pd.Series:
    """Each group's label, worked out once per distinct group (a nationality breakdown
    repeats ~100 groups over ten years)."""
    return groups.map({group: _group_label(by, group) for group in groups.unique()})


def _frames(spec: KpiChart, inputs: ChartInputs) -> pd.DataFrame:
    frames = []
    for kpi_id in spec.kpis:
        frame = query.kpi_frame(
            inputs.cursor,
            kpi_id,
            inputs.state,
            spec.by,
            inputs.context,
            years=list(inputs.options.years),
        )
        if spec.exclude_home:
            frame = frame[frame[query.GROUP] != inputs.settings.home_country]
        frame[SERIES] = (
            _group_labels(spec.by, frame[query.GROUP])
            if spec.by is not None and len(spec.kpis) == 1
            else _series_name(spec, kpi_id)
        )
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if combined.empty:
        return combined
    years = combined[query.ACADEMIC_YEAR]
    combined[YEAR_LABEL] = years.map({y: academic_year_label(y) for y in years.unique()})
    if spec.by is not None and len(spec.kpis) == 1:
        combined[LABEL] = combined[SERIES]  # the series are the groups' labels already
    else:
        combined[LABEL] = _group_labels(spec.by, combined[query.GROUP])
    # The query layer's notes and method labels, in the reader's language.
    for column in (query.NOTE, query.METHOD):
        if column in combined:
            texts = combined[column]
            combined[column] = texts.map(
                {t: _(t) if isinstance(t, str) else t for t in texts.unique()}
            )
    if spec.measure:
        combined[query.VALUE] = combined[spec.measure]
    return combined


def chart_grid(specs: Sequence[KpiChart], wide: Sequence[str] = ()) -> dbc.Row:
    """The page's chart cards, two per row on wide screens (``wide`` ones take a row)."""
    return dbc.Row(
        [
            dbc.Col(chart_card(spec.prefix, _(spec.title)), lg=12 if spec.prefix in wide else 6)
            for spec in specs
        ]
    )


def latest_year(frame: pd.DataFrame) -> int | None:
    """The latest complete (non-provisional) year with a value, else the latest with one."""
    with_values = frame[frame[query.VALUE].notna()]
    complete = with_values[~with_values[query.PROVISIONAL].astype(bool)]
    chosen = complete if not complete.empty else with_values
    return None if chosen.empty else int(chosen[query.ACADEMIC_YEAR].max())


def _sentence_case(text: str) -> str:
    """First letter upper case, the rest as written ("EU grant (EUR)")."""
    return text[:1].upper() + text[1:]


def _measure_label(spec: KpiChart) -> str | None:
    """The axis title of an extra measure (participants, EU grant), else the unit's."""
    for name, label, _people in get_kpi(spec.kpis[0]).extra_measures:
        if name == spec.measure:
            return _sentence_case(_(label))
    return None


def _latest(frame: pd.DataFrame) -> tuple[pd.DataFrame, int | None]:
    """Rows of :func:`latest_year`."""
    year = latest_year(frame)
    if year is None:
        return frame.iloc[0:0], None
    return frame[frame[query.ACADEMIC_YEAR] == year], year


def _columns(spec: KpiChart, frame: pd.DataFrame, unit: str) -> tuple[ChartColumn, ...]:
    spec_unit = UNIT_SPECS[unit]
    columns = [
        ChartColumn(query.KPI_ID, _("KPI")),
        ChartColumn(YEAR_LABEL, _("Academic year"), "year"),
    ]
    if spec.by is not None:
        columns.append(ChartColumn(LABEL, _sentence_case(breakdown_label(spec.by))))
    unit_text = get_kpi(spec.kpis[0]).unit_label()
    columns += [
        ChartColumn(query.VALUE, _("Value ({unit})").format(unit=unit_text), spec_unit.table_kind),
    ]
    if frame[query.NUMERATOR].notna().any() or not spec_unit.is_count:
        columns.append(ChartColumn(query.NUMERATOR, _("Numerator"), "number"))
    if frame[query.DENOMINATOR].notna().any():
        columns.append(ChartColumn(query.DENOMINATOR, _("Denominator"), "number"))
    for kpi_id in spec.kpis:
        for name, label, _people in get_kpi(kpi_id).extra_measures:
            if name in frame and not any(c.field == name for c in columns):
                columns.append(ChartColumn(name, _sentence_case(_(label)), "number"))
    columns += [
        ChartColumn(query.SUPPRESSED, _("Withheld (small numbers)"), "flag"),
        ChartColumn(query.PROVISIONAL, _("Provisional"), "flag"),
    ]
    if (frame[query.METHOD] != "").any():
        columns.append(ChartColumn(query.METHOD, _("Method")))
    if (frame[query.NOTE] != "").any():
        columns.append(ChartColumn(query.NOTE, _("Note")))
    return tuple(columns)


def _targets(spec: KpiChart, inputs: ChartInputs) -> list[tuple[Target, str]]:
    """The targets of the view's own scope (scored), per series."""
    if spec.by is not None:
        return []
    return [
        (target, _series_name(spec, kpi_id))
        for kpi_id in spec.kpis
        for target in group_scoped_targets(inputs.targets, kpi_id, inputs.state, None, "").scored
    ]


def _references(spec: KpiChart, inputs: ChartInputs) -> list[Target]:
    """The university's targets on a narrower view: drawn as reference lines, unscored."""
    if spec.by is not None:
        return []
    return [
        target
        for kpi_id in spec.kpis
        for target in group_scoped_targets(inputs.targets, kpi_id, inputs.state, None, "").reference
    ]


def _data_sheet(
    spec: KpiChart,
    inputs: ChartInputs,
    targets: list[tuple[Target, str]],
    frame: pd.DataFrame,
    references: Sequence[Target] = (),
) -> DataSheet:
    kpis = [get_kpi(kpi_id) for kpi_id in spec.kpis]
    notes = [
        f"{_('Target')}: {target.describe()}: {target.text('source')}" for target, _s in targets
    ]
    notes += [
        f"{_('University reference, not scored')}: {target.describe()}: {target.text('source')}"
        for target in references
    ]
    methods = sorted(set(frame[query.METHOD]) - {""}) if not frame.empty else []
    notes += [f"{_('Method')}: {_(method)}" for method in methods]
    staff_only = all(k.filters == ("years", "faculty") for k in kpis)
    if staff_only and (inputs.state.programmes or inputs.state.cycles):
        notes.append(_("The programme and cycle filters do not apply to this measure."))
    years = frame[query.PROVISIONAL] if not frame.empty else pd.Series(dtype=bool)
    provisional = sorted(set(frame.loc[years, YEAR_LABEL])) if not frame.empty else []
    return DataSheet(
        measure=_(spec.title),
        definition=" ".join(f"{k.text('name')}: {k.text('definition')}" for k in kpis),
        filters=describe(inputs.state, inputs.options),
        basis=basis_label(inputs.state.basis),
        suppression=inputs.settings.suppression,
        data_version=inputs.meta.get("data_version", ""),
        published_at=inputs.meta.get("published_at", ""),
        generated_at=generated_at(),
        provisional_years=tuple(provisional),
        kpi_id=", ".join(spec.kpis),
        numerator="; ".join(k.text("numerator") for k in kpis if k.numerator),
        denominator="; ".join(k.text("denominator") for k in kpis if k.denominator),
        unit=kpis[0].unit_label(),
        notes=tuple(notes),
    )


def _empty_message(inputs: ChartInputs) -> str:
    return _(
        "There is nothing to show for this selection ({selection}): no data was loaded for "
        "it, or every number is too small to publish. Widen the years, faculties, "
        "programmes or cycles above."
    ).format(selection=describe(inputs.state, inputs.options))


def _summary(spec: KpiChart, frame: pd.DataFrame, unit: str, year: int | None) -> str:
    # Percentages are read out as rates ("23.1%").
    kind, scale = ("rate", 0.01) if UNIT_SPECS[unit].is_percentage else ("number", 1.0)
    if spec.kind == "trend" and spec.by is None:
        return " ".join(
            trend_sentence(
                str(series),
                [
                    (label, None if pd.isna(value) else value * scale)
                    for label, value in zip(rows[YEAR_LABEL], rows[query.VALUE], strict=True)
                ],
                kind,
            )
            for series, rows in frame.groupby(SERIES, sort=False)
        )
    if spec.kind == "timeline":
        last_year = int(frame[query.ACADEMIC_YEAR].max())
        active = frame[(frame[query.ACADEMIC_YEAR] == last_year) & (frame[query.VALUE] > 0)]
        return _("In {year}, member of {count}: {names}.").format(
            year=academic_year_label(last_year),
            count=len(active),
            names=", ".join(sorted(active[LABEL])),
        )
    latest = frame[frame[query.ACADEMIC_YEAR] == year] if year is not None else frame
    known = latest[latest[query.VALUE].notna()].sort_values(query.VALUE, ascending=False)
    if known.empty:
        return _("No values can be shown for this selection.")
    first = known.iloc[0]
    return _("{title}, {year}: the largest is {label} with {value} ({count} in the chart).").format(
        title=_(spec.title),
        year=academic_year_label(int(first[query.ACADEMIC_YEAR])),
        label=first[LABEL],
        value=format_value(first[query.VALUE] * scale, kind),
        count=len(known),
    )


def kpi_chart_content(spec: KpiChart, inputs: ChartInputs) -> ChartContent:
    """What the chart card of ``spec`` shows for this request's selection."""
    unit = get_kpi(spec.kpis[0]).unit
    if spec.measure:
        unit = "count"
    frame = _frames(spec, inputs)
    targets = _targets(spec, inputs)
    references = _references(spec, inputs)
    title = _("{title} — {selection}").format(
        title=_(spec.title), selection=describe(inputs.state, inputs.options)
    )
    empty = frame.empty or frame[query.VALUE].notna().sum() == 0
    year = None
    plotted = frame
    figure: Any = None
    if not empty:
        if spec.kind == "trend":
            figure = figures.trend_figure(frame, unit, targets, references)
        elif spec.kind == "stacked":
            figure = figures.stacked_figure(frame, unit)
            year = latest_year(frame)
        elif spec.kind == "timeline":
            figure = figures.timeline_figure(frame)
        else:
            latest, year = _latest(frame)
            shown = latest[latest[query.VALUE].notna()]
            order = (
                shown[query.NUMERATOR].fillna(0) + shown[query.DENOMINATOR].fillna(0)
                if spec.order_by == "volume"
                else shown[query.VALUE]
            )
            shown = shown.loc[order.sort_values(ascending=False, kind="stable").index]
            if spec.top:
                shown = shown.head(spec.top)
            if spec.kind == "map":
                shown = shown.assign(iso3=figures.iso3(shown[query.GROUP]))
                shown = shown[shown["iso3"].notna()]
                figure = figures.map_figure(shown, unit, get_kpi(spec.kpis[0]).unit_label())
            else:
                figure = figures.bars_figure(shown, unit, axis_title=_measure_label(spec))
            # Withheld groups are not drawn, but the table and the download list them as
            # withheld, so a reader knows they exist.
            withheld = latest[latest[query.VALUE].isna() & latest[query.SUPPRESSED]]
            plotted = pd.concat([shown, withheld], ignore_index=True)
            title = _("{title}, {year} — {selection}").format(
                title=_(spec.title),
                year=academic_year_label(year) if year is not None else "",
                selection=describe(inputs.state, inputs.options),
            )
    if empty and spec.kind in ("bars", "map") and not frame.empty:
        # As when something is drawn: a snapshot lists the withheld groups, not the groups
        # without a value of their own (an exchange balance with no outgoing stays).
        plotted = frame[frame[query.SUPPRESSED].astype(bool)]
    plotted = plotted.reset_index(drop=True)
    columns = _columns(spec, frame if not frame.empty else _blank(), unit)
    if plotted.empty:
        plotted = _blank()
    return ChartContent(
        title=title,
        figure=figure,
        frame=plotted[[c.field for c in columns]],
        columns=columns,
        summary="" if empty else _summary(spec, plotted, unit, year),
        data_sheet=_data_sheet(spec, inputs, targets, plotted, references),
        empty_message=_empty_message(inputs) if empty else "",
        filename=spec.prefix,
    )


def _blank() -> pd.DataFrame:
    columns = list(query.COLUMNS) + [YEAR_LABEL, LABEL, SERIES]
    frame = pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
    for column in (query.VALUE, query.NUMERATOR, query.DENOMINATOR):
        frame[column] = frame[column].astype("float64")
    frame[query.METHOD] = frame[query.METHOD].astype(str)
    frame[query.NOTE] = frame[query.NOTE].astype(str)
    return frame
