"""``intl-kpi report``: the board report as PDF (``dashboard.report``) from the command line,
through the same query layer, targets and disclosure-control preset as the dashboard."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import click

from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, use_language
from etl import cli as etl_cli
from etl.settings import Settings


@click.command()
@etl_cli.database_option
@click.option(
    "--lang",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Language of the report: " + ", ".join(f"{k} ({v})" for k, v in LANGUAGES.items()) + ".",
)
@click.option("--faculty", "faculties", multiple=True, help="Faculty (repeatable).")
@click.option(
    "--year",
    default=None,
    help="Report on this academic year (2019 or 2019-20); default: the latest complete one.",
)
@click.option(
    "--suppression",
    type=click.Choice(["round5", "duo", "hesa"]),
    default=None,
    help="Disclosure-control preset (default: the INTL_KPI_SUPPRESSION setting). A board "
    "report is always protected: 'none' is not offered.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The PDF file to write.",
)
def report(
    database: Path | None,
    lang: str,
    faculties: tuple[str, ...],
    year: str | None,
    suppression: str | None,
    output: Path,
) -> None:
    """Write the board report as PDF: a cover with the summary (targets achieved / on track /
    at risk), then one section per theme with each KPI's chart, targets, status, commentary
    and definition, the data version and the suppression preset."""
    import duckdb

    from dashboard.board import CommentaryError, read_commentary
    from dashboard.exports import generated_now
    from dashboard.filters_state import FilterState, parse_academic_year
    from dashboard.kpis import query
    from dashboard.kpis.suppression import get_preset
    from dashboard.kpis.targets import TargetsError, read_targets
    from dashboard.report import board_report_pdf

    try:
        settings = Settings.from_env(database=database)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if not Path(settings.database).exists():
        click.echo(f"No database is published at {settings.database}.", err=True)
        sys.exit(1)
    chosen_year = None
    if year is not None:
        chosen_year = parse_academic_year(year)
        if chosen_year is None:
            raise click.BadParameter(
                f"{year!r} is not an academic year (2019 or 2019-20)", param_hint="--year"
            )
    context = dataclasses.replace(
        query.QueryContext.from_settings(settings),
        **({"suppression": suppression} if suppression else {}),
    )
    if not get_preset(context.suppression).web:
        raise click.UsageError(
            f"the suppression preset {context.suppression!r} is unprotected; a board report "
            "needs a protected one (--suppression round5)"
        )
    try:
        targets = read_targets(settings.targets_file)
        commentary = read_commentary(settings.commentary_file)
    except (TargetsError, CommentaryError) as error:
        raise click.ClickException(str(error)) from error
    # Earlier years stay in: progress status is measured from the baseline.
    state = FilterState(
        year_to=chosen_year, faculties=faculties, basis=settings.international_basis
    )
    started = time.perf_counter()
    connection = duckdb.connect(str(settings.database), read_only=True)
    try:
        with use_language(lang):
            content = board_report_pdf(
                connection.cursor(),
                state,
                context,
                targets,
                generated_at=generated_now(),
                commentary=commentary,
            )
    finally:
        connection.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(content)
    click.echo(
        f"Board report written to {output} ({len(content) / 1024:,.0f} KiB in "
        f"{time.perf_counter() - started:.1f} s).",
        err=True,
    )
