"""The ``intl-kpi`` command line: build the demo, load files, show what is published, list and
roll back published versions, write input templates. The ``intl-kpi`` entry point adds the
KPI table (``intl-kpi kpis``) in ``dashboard/cli.py``: the ETL never imports the dashboard.
Results go to stdout; progress and log lines go to stderr through ``logging`` (``-q``
warnings only, ``-v`` debug)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from etl.progress import configure_logging, heartbeat
from etl.settings import Settings
from etl.users_cli import users


def _settings(database: Path | None) -> Settings:
    try:
        return Settings.from_env(database=database)
    except ValueError as error:
        raise click.UsageError(str(error)) from error


database_option = click.option(
    "--database",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Database file (default: the INTL_KPI_DATABASE setting, data/intl_kpi.duckdb).",
)


@click.group()
@click.option("-v", "--verbose", count=True, help="More log lines (-v: debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
def main(verbose: int, quiet: bool) -> None:
    """Internationalisation KPIs: load data into DuckDB, inspect it, compute KPIs."""
    configure_logging(-1 if quiet else verbose)


def _print_load(result, seconds: float) -> None:  # noqa: ANN001 (LoadResult, imported lazily)
    for report in result.files:
        skipped = sum(report.rows_skipped.values())
        click.echo(
            f"{report.file} [{report.format}]: {report.rows_read} read, "
            f"{report.rows_accepted} accepted, {report.rows_rejected} rejected, "
            f"{skipped} skipped"
        )
        for reason, count in report.rows_skipped.items():
            click.echo(f"    skipped {count}: {reason}")
        for note in report.notes:
            click.echo(f"    {note}")
    rows = sum(report.rows_read for report in result.files)
    if result.published:
        click.echo(
            f"Published data version {result.data_version} "
            f"({rows} rows in {seconds:.1f} s, {rows / max(seconds, 1e-9):,.0f} rows/s)."
        )
    for path in result.report_paths:
        click.echo(f"Rejects report: {path}")


def _run_load(settings: Settings, paths: list[Path], **options: object) -> None:
    from etl.pipeline import LoadFailed, load_files
    from etl.store import LoadBusy

    started = time.perf_counter()
    try:
        result = load_files(paths, settings, **options)
    except LoadFailed as error:
        _print_load(error.result, time.perf_counter() - started)
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except LoadBusy as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(3)
    except FileNotFoundError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    _print_load(result, time.perf_counter() - started)


SCOPE_HELP = (
    "What the files cover, i.e. which earlier rows of their years they replace: the faculties "
    "in the files (faculty, the default), only their programmes (programme), or every row of "
    "their years (university)."
)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--allow-rejects",
    is_flag=True,
    help="Publish the valid rows; record rejected values in the load history.",
)
@click.option(
    "--format",
    "format_name",
    default=None,
    help="Force a format instead of detecting it (an entity name or a public format).",
)
@click.option(
    "--institution",
    default=None,
    help="Load only this institution's rows from institution-wide files (BRIN, e.g. 21PB).",
)
@click.option(
    "--scope",
    type=click.Choice(["faculty", "programme", "university"]),
    default="faculty",
    show_default=True,
    help=SCOPE_HELP,
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Publish even when a year's headcount drops by more than INTL_KPI_SHRINK_LIMIT percent.",
)
@database_option
def load(
    paths: tuple[Path, ...],
    allow_rejects: bool,
    format_name: str | None,
    institution: str | None,
    scope: str,
    allow_shrink: bool,
    database: Path | None,
) -> None:
    """Load input files (CSV, XLSX, Parquet; a folder loads every file in it).

    A file replaces the earlier rows of the years and faculties it covers (see --scope).
    Before publishing, the change per table and year is shown; a drop of more than
    INTL_KPI_SHRINK_LIMIT percent of a year's headcount is refused unless --allow-shrink.
    """
    _run_load(
        _settings(database),
        list(paths),
        allow_rejects=allow_rejects,
        format_name=format_name,
        institution=institution,
        scope=scope,
        allow_shrink=allow_shrink,
    )


@main.command()
@click.option("--scale", type=float, default=1.0, show_default=True, help="Size multiplier.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/demo"),
    show_default=True,
    help="Folder for the generated input files.",
)
@click.option(
    "--replace-real-data",
    is_flag=True,
    help="Allow replacing a published database that holds real (non-demo) data.",
)
@database_option
def demo(
    scale: float, seed: int, output: Path, replace_real_data: bool, database: Path | None
) -> None:
    """Generate the synthetic demo university and load it through the normal ETL.

    The demo replaces the published database with a new one that holds only the demo; it
    refuses to replace real data unless --replace-real-data is given.
    """
    from etl.demo import generate_demo

    settings = _settings(database)
    if Path(settings.database).exists() and not replace_real_data:
        from etl.status import published_is_demo

        if not published_is_demo(settings.database):
            click.echo(
                f"Error: {settings.database} holds real data; the demo would replace it. "
                "Use --database OTHER.duckdb, or --replace-real-data.",
                err=True,
            )
            sys.exit(2)
    started = time.perf_counter()
    with heartbeat(f"Generating the demo university (scale {scale:g}, seed {seed}) in {output}"):
        paths = generate_demo(output, scale=scale, seed=seed)
    click.echo(f"Generated {len(paths)} files in {output} ({time.perf_counter() - started:.1f} s)")
    _run_load(settings, paths, demo=True, fresh=True)


@main.command()
@database_option
def status(database: Path | None) -> None:
    """Show what is published: version, loads, files, row counts, quality findings."""
    from etl.status import read_published, read_status

    settings = _settings(database)
    if not Path(settings.database).exists():
        click.echo(f"No database is published at {settings.database}.", err=True)
        click.echo("Run `intl-kpi demo` or `intl-kpi load FILES`.", err=True)
        sys.exit(1)
    published = read_published(Path(settings.database), read_status)
    click.echo(f"Database: {settings.database}")
    click.echo(
        f"Data version {published.data_version}, published {published.published_at} UTC"
        + (" — SYNTHETIC DEMO DATA" if published.is_demo else "")
    )
    click.echo("\nLoaded files:")
    for row in published.loads.itertuples():
        click.echo(
            f"  load {row.load_id} {row.loaded_at:%Y-%m-%d %H:%M} {row.file_name} "
            f"[{row.format}] sha256 {row.sha256[:16]}…: {row.rows_read} read, "
            f"{row.rows_accepted} accepted, {row.rows_rejected} rejected, "
            f"{row.rows_skipped} skipped ({row.status})"
        )
    click.echo("\nRows per table:")
    for row in published.table_counts.itertuples():
        headcount = (
            ""
            if row.headcount is None or row.headcount != row.headcount
            else (f" (headcount {int(row.headcount):,})")
        )
        click.echo(f"  {row.table:<20} {row.rows:>10,}{headcount}")
    if not published.enrolment_by_year.empty:
        click.echo("\nEnrolment headcount per academic year:")
        for row in published.enrolment_by_year.itertuples():
            click.echo(
                f"  {row.academic_year}-{(row.academic_year + 1) % 100:02d} "
                f"{row.population:<10} {row.headcount:>10,}"
            )
    click.echo("\nData quality findings:")
    if published.findings.empty:
        click.echo("  none")
    for row in published.findings.itertuples():
        click.echo(f"  [{row.severity}] {row.check_name}: {row.failing_rows:,} — {row.description}")


@main.command()
@database_option
def history(database: Path | None) -> None:
    """List the kept published versions (newest first) with their files and row counts."""
    from etl.status import read_history

    settings = _settings(database)
    kept = read_history(Path(settings.database))
    if not kept:
        click.echo(
            f"No kept versions of {settings.database} (INTL_KPI_VERSIONS_KEPT="
            f"{settings.versions_kept}).",
            err=True,
        )
        sys.exit(1)
    click.echo(f"Kept versions of {settings.database} (newest first):")
    for version in kept:
        marker = "*" if version.is_published else " "
        click.echo(
            f"{marker} version {version.version}, published {version.published_at} UTC, "
            f"{version.size_bytes / 1e6:.1f} MB" + ("  <- published now" if marker == "*" else "")
        )
        files = ", ".join(
            f"{row.file_name} ({row.rows_accepted:,} row(s))" for row in version.files.itertuples()
        )
        click.echo(f"    files: {files or 'none'}")
        counts = ", ".join(
            f"{row.table} {row.rows:,}"
            + (
                ""
                if row.headcount is None or row.headcount != row.headcount
                else f" ({int(row.headcount):,})"
            )
            for row in version.table_counts.itertuples()
            if row.rows
        )
        click.echo(f"    rows (headcount): {counts or 'none'}")


@main.command()
@click.argument("version", type=int, required=False)
@database_option
def rollback(version: int | None, database: Path | None) -> None:
    """Republish a kept VERSION atomically (default: the one before the published one)."""
    from etl.store import LoadBusy, NoSuchVersion
    from etl.store import rollback as republish

    settings = _settings(database)
    try:
        published = republish(Path(settings.database), settings.lock_timeout, version)
    except NoSuchVersion as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except LoadBusy as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(3)
    click.echo(f"Published version {published} again ({settings.database}).")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def templates(folder: Path) -> None:
    """Write an empty template per input entity and COLUMNS.md documenting the columns."""
    from etl.templates import write_templates

    for path in write_templates(folder):
        click.echo(f"wrote {path}")


main.add_command(users)


if __name__ == "__main__":  # python -m etl.cli, used by the tests' subprocesses
    main()
