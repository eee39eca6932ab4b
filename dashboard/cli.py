"""The ``intl-kpi`` entry point: the ETL's commands (``etl.cli``) and the KPI table
(``intl-kpi kpis``, ``dashboard.kpis.cli``) in one command group.

It is assembled here because the dashboard may import the ETL (settings, cells) but the ETL
never imports the dashboard: ``etl.cli.main`` alone (``python -m etl.cli``) has every
command but ``kpis``.
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import click

from dashboard.i18n import DEFAULT_LANGUAGE, _, checked_language, use_language
from dashboard.report_cli import report
from etl import cli as etl_cli
from etl.settings import Settings


@click.command()
@etl_cli.database_option
@click.option("--kpi", "kpi_ids", multiple=True, help="KPI id (repeatable; default: all).")
@click.option("--year", "years", multiple=True, help="Academic year, 2019 or 2019-20 (repeatable).")
@click.option("--from", "year_from", default=None, help="First academic year of a range.")
@click.option("--to", "year_to", default=None, help="Last academic year of a range.")
@click.option("--faculty", "faculties", multiple=True, help="Faculty (repeatable).")
@click.option("--programme", "programmes", multiple=True, help="Programme code (repeatable).")
@click.option(
    "--cycle",
    "cycles",
    multiple=True,
    type=click.Choice(["bachelor", "master", "phd", "short_cycle"]),
    help="Cycle (repeatable).",
)
@click.option("--by", "by", default=None, help="Break down by this dimension (see README).")
@click.option(
    "--basis",
    type=click.Choice(["nationality", "prior_education", "both"]),
    default=None,
    help="International basis (default: the INTL_KPI_BASIS setting).",
)
@click.option(
    "--suppression",
    type=click.Choice(["round5", "duo", "hesa", "none"]),
    default=None,
    help="Disclosure-control preset (default: the INTL_KPI_SUPPRESSION setting). 'none' is "
    "UNPROTECTED: counts of 1-4 people, for analysts with clearance only.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    help="Output format (xlsx needs --output).",
)
@click.option(
    "--output", type=click.Path(path_type=Path, dir_okay=False), default=None, help="File."
)
def kpis(database: Path | None, **options: object) -> None:
    """Compute the KPI table (value, numerator, denominator, targets, status) for a
    selection, through the same query layer as the dashboard."""
    from dashboard.kpis.cli import run_kpis

    try:
        settings = Settings.from_env(database=database)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    if not Path(settings.database).exists():
        click.echo(f"No database is published at {settings.database}.", err=True)
        sys.exit(1)
    run_kpis(settings, **options)


main = click.Group(
    name="intl-kpi",
    commands={**etl_cli.main.commands, "kpis": kpis, "report": report},
    callback=etl_cli.main.callback,
    params=etl_cli.main.params,
    help="Internationalisation KPIs: load data into DuckDB, inspect it, compute KPIs.",
)

# Where the command line reads its language: its own setting, then the usual locale variables.
LANGUAGE_VARIABLES = ("INTL_KPI_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


def cli_language(environ: Mapping[str, str] = os.environ) -> str:
    """The help's language: ``INTL_KPI_LANG=nl``, else a Dutch locale (``LANG=nl_NL.UTF-8``),
    else English."""
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return checked_language(value.split(".")[0]) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def commands(command: click.Command) -> Iterator[click.Command]:
    """``command`` and every command below it."""
    yield command
    if isinstance(command, click.Group):
        for child in command.commands.values():
            yield from commands(child)


def help_texts(command: click.Command) -> Iterator[str]:
    """Every help text a person reads in ``--help`` (the catalogue extracts them)."""
    for each in commands(command):
        yield from (text for text in (each.help, each.short_help, each.epilog) if text)
        yield from (p.help for p in each.params if isinstance(p, click.Option) and p.help)


def localised(command: click.Command, language: str) -> click.Command:
    """A copy of ``command`` whose help is in ``language`` (the original stays English)."""
    if language == DEFAULT_LANGUAGE:
        return command
    copied = copy.deepcopy(command)
    with use_language(language):
        for each in commands(copied):
            each.help = _(each.help) if each.help else each.help
            each.short_help = _(each.short_help) if each.short_help else each.short_help
            each.epilog = _(each.epilog) if each.epilog else each.epilog
            for param in each.params:
                if isinstance(param, click.Option) and param.help:
                    param.help = _(param.help)
    return copied


def run() -> None:
    """The ``intl-kpi`` command: its help in the environment's language (``INTL_KPI_LANG``
    or the locale); messages and output stay English (scripts read them)."""
    localised(main, cli_language())()


if __name__ == "__main__":  # python -m dashboard.cli
    run()
