"""``intl-kpi kpis``: the KPI table on the command line (registered in ``etl/cli.py``).

Same query layer, suppression and targets as the dashboard; the selection options mirror
the dashboard's filter bar.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click
import duckdb
import pandas as pd

from dashboard.exports import (
    About,
    csv_text,
    generated_now,
    json_text,
    workbook_sheets,
    write_workbook,
)
from dashboard.filters_state import FilterState, academic_year_label, parse_academic_year
from dashboard.i18n import _
from dashboard.kpis import query
from dashboard.kpis.registry import BREAKDOWNS, UNIT_SPECS, UnknownKpi
from dashboard.kpis.suppression import UNPROTECTED_WARNING, get_preset
from dashboard.kpis.table import STATUS_LABEL, kpi_table
from dashboard.kpis.targets import TargetsError, read_targets
from dashboard.queries.status import published_meta
from etl.settings import Settings


def _year(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    year = parse_academic_year(text)
    if year is None:
        raise click.BadParameter(
            f"{text!r} is not an academic year (2019 or 2019-20)", param_hint=option
        )
    return year


def run_kpis(
    settings: Settings,
    *,
    kpi_ids: tuple[str, ...],
    years: tuple[str, ...],
    year_from: str | None,
    year_to: str | None,
    faculties: tuple[str, ...],
    programmes: tuple[str, ...],
    cycles: tuple[str, ...],
    by: str | None,
    basis: str | None,
    suppression: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    if by is not None and by not in BREAKDOWNS:
        raise click.BadParameter(f"{by!r}; use one of {', '.join(BREAKDOWNS)}", param_hint="--by")
    chosen_years = [_year(text, "--year") for text in years]
    first = _year(year_from, "--from")
    last = _year(year_to, "--to")
    if chosen_years:
        # Earlier years stay in the query: progress status is measured from the baseline.
        first, last = None, max(chosen_years)
    state = FilterState(
        year_from=first,
        year_to=last,
        faculties=faculties,
        programmes=programmes,
        cycles=cycles,
        basis=basis or settings.international_basis,
    )
    context = dataclasses.replace(
        query.QueryContext.from_settings(settings),
        **({"suppression": suppression} if suppression else {}),
    )
    if not get_preset(context.suppression).web:
        click.secho(_(UNPROTECTED_WARNING), err=True, fg="red", bold=True)
    try:
        targets = read_targets(settings.targets_file)
    except TargetsError as error:
        raise click.ClickException(str(error)) from error
    connection = duckdb.connect(str(settings.database), read_only=True)
    try:
        table = kpi_table(connection.cursor(), state, context, targets, kpi_ids or None, by)
        meta = published_meta(connection.cursor())
    except (UnknownKpi, query.UnknownBreakdown) as error:
        raise click.UsageError(str(error)) from error
    finally:
        connection.close()
    if chosen_years:
        table = table[table[query.ACADEMIC_YEAR].isin(chosen_years)].reset_index(drop=True)
    about = About(
        state=state,
        suppression=context.suppression,
        data_version=meta.get("data_version", ""),
        published_at=meta.get("published_at", ""),
        generated_at=generated_now(),
        source="intl-kpi kpis",
        by=by,
    )
    _write(table, output_format, output, about, targets, kpi_ids)


def _write(
    table: pd.DataFrame,
    output_format: str,
    output: Path | None,
    about: About | None = None,
    targets: list | None = None,
    kpi_ids: tuple[str, ...] = (),
) -> None:
    if output_format == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE")
        if about is None:  # a caller without a selection to describe
            about = About(FilterState(), "", "", "", generated_now(), "intl-kpi kpis")
        sheets = workbook_sheets(table, about, targets or [], kpi_ids or None)
        write_workbook(sheets, output)
        click.echo(f"wrote {len(table)} rows to {output} (sheets: {', '.join(sheets)})")
        return
    if output_format == "csv":
        text = csv_text(table)  # no live formulas from names; years also as 2015-16
    elif output_format == "json":
        text = json_text(table)
    else:
        text = _human(table)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(table)} rows to {output}")


def _number(value: float | None, unit: str) -> str:
    return UNIT_SPECS[unit].text(value)  # "" for a missing or withheld value


def _human(table: pd.DataFrame) -> str:
    if table.empty:
        return "No KPI values for this selection.\n"
    lines = []
    header = (
        f"{'kpi':<34} {'year':<8} {'group':<24} {'value':>10} {'num':>9} {'den':>9}  "
        f"{'status':<22} flags"
    )
    lines.append(header)
    for row in table.itertuples(index=False):
        flags = []
        if row.suppressed:
            flags.append("suppressed")
        if row.provisional:
            flags.append("provisional")
        if row.method and row.method != query.METHOD_GRADUATES:
            flags.append(row.method)
        if row.note:
            flags.append(row.note)
        # The words with their deadline ("missed by 2020-21"); empty without a scored target.
        status = getattr(row, STATUS_LABEL)
        lines.append(
            f"{row.kpi_id:<34} {academic_year_label(int(row.academic_year)):<8} "
            f"{str(row.group)[:24]:<24} {_number(row.value, row.unit):>10} "
            f"{_number(row.numerator, 'count'):>9} {_number(row.denominator, 'count'):>9}  "
            f"{status:<22} {', '.join(flags)}"
        )
    return "\n".join(lines) + "\n"
